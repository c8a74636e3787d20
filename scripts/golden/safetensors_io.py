"""Tiny dependency-free safetensors reader/writer (numpy only) for the golden-value scripts.

Format (https://github.com/huggingface/safetensors): 8-byte little-endian u64 header
length N, then N bytes of UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}}
(offsets relative to the end of the header; optional "__metadata__": {str: str}), then the
raw little-endian tensor bytes, C order. The header is padded with spaces to a multiple of 8
so the data section is aligned. Supported dtypes: F32 F64 I64 U8 BOOL.
"""
from __future__ import annotations

import json
import os
import struct

import numpy as np

_TO_NP = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "U8": "u1", "BOOL": "?"}
_FROM_NP = {np.dtype("float32"): "F32", np.dtype("float64"): "F64", np.dtype("int64"): "I64",
            np.dtype("uint8"): "U8", np.dtype("bool"): "BOOL"}


def _as_numpy(t) -> np.ndarray:
    if hasattr(t, "detach"):  # torch.Tensor, without importing torch here
        t = t.detach().cpu().contiguous().numpy()
    arr = np.asarray(t)  # (np.ascontiguousarray would turn a 0-d array into 1-d)
    return arr if arr.flags.c_contiguous else arr.copy(order="C")


def save_file(tensors: dict, path: str, metadata: dict | None = None) -> None:
    """Write {name: array-or-torch-tensor} to `path` atomically (temp file + rename)."""
    header: dict = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs, offset = [], 0
    for name in sorted(tensors):
        arr = _as_numpy(tensors[name])
        if arr.dtype not in _FROM_NP:
            raise TypeError(f"{name}: unsupported dtype {arr.dtype}")
        dtype = _FROM_NP[arr.dtype]
        data = arr.astype(_TO_NP[dtype], copy=False).tobytes(order="C")
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * (-len(hbytes) % 8)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def load_file(path: str) -> dict:
    """Read a safetensors file into {name: np.ndarray} (metadata under '__metadata__')."""
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8 : 8 + n].decode("utf-8"))
    base = 8 + n
    out: dict = {}
    for name, info in header.items():
        if name == "__metadata__":
            out[name] = info
            continue
        begin, end = info["data_offsets"]
        dt = np.dtype(_TO_NP[info["dtype"]])
        arr = np.frombuffer(buf, dtype=dt, count=(end - begin) // dt.itemsize, offset=base + begin)
        out[name] = arr.reshape(info["shape"]).copy()
    return out


if __name__ == "__main__":  # self-check: round trip every dtype, including 0-d and empty
    import tempfile

    rng = np.random.default_rng(0)
    src = {
        "f32": rng.standard_normal((2, 3)).astype(np.float32),
        "f64": np.array(3.5),
        "i64": np.arange(-3, 3, dtype=np.int64).reshape(3, 2),
        "u8": np.array([0, 7, 255], dtype=np.uint8),
        "bool": np.array([[True, False]]),
        "empty": np.zeros((0, 4)),
    }
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "t.safetensors")
        save_file(src, p, metadata={"k": "v"})
        back = load_file(p)
    assert back.pop("__metadata__") == {"k": "v"}
    for k, v in src.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape and np.array_equal(back[k], v), k
    print("safetensors_io ok")
