// Engine-free figures: SVG strings rasterized with resvg, raw pixels encoded with pngjs.
export { renderSampleGrid, type SampleGridInput } from './sampleGrid.js';
export { renderLinePlot, linePlotSvg, type LinePlotOptions, type LineSeries, type LegendEntry, type Point } from './linePlot.js';
export { renderScatter, scatterSvg, leastSquares, type ScatterOptions } from './scatter.js';
export { encodePng, upscale, pngDataUri } from './png.js';
export { viridis, applyColormap, rgbHex, SERIES_COLOURS, type Rgb } from './colormap.js';
export { rasterizeSvg } from './svg.js';
