// The shipped models (models/<name>/ at the package root): their cards and the name → files lookup. Engine-free.
export { MODEL_NAME, modelCardSchema, parseModelCard, readModelCard, type ModelCard } from './card.js';
export { MODEL_FILES, listShippedModels, loadShippedModel, modelNames, modelsDir, resolveModelArg, type ShippedModel } from './registry.js';
