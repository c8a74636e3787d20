import { FlowsegInputError } from '../util/errors.js';

/** Transfer syntaxes whose pixels dcmjs hands over uncompressed (DICOM PS3.5 §10, A.4). */
export const SUPPORTED_TRANSFER_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian (retired)',
};

/** Names of the compressed syntaxes a user is likely to meet, for the refusal message. */
const COMPRESSED: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless, First-Order Prediction (Process 14, SV1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless Only',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 Lossless Only',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL Lossless Only',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 High Profile',
  '1.2.840.10008.1.2.4.110': 'JPEG XL Lossless',
};

/** The name of a transfer syntax UID, or 'unknown'. */
export function transferSyntaxName(uid: string): string {
  return SUPPORTED_TRANSFER_SYNTAXES[uid] ?? COMPRESSED[uid] ?? 'unknown transfer syntax';
}

/** Refuses, in one line naming the UID and its name, any syntax flowseg cannot decode. */
export function checkTransferSyntax(uid: string, file: string): void {
  if (uid in SUPPORTED_TRANSFER_SYNTAXES) return;
  throw new FlowsegInputError(
    `${file}: transfer syntax ${uid} (${transferSyntaxName(uid)}) is not supported; flowseg reads uncompressed DICOM — decompress it first, e.g. \`gdcmconv --raw in.dcm out.dcm\` or \`dcmdjpeg in.dcm out.dcm\``,
  );
}
