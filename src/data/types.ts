/**
 * The dataset contract shared by every reader, the prepared on-disk format, training and
 * evaluation. Images are float32 `[C, H, W]` (values normally in [0, 1]); rater masks are
 * uint8 `[R, H, W]` with values exactly 0 or 1. An empty rater mask is real disagreement.
 */
export interface DataItem {
  /** Stable, unique id (e.g. `LIDC-IDRI-0001/nodule-1/slice-3`). */
  id: string;
  /** Grouping key for splits: slices of one patient never straddle train and test. */
  patientId: string;
  channels: number;
  height: number;
  width: number;
  /** `[C, H, W]` float32. */
  image: Float32Array;
  /** Number of raters R. */
  raters: number;
  /** `[R, H, W]` uint8, 0/1. */
  masks: Uint8Array;
}

/** What a reader yields: items one at a time, so large sets are never decoded twice in memory. */
export type ItemStream = AsyncIterable<DataItem>;

/** Shape and size of a dataset (the `flowseg data info` summary is a superset of this). */
export interface DatasetShape {
  items: number;
  patients: number;
  channels: number;
  raters: number;
  height: number;
  width: number;
}

/** Random access to a prepared (or in-memory) dataset. */
export interface Dataset {
  readonly shape: DatasetShape;
  /** Item ids and patient ids in storage order; index i matches `get(i)`. */
  readonly ids: readonly string[];
  readonly patientIds: readonly string[];
  get(index: number): DataItem;
  close?(): void;
}

/** Options shared by all readers; each reader uses the ones that apply to it. */
export interface ReaderOptions {
  /** Target side length in pixels (resize / synthetic size); readers that cannot resize check it. */
  size?: number;
  /** Convert RGB inputs to one gray channel. */
  grayscale?: boolean;
  /** Patch side length for readers that tile large images (retina). */
  patchSize?: number;
  /** Seed for readers with randomness (synthetic, patch sampling). */
  seed?: number;
  /** Number of items for generated datasets (synthetic). */
  items?: number;
  /** Stop after this many items (quick looks, tests). */
  limit?: number;
}

/** Every format reader: input path (file or folder) and options → items one at a time. */
export type Reader = (input: string, options: ReaderOptions) => ItemStream;
