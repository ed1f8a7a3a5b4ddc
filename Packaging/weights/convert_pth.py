#!/usr/bin/env python3
"""Convert the EfficientNet-Lite0 ImageNet checkpoint (.pth) into EagleEdge's safetensors file.

    convert_pth.py SOURCE.pth OUTPUT.safetensors
    convert_pth.py --inspect SOURCE.pth NAME I,J,K,L [NAME I,J,K,L ...]

Standard library only: the set-up must not need torch or numpy on a build host or the board.

The checkpoint is PyTorch's legacy (pre-1.6, non-zip) serialization:
  1. pickle: magic number 0x1950a86a20f9469cfc6c
  2. pickle: protocol version 1001
  3. pickle: system info (byte order, type sizes)
  4. pickle: the state dict; each tensor is
     torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)
     with persistent ids ('storage', FloatStorage|LongStorage, key, 'cpu', numel, None)
  5. pickle: the storage keys, sorted
  6. per key, in that order: int64 element count, then the raw little-endian elements.
The tensors keep TensorFlow's memory layouts (HWIO, ...), so offset/size/stride are applied here
and the output holds contiguous row-major data in PyTorch's logical layout (conv weights OIHW:
out, in/groups, kh, kw). Batch norm is not folded: the Swift side folds it.

The pickles are read with a restricted unpickler: only the four globals above are resolved, each
to a local stand-in, and anything else is refused, because unpickling arbitrary globals runs
arbitrary code.

num_batches_tracked: the checkpoint has one per batch norm (49, int64 scalars). They are checked
and then DROPPED: inference never reads them, and dropping them keeps the output a single dtype
(F32). The checkpoint has 296 entries; the output has 247 tensors.
"""

from __future__ import annotations

import array
import hashlib
import io
import json
import os
import pickle
import struct
import sys
import time
from dataclasses import dataclass

SOURCE_NAME = "efficientnet-lite0-57934424.pth"
FORMAT = "eagle-edge efficientnet-lite0 v1"
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001


class ConversionError(Exception):
    """A problem with the checkpoint; the message names it."""


# --------------------------------------------------------------------------- architecture

# (expand ratio, kernel, stride, in channels, out channels), one row per block (docs/expert.md).
BLOCKS = [
    (1, 3, 1, 32, 16),
    (6, 3, 2, 16, 24),
    (6, 3, 1, 24, 24),
    (6, 5, 2, 24, 40),
    (6, 5, 1, 40, 40),
    (6, 3, 2, 40, 80),
    (6, 3, 1, 80, 80),
    (6, 3, 1, 80, 80),
    (6, 5, 1, 80, 112),
    (6, 5, 1, 112, 112),
    (6, 5, 1, 112, 112),
    (6, 5, 2, 112, 192),
    (6, 5, 1, 192, 192),
    (6, 5, 1, 192, 192),
    (6, 5, 1, 192, 192),
    (6, 3, 1, 192, 320),
]
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
CLASSES = 1000
BN_PARAMS = ("weight", "bias", "running_mean", "running_var")


def expected_float_tensors() -> list[tuple[str, list[int]]]:
    """Every float tensor of EfficientNet-Lite0 (lukemelas naming) with its shape, in network order."""
    table: list[tuple[str, list[int]]] = []

    def conv(name: str, out_ch: int, in_per_group: int, k: int) -> None:
        table.append((f"{name}.weight", [out_ch, in_per_group, k, k]))

    def bn(name: str, ch: int) -> None:
        table.extend((f"{name}.{p}", [ch]) for p in BN_PARAMS)

    conv("_conv_stem", STEM_CHANNELS, 3, 3)
    bn("_bn0", STEM_CHANNELS)
    for i, (expand, k, _stride, cin, cout) in enumerate(BLOCKS):
        p = f"_blocks.{i}"
        mid = cin * expand
        if expand != 1:
            conv(f"{p}._expand_conv", mid, cin, 1)
            bn(f"{p}._bn0", mid)
        conv(f"{p}._depthwise_conv", mid, 1, k)
        bn(f"{p}._bn1", mid)
        conv(f"{p}._project_conv", cout, mid, 1)
        bn(f"{p}._bn2", cout)
    conv("_conv_head", HEAD_CHANNELS, BLOCKS[-1][4], 1)
    bn("_bn1", HEAD_CHANNELS)
    table.append(("_fc.weight", [CLASSES, HEAD_CHANNELS]))
    table.append(("_fc.bias", [CLASSES]))
    return table


def expected_counters(float_table: list[tuple[str, list[int]]]) -> list[str]:
    """The num_batches_tracked entry of every batch norm (int64 scalars in the checkpoint)."""
    return [name[: -len(".running_var")] + ".num_batches_tracked"
            for name, _ in float_table if name.endswith(".running_var")]


# --------------------------------------------------------------------------- restricted unpickling

class _FloatStorageType:
    element_size = 4
    typecode = "f"
    name = "FloatStorage"


class _LongStorageType:
    element_size = 8
    typecode = "q"
    name = "LongStorage"


class _OrderedDictStandIn(dict):
    """Stands in for collections.OrderedDict; a dict subclass so BUILD can attach `_metadata`."""


@dataclass
class _StorageRef:
    kind: type
    key: str
    numel: int


@dataclass
class _TensorRef:
    storage: _StorageRef
    offset: int
    size: tuple
    stride: tuple


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, backward_hooks=None, *rest):
    if not isinstance(storage, _StorageRef):
        raise ConversionError(f"tensor rebuilt from {type(storage).__name__}, expected a storage")
    if not isinstance(offset, int) or not isinstance(size, tuple) or not isinstance(stride, tuple):
        raise ConversionError("tensor with a malformed offset/size/stride")
    if backward_hooks:
        raise ConversionError("tensor with backward hooks")
    return _TensorRef(storage, offset, size, stride)


_ALLOWED_GLOBALS = {
    ("collections", "OrderedDict"): _OrderedDictStandIn,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch", "FloatStorage"): _FloatStorageType,
    ("torch", "LongStorage"): _LongStorageType,
}


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, storages: dict[str, _StorageRef]):
        super().__init__(file)
        self._storages = storages

    def find_class(self, module, name):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise ConversionError(f"refusing pickle global {module}.{name} (not part of a plain state dict)") from None

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"):
            raise ConversionError(f"unexpected persistent id {pid!r}")
        _, kind, key, location, numel, view = pid
        if kind not in (_FloatStorageType, _LongStorageType):
            raise ConversionError(f"storage {key!r} has an unsupported type")
        if not isinstance(key, str) or location != "cpu" or not isinstance(numel, int) or numel < 0 or view is not None:
            raise ConversionError(f"malformed storage id {pid!r}")
        known = self._storages.get(key)
        if known is None:
            known = self._storages[key] = _StorageRef(kind, key, numel)
        elif known.kind is not kind or known.numel != numel:
            raise ConversionError(f"storage {key!r} is declared twice with different types or sizes")
        return known


# --------------------------------------------------------------------------- reading the checkpoint

@dataclass
class Checkpoint:
    tensors: dict[str, _TensorRef]   # in the checkpoint's order
    data: dict[str, array.array]     # storage key -> elements (native byte order)


def _read_exact(f, n: int, what: str) -> bytes:
    b = f.read(n)
    if len(b) != n:
        raise ConversionError(f"file ends inside {what} (wanted {n} bytes, got {len(b)})")
    return b


def read_checkpoint(raw: bytes) -> Checkpoint:
    f = io.BytesIO(raw)
    storages: dict[str, _StorageRef] = {}

    def load(what: str):
        try:
            return _RestrictedUnpickler(f, storages).load()
        except ConversionError:
            raise
        except Exception as e:  # truncated or corrupt pickle
            raise ConversionError(f"cannot read the {what} pickle: {e}") from None

    if load("magic number") != LEGACY_MAGIC:
        raise ConversionError("not a legacy PyTorch file (wrong magic number; zip checkpoints are not expected here)")
    if load("protocol") != LEGACY_PROTOCOL:
        raise ConversionError(f"unsupported legacy protocol (expected {LEGACY_PROTOCOL})")
    info = load("system info")
    if not isinstance(info, dict) or info.get("little_endian") is not True:
        raise ConversionError(f"unexpected system info {info!r} (only little-endian checkpoints are supported)")
    state = load("state dict")
    if not isinstance(state, dict):
        raise ConversionError("the state dict pickle does not hold a dict")
    for name, t in state.items():
        if not isinstance(name, str) or not isinstance(t, _TensorRef):
            raise ConversionError(f"state dict entry {name!r} is not a tensor")
    keys = load("storage keys")
    if not isinstance(keys, list) or sorted(set(keys)) != sorted(storages):
        raise ConversionError("the storage key list does not match the storages the tensors use")

    data: dict[str, array.array] = {}
    for key in keys:
        s = storages[key]
        (count,) = struct.unpack("<q", _read_exact(f, 8, f"the size of storage {key}"))
        if count != s.numel:
            raise ConversionError(f"storage {key} holds {count} elements, its id says {s.numel}")
        a = array.array(s.kind.typecode)
        if a.itemsize != s.kind.element_size:
            raise ConversionError(f"this Python's '{s.kind.typecode}' arrays are not {s.kind.element_size} bytes")
        a.frombytes(_read_exact(f, count * a.itemsize, f"the data of storage {key}"))
        if sys.byteorder != "little":
            a.byteswap()
        data[key] = a
    rest = len(raw) - f.tell()
    if rest:
        raise ConversionError(f"{rest} unexpected bytes after the last storage")
    return Checkpoint(dict(state), data)


def contiguous(t: _TensorRef, storage: array.array, name: str) -> array.array:
    """The tensor's elements in row-major order of its logical shape (offset, size, stride applied)."""
    size, stride, offset = list(t.size), list(t.stride), t.offset
    if len(size) != len(stride) or any(not isinstance(v, int) or v < 0 for v in size + stride + [offset]):
        raise ConversionError(f"{name}: malformed size {t.size} / stride {t.stride} / offset {t.offset}")
    numel = 1
    for s in size:
        numel *= s
    if numel == 0:
        return array.array(storage.typecode)
    last = offset + sum((s - 1) * st for s, st in zip(size, stride))
    if last >= len(storage):
        raise ConversionError(f"{name}: view reaches element {last} of a {len(storage)}-element storage")
    # Size-1 dimensions do not move through memory; dropping them makes the innermost run long,
    # so each run is one extended slice instead of a Python loop over single elements.
    dims = [(s, st) for s, st in zip(size, stride) if s != 1]
    if not dims:
        return array.array(storage.typecode, [storage[offset]])
    inner_size, inner_stride = dims[-1]
    outer = dims[:-1]
    out = array.array(storage.typecode)
    index = [0] * len(outer)
    while True:
        start = offset + sum(i * st for i, (_, st) in zip(index, outer))
        out.extend(storage[start: start + (inner_size - 1) * inner_stride + 1: inner_stride] if inner_stride
                   else array.array(storage.typecode, [storage[start]]) * inner_size)
        d = len(outer) - 1
        while d >= 0:
            index[d] += 1
            if index[d] < outer[d][0]:
                break
            index[d] = 0
            d -= 1
        if d < 0:
            break
    assert len(out) == numel
    return out


def checked_tensors(ckpt: Checkpoint) -> list[tuple[str, list[int], array.array]]:
    """The float tensors in network order, after checking the checkpoint is exactly EfficientNet-Lite0."""
    floats = expected_float_tensors()
    counters = expected_counters(floats)
    expected_names = {n for n, _ in floats} | set(counters)
    actual_names = set(ckpt.tensors)
    missing = sorted(expected_names - actual_names)
    extra = sorted(actual_names - expected_names)
    if missing or extra:
        raise ConversionError(
            f"not the EfficientNet-Lite0 state dict: {len(actual_names)} entries, expected {len(expected_names)}"
            + (f"; missing {missing[:5]}{' ...' if len(missing) > 5 else ''}" if missing else "")
            + (f"; unexpected {extra[:5]}{' ...' if len(extra) > 5 else ''}" if extra else ""))
    for name in counters:
        t = ckpt.tensors[name]
        if t.storage.kind is not _LongStorageType or list(t.size) != []:
            raise ConversionError(f"{name}: expected an int64 scalar")
    out = []
    for name, shape in floats:
        t = ckpt.tensors[name]
        if t.storage.kind is not _FloatStorageType:
            raise ConversionError(f"{name}: expected float32 data, found {t.storage.kind.name}")
        if list(t.size) != shape:
            raise ConversionError(f"{name}: shape {list(t.size)}, expected {shape}")
        out.append((name, shape, contiguous(t, ckpt.data[t.storage.key], name)))
    return out


# --------------------------------------------------------------------------- writing safetensors

def safetensors_bytes(tensors: list[tuple[str, list[int], array.array]], metadata: dict[str, str]) -> bytes:
    header: dict[str, object] = {"__metadata__": metadata}
    pos = 0
    for name, shape, values in tensors:
        n = len(values) * 4
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [pos, pos + n]}
        pos += n
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # Pad with spaces (as the reference implementation does) so the data starts 8-byte aligned.
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    body = bytearray(struct.pack("<Q", len(text)))
    body += text
    for _, _, values in tensors:
        v = array.array("f", values)
        if sys.byteorder != "little":
            v.byteswap()
        body += v.tobytes()
    return bytes(body)


def convert(source: str, output: str) -> None:
    t0 = time.monotonic()
    with open(source, "rb") as f:
        raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()
    tensors = checked_tensors(read_checkpoint(raw))
    params = sum(len(v) for _, _, v in tensors)
    blob = safetensors_bytes(tensors, {"source": SOURCE_NAME, "source_sha256": digest, "format": FORMAT})
    # Write beside the target and rename: an interrupted run never leaves a half file behind.
    tmp = f"{output}.tmp.{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    print(f"converted {os.path.basename(source)} (sha256 {digest[:16]}...): {len(tensors)} tensors, "
          f"{params} parameters, {len(blob)} bytes, {time.monotonic() - t0:.2f} s")


def inspect(source: str, queries: list[str]) -> None:
    """Print single elements (by logical index) of converted tensors; the Swift tests' reference values."""
    with open(source, "rb") as f:
        ckpt = read_checkpoint(f.read())
    tensors = {name: (shape, values) for name, shape, values in checked_tensors(ckpt)}
    if len(queries) % 2:
        raise ConversionError("--inspect wants NAME INDEX pairs")
    for name, idx in zip(queries[::2], queries[1::2]):
        if name not in tensors:
            raise ConversionError(f"no tensor {name}")
        shape, values = tensors[name]
        index = [int(i) for i in idx.split(",")]
        if len(index) != len(shape) or any(not 0 <= i < s for i, s in zip(index, shape)):
            raise ConversionError(f"index {index} outside shape {shape}")
        flat = 0
        for i, s in zip(index, shape):
            flat = flat * s + i
        t = ckpt.tensors[name]
        naive = ckpt.data[t.storage.key][t.offset + flat]   # what ignoring the strides would read
        print(f"{name}[{idx}] = {values[flat]!r} (flat {flat}; storage read without strides: {naive!r})")


def main(argv: list[str]) -> int:
    try:
        if len(argv) >= 4 and argv[1] == "--inspect":
            inspect(argv[2], argv[3:])
        elif len(argv) == 3:
            convert(argv[1], argv[2])
        else:
            print(__doc__.split("\n\n")[1], file=sys.stderr)
            return 2
    except ConversionError as e:
        print(f"convert_pth.py: {argv[1] if argv[1] != '--inspect' else argv[2]}: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"convert_pth.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
