export { IMAGES_FILE, INDEX_FILE, MASKS_FILE, PREPARED_VERSION, type PreparedIndex } from './format.js';
export { openPrepared, preparedSummary, readPreparedIndex, type PreparedDataset } from './open.js';
export { writePrepared, type PrepareOptions } from './write.js';
