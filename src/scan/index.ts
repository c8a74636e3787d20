// Real scans, browser-safe (no Node imports): DICOM series and NIfTI volumes → ScanVolume; the
// crop around a point, the intensity mapping of the training data, the paste back, NIfTI out.
// File and folder reading for Node is in scanFiles.ts (not exported here).
export type { ScanVolume, WorldFrame } from './volume.js';
export { sliceOf, valueRange } from './volume.js';
export type { Affine, Vec3 } from './affine.js';
export { voxelToWorld, worldToVoxel, flipXY, sliceAffine, columnLength } from './affine.js';
export type { NamedBytes, DicomImage } from './dicomFile.js';
export { parseDicomFile, isDicomBytes } from './dicomFile.js';
export { readDicomSeries } from './dicomSeries.js';
export { readNiftiVolume } from './niftiVolume.js';
export { SUPPORTED_TRANSFER_SYNTAXES, transferSyntaxName } from './transferSyntax.js';
export type { CropWindow } from './crop.js';
export { cropWindow, checkPoint, cropSlice, pasteBack } from './crop.js';
export { toModelInput, padValue, levelToValue, INPUT_LEVELS } from './intensity.js';
export type { NiftiImage } from './niftiWrite.js';
export { encodeNifti } from './niftiWrite.js';
export type { ClickCrop } from './click.js';
export { clickCrop, checkClick, voxelOfWorld } from './click.js';
