import { FlowsegInputError } from '../util/errors.js';

/**
 * Walks a DICOM dataset's element headers and refuses any declared length that runs past the
 * end of the bytes, BEFORE dcmjs reads it: dcmjs allocates what an element declares (a 2 GB
 * PixelData length in a 2 KB file) and zero-fills what is missing, so a cut or lying file would
 * otherwise read as an image or take gigabytes. Sequences and items of undefined length are
 * entered, not skipped; their delimiters carry no value.
 */
export function checkElementLengths(b: Uint8Array, start: number, explicitVr: boolean, little: boolean, name: string): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const UNDEFINED = 0xffffffff;
  let at = start;
  while (at < b.length) {
    if (at + 8 > b.length) cut(name, `an element header at byte ${at}`);
    const group = v.getUint16(at, little);
    if (group === 0xfffe) {
      // item (E000) or a delimiter (E00D, E0DD): 4-byte length, always implicit
      const len = v.getUint32(at + 4, little);
      at += 8;
      if (len !== UNDEFINED && v.getUint16(at - 6, little) === 0xe000 && at + len > b.length) cut(name, `an item of ${len} bytes`);
      continue; // enter the item: its content is elements
    }
    let len: number;
    let header: number;
    let sequence = false;
    if (explicitVr) {
      const vr = String.fromCharCode(b[at + 4], b[at + 5]);
      if (LONG_VRS.has(vr)) {
        if (at + 12 > b.length) cut(name, `an element header at byte ${at}`);
        len = v.getUint32(at + 8, little);
        header = 12;
        sequence = vr === 'SQ';
      } else {
        len = v.getUint16(at + 6, little);
        header = 8;
      }
    } else {
      len = v.getUint32(at + 4, little);
      header = 8;
    }
    at += header;
    if (len === UNDEFINED || sequence) continue; // enter it
    if (at + len > b.length) {
      const tag = `(${hex(group)},${hex(v.getUint16(at - header + 2, little))})`;
      cut(name, `element ${tag} declares ${len.toLocaleString('en-US')} bytes but ${(b.length - at).toLocaleString('en-US')} remain`);
    }
    at += len;
  }
}

/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

function cut(name: string, what: string): never {
  throw new FlowsegInputError(`${name}: ${what} — the file is truncated or corrupt; copy it again from the source`);
}
