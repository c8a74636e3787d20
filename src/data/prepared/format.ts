/**
 * The prepared on-disk format written by `flowseg prepare` (version 1):
 * ```
 * <dir>/index.json   metadata below (ids, patient ids, shape, summary, source)
 * <dir>/images.f32   float32 little-endian, items × C × H × W, item-major
 * <dir>/masks.u8     uint8 0/1, items × R × H × W, item-major
 * ```
 * Fixed-size records, so item i is read with two positioned reads and no parsing.
 */
import { z } from 'zod';

export const PREPARED_VERSION = 1;
export const INDEX_FILE = 'index.json';
export const IMAGES_FILE = 'images.f32';
export const MASKS_FILE = 'masks.u8';

export const preparedIndexSchema = z.object({
  format: z.literal('flowseg-prepared'),
  version: z.literal(PREPARED_VERSION),
  /** `input` names every part, joined by ', '; `parts` (several-part datasets) counts each. */
  source: z.object({
    format: z.string(),
    input: z.string(),
    parts: z.array(z.object({ input: z.string(), items: z.number().int().nonnegative(), patients: z.number().int().nonnegative() })).optional(),
  }),
  createdAt: z.string(),
  shape: z.object({
    items: z.number().int().positive(),
    patients: z.number().int().positive(),
    channels: z.number().int().positive(),
    raters: z.number().int().positive(),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
  }),
  files: z.object({ images: z.literal(IMAGES_FILE), masks: z.literal(MASKS_FILE) }),
  ids: z.array(z.string()),
  patientIds: z.array(z.string()),
  /** Per item: how many raters marked something. */
  nonEmptyRaters: z.array(z.number().int().nonnegative()),
  summary: z.object({
    imageRange: z.object({ min: z.number(), max: z.number() }),
    foregroundFraction: z.number(),
  }),
});

export type PreparedIndex = z.infer<typeof preparedIndexSchema>;
