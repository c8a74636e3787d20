export * from './config.js';
export * from './segmentationModel.js';
export { ProbUNet } from './probUnet.js';
export { DetUNet } from './detUnet.js';
export { UNet } from './unet.js';
export { GaussianEncoder } from './gaussianEncoder.js';
export { Fcomb } from './fcomb.js';
export { createModel } from './create.js';
