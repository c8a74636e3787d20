// Public data API: the dataset contract, readers by format, the prepared format, splits.
export type { DataItem, Dataset, DatasetShape, ItemStream } from './types.js';
export { FORMATS, formatNames, readerFor, type Reader, type ReaderOptions } from './formats.js';
export { readLidcPickle } from './lidcPickle.js';
export { readLidcPng } from './lidcPngTree.js';
export { readSynthetic, syntheticDataset, type MaskMode, type SyntheticDataset, type SyntheticOptions } from './synthetic.js';
export { openPrepared, preparedSummary, readPreparedIndex, writePrepared, type PreparedDataset, type PreparedIndex } from './prepared/index.js';
export { fractionSplit, kfoldSplit, loadSplit, saveSplit, splitIndices, type Split, type SplitSource } from './splits.js';
export { augmentItem, pickRaterMask, type AugmentOptions, type RaterMode } from './raters.js';
export { formatSummary, nonEmptyRaterCount, SummaryAccumulator, type DatasetSummary } from './summary.js';
