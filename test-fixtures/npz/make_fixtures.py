"""Regenerates the tiny numpy fixtures used by src/data/npz.test.ts.

Run with `python3 test-fixtures/npz/make_fixtures.py` (needs numpy). Values follow formulas
the test recomputes: image[n, c, y, x] = (100 n + 20 c + 5 y + x) / 1000,
mask[n, r, y, x] = (n + r + y + x) % 2 == 0 for rater r.
"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
N, C, R, H, W = 3, 2, 2, 4, 5
n, c, y, x = np.meshgrid(np.arange(N), np.arange(C), np.arange(H), np.arange(W), indexing="ij")
images = ((100 * n + 20 * c + 5 * y + x) / 1000).astype(np.float32)  # [N, C, H, W]
n, r, y, x = np.meshgrid(np.arange(N), np.arange(R), np.arange(H), np.arange(W), indexing="ij")
masks = ((n + r + y + x) % 2 == 0).astype(np.uint8)  # [N, R, H, W]
ids = np.array(["case-a", "case-b", "case-ü"])  # <U6: UTF-32 strings
patients = np.array([b"p1", b"p1", b"p2"])  # |S2: byte strings

np.savez(os.path.join(here, "stored.npz"), images=images, masks=masks, ids=ids, patient_ids=patients)
np.savez_compressed(os.path.join(here, "compressed.npz"), images=images.astype(">f8"), masks=masks.astype(bool))

# Folder form: uint8 [N, H, W] images (scaled by 1/255 on read), masks [N, R, H, W] as int64.
gray = (np.arange(N * H * W).reshape(N, H, W) * 4).astype(np.uint8)
np.save(os.path.join(here, "folder", "images.npy"), gray)
with open(os.path.join(here, "folder", "masks.npy"), "wb") as f:
    np.lib.format.write_array(f, masks.astype(np.int64), version=(2, 0))  # v2 header
np.save(os.path.join(here, "folder", "patient_ids.npy"), np.array([7, 7, 9]))
np.save(os.path.join(here, "fortran.npy"), np.asfortranarray(images[0]))
