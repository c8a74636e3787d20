export { elbo, type ElboInput, type ElboParts, type KlMode } from './elbo.js';
export { diagNormalLogPdf, klDiagNormal } from './gaussian.js';
export { pixelSumBce } from './bce.js';
