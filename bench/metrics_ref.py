#!/usr/bin/python3
"""numpy/scipy side of bench/metrics.ts: GED (excl + incl) + Hungarian IoU per image.

  /usr/bin/python3 bench/metrics_ref.py MASKS.bin IMAGES SAMPLES RATERS SIZE

MASKS.bin: per image, RATERS then SAMPLES masks of SIZE*SIZE bits (np.packbits, bitorder='little').
Prints one JSON object {numpy_s, ged_excl[], ged_incl[], hm_iou[]} (NaN as null). numpy_s times
only the metrics, starting from uint8 masks (as flowseg starts from Uint8Array), using the best
plain-numpy formulation: pairwise intersections of all 20 masks by one float32 matmul per chunk
of images, then Kohl's nanmean (excl) / PHiSeg's IoU = 1 (incl) and
scipy.optimize.linear_sum_assignment per image on 1 - IoU with raters tiled to the sample count.
"""
import json
import sys
import time
import warnings

import numpy as np
from scipy.optimize import linear_sum_assignment

CHUNK = 50


def main():
    path, images, samples, raters, size = sys.argv[1], *map(int, sys.argv[2:6])
    k = samples + raters
    bits = np.fromfile(path, dtype=np.uint8).reshape(images, k, size * size // 8)
    masks = np.unpackbits(bits, axis=-1, bitorder='little')  # [images, k, pixels] uint8 0/1

    ged_excl = np.empty(images)
    ged_incl = np.empty(images)
    hm_iou = np.empty(images)
    tile = np.arange(samples) % raters
    warnings.simplefilter('ignore', RuntimeWarning)  # nanmean of all-NaN blocks -> NaN is intended

    t0 = time.perf_counter()
    for c0 in range(0, images, CHUNK):
        x = masks[c0:c0 + CHUNK].astype(np.float32)                 # [B, k, P]
        inter = (x @ x.transpose(0, 2, 1)).astype(np.float64)        # [B, k, k] |a ∩ b|, exact
        count = np.einsum('bii->bi', inter)
        union = count[:, :, None] + count[:, None, :] - inter
        with np.errstate(invalid='ignore', divide='ignore'):
            iou = np.where(union > 0, inter / union, np.nan)         # NaN = empty–empty
        yy, ss, sy = iou[:, :raters, :raters], iou[:, raters:, raters:], iou[:, raters:, :raters]
        d = lambda a: 1.0 - a  # noqa: E731
        excl = 2 * np.nanmean(d(sy), axis=(1, 2)) - np.nanmean(d(ss), axis=(1, 2)) - np.nanmean(d(yy), axis=(1, 2))
        incl_of = lambda a: np.mean(d(np.nan_to_num(a, nan=1.0)), axis=(1, 2))  # noqa: E731
        incl = 2 * incl_of(sy) - incl_of(ss) - incl_of(yy)
        ged_excl[c0:c0 + len(x)] = excl
        ged_incl[c0:c0 + len(x)] = incl
        for b in range(len(x)):
            m = np.nan_to_num(sy[b][:, tile], nan=1.0)
            rows, cols = linear_sum_assignment(1.0 - m)
            hm_iou[c0 + b] = m[rows, cols].mean()
    numpy_s = time.perf_counter() - t0

    as_list = lambda a: [None if np.isnan(v) else float(v) for v in a]  # noqa: E731
    print(json.dumps({'numpy_s': numpy_s, 'ged_excl': as_list(ged_excl), 'ged_incl': as_list(ged_incl),
                      'hm_iou': as_list(hm_iou)}))


if __name__ == '__main__':
    main()
