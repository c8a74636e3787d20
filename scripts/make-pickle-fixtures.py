#!/usr/bin/env python3
"""Writes small pickles in the Kohl/Knegt data_lidc.pickle layout for flowseg's tests.

pydicom is faked by tiny modules of the same names (the pickles only record class names),
so only numpy is needed.  Values are formulaic so the tests can recompute them:
  image[y, x] = ((e * 7 + y * W + x) % 256) / 255      (float64)
  mask r of entry e: pixel (y, x) = 1 if (y + x + r + e) % 3 == 0, except rater 3, which
  is empty and stored as float64 (as in the original file).

usage: make-pickle-fixtures.py OUT_DIR [--entries N] [--size S] [--protocols 2,3,4,5]
"""
import argparse, os, pickle, sys, tempfile, textwrap

FAKE = {
    "pydicom/__init__.py": "",
    "pydicom/uid.py": "class UID(str):\n    pass\n",
    "pydicom/valuerep.py": textwrap.dedent("""
        class DSfloat(float):
            def __init__(self, val):
                self.original_string = repr(val)
                self.auto_format = False
    """),
    "pydicom/multival.py": textwrap.dedent("""
        class MultiValue:
            def __init__(self, type_constructor, iterable):
                self.type_constructor = type_constructor
                self._list = [type_constructor(x) for x in iterable]
    """),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--entries", type=int, default=3)
    ap.add_argument("--size", type=int, default=8)
    ap.add_argument("--protocols", default="2,3,4,5")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    for rel, src in FAKE.items():
        os.makedirs(os.path.join(tmp, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(tmp, rel), "w") as f:
            f.write(src)
    sys.path.insert(0, tmp)
    import numpy as np
    from pydicom.multival import MultiValue
    from pydicom.uid import UID
    from pydicom.valuerep import DSfloat

    S = a.size
    data = {}
    for e in range(a.entries):
        img = ((e * 7 + np.arange(S * S)) % 256).reshape(S, S) / 255.0
        yy, xx = np.mgrid[0:S, 0:S]
        masks = [((yy + xx + r + e) % 3 == 0).astype(np.uint8) for r in range(3)]
        masks.append(np.zeros((S, S)))  # empty rater: float64, as in the original
        series = f"1.2.3.{e // 2}"  # two slices per series
        data[f"{e // 2:030d}_slice{e % 2}"] = {
            "image": img,
            "masks": masks,
            "series_uid": UID(series),
            "pixel_spacing": MultiValue(DSfloat, [0.7, 0.7]),
        }
    os.makedirs(a.out, exist_ok=True)
    for p in [int(x) for x in a.protocols.split(",")]:
        with open(os.path.join(a.out, f"tiny.p{p}.pickle"), "wb") as f:
            pickle.dump(data, f, protocol=p)


if __name__ == "__main__":
    main()
