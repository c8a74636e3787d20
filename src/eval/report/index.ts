// `flowseg report`: run folders → Table-1 report (Markdown, self-contained HTML, CSV, JSON, PNG figures).
export { buildReport, type ReportResult } from './buildReport.js';
export { findRunDirs, type Discovery } from './discover.js';
export { readRun, type RunRecord } from './readRun.js';
export { aggregate, METRICS, type Cell, type MetricInfo, type RunRow, type VariantRow } from './aggregate.js';
export { METRIC_KEYS, type MetricKey, type Summary, type RunConfig } from '../../run/schemas.js';
