// The part of dcmjs (https://github.com/dcmjs-org/dcmjs, no bundled types) that flowseg uses.
declare module 'dcmjs' {
  export interface DicomElement {
    vr: string;
    Value?: unknown[];
  }
  export type DicomElements = Record<string, DicomElement>;
  export interface DicomDictInstance {
    meta: DicomElements;
    dict: DicomElements;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  export interface ReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: ReadOptions): DicomDictInstance };
      DicomMetaDictionary: {
        naturalizeDataset(dict: DicomElements): Record<string, unknown>;
        denaturalizeDataset(dataset: Record<string, unknown>): DicomElements;
        uid(): string;
      };
      DicomDict: new (meta: DicomElements) => DicomDictInstance;
    };
    log: { setLevel(level: string): void; getLevel(): number };
  };
  export default dcmjs;
}
