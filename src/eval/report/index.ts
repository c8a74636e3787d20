// `flowseg report`: run folders and evaluation folders → Table-1 report (Markdown, self-contained HTML, CSV, JSON, PNG figures).
export { buildReport, type ReportResult } from './buildReport.js';
export { findReportInputs, type Discovery, type ReportInput } from './discover.js';
export { readRun } from './readRun.js';
export { readEvaluation } from './readEvaluation.js';
export type { ModelEvaluation, RunRecord, TrainedRun } from './record.js';
export { aggregate, METRICS, type Cell, type MetricInfo, type RunRow, type VariantRow } from './aggregate.js';
export { METRIC_KEYS, type MetricKey, type Summary, type RunConfig } from '../../run/schemas.js';
