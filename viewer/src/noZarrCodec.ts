// NiiVue reads OME-Zarr through zarrita, whose blosc/zstd/lz4 codecs are 1.4 MB of lazy chunks.
// The viewer opens DICOM, NIfTI and pictures only, so vite.config.ts maps them here.
export default {
  fromConfig(): never {
    throw new Error('Zarr volumes are not supported by the flowseg viewer; convert to NIfTI');
  },
};
