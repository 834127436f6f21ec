"""compat.save / compat.load: PyTorch's ``.pt`` zip format, written and read without torch.

A file is an uncompressed zip holding ``<name>/data.pkl`` (a protocol-2 pickle of the object, in
which every tensor is ``torch._utils._rebuild_tensor_v2(<storage>, offset, size, stride,
requires_grad, OrderedDict())`` and every storage a persistent id ``('storage',
torch.FloatStorage, '<key>', 'cpu', numel)``), the raw little-endian bytes of each storage as
``<name>/data/<key>`` (64-byte aligned), and a few small records (``byteorder``, ``version``...).

The writer emits the pickle opcode by opcode for the few types a checkpoint needs, so nothing
but tensors and plain containers can be written. The reader is a ``pickle.Unpickler`` whose
``find_class`` knows five kinds of globals (OrderedDict, the two tensor rebuilders, storage
types, torch.Size) and refuses everything else, so loading a file never runs code from it:
PyTorch's ``weights_only=True``, always.
"""

from __future__ import annotations

import collections
import hashlib
import io
import os
import pickle
import struct
import sys
import zipfile

import numpy as np

__all__ = ["save", "load"]

# torch's legacy typed-storage class names and the element type each one holds
_STORAGE_DTYPES = {
    "FloatStorage": np.dtype(np.float32),
    "DoubleStorage": np.dtype(np.float64),
    "HalfStorage": np.dtype(np.float16),
    "LongStorage": np.dtype(np.int64),
    "IntStorage": np.dtype(np.int32),
    "ShortStorage": np.dtype(np.int16),
    "CharStorage": np.dtype(np.int8),
    "ByteStorage": np.dtype(np.uint8),
    "BoolStorage": np.dtype(np.bool_),
    "ComplexFloatStorage": np.dtype(np.complex64),
    "ComplexDoubleStorage": np.dtype(np.complex128),
}
_STORAGE_NAMES = {dt: name for name, dt in _STORAGE_DTYPES.items()}
_ALIGNMENT = 64
_SAVABLE = "tensors, dict, OrderedDict, list, tuple, str, int, float, bool and None"
_REFUSED = (
    "Weights only load failed: compat.load refused {what}. Only tensors and plain containers "
    "load (dict, OrderedDict, list, tuple, str, int, float, bool, None; tensors and "
    "Parameters): compat never runs code from a file, whatever weights_only says. Files with "
    "other objects (e.g. numpy arrays, whole pickled models) must be re-saved from PyTorch "
    "with only tensors in them, e.g. torch.save(model.state_dict(), path)."
)


# --- writing -----------------------------------------------------------------------------------


def save(obj, f, pickle_module=None, pickle_protocol: int = 2) -> None:
    """Save tensors and plain containers in PyTorch's file format (``torch.save``).

    The file loads in real PyTorch with ``torch.load(f)`` (``weights_only=True``): state dicts,
    optimizer state dicts and checkpoints nesting them. Tensors are written C-contiguous, each
    with its own storage; an object that appears twice (e.g. tied weights) is written once and
    loads as one object.

    Args:
        obj: tensors (``Parameter`` included), dict, ``OrderedDict``, list, tuple, ``Size``, str,
            int, float, bool and None, nested in any way.
        f: a path (str or ``os.PathLike``) or a binary file object open for writing.
        pickle_module: only the standard ``pickle`` (or None) is accepted.
        pickle_protocol: the pickle protocol header, 2 (PyTorch's default) to 5.

    Raises:
        TypeError: for any other object, naming where it sits in ``obj``.

    Example:
        >>> import io
        >>> import compat as torch
        >>> buffer = io.BytesIO()
        >>> torch.save({"weight": torch.ones(2, 3), "step": 7}, buffer)
        >>> _ = buffer.seek(0)
        >>> torch.load(buffer)
        {'weight': tensor([[1., 1., 1.],
                [1., 1., 1.]]), 'step': 7}
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("compat.save writes its pickles itself: leave pickle_module out")
    if not (isinstance(pickle_protocol, int) and 2 <= pickle_protocol <= 5):
        raise ValueError(f"compat.save writes pickle protocols 2 to 5, got {pickle_protocol!r}")
    data_pkl, storages = _Pickler(pickle_protocol).dump(obj)
    if isinstance(f, (str, os.PathLike)):
        name = os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
        with open(f, "wb") as out:
            out.write(_zip(name, data_pkl, storages))
    else:
        f.write(_zip("archive", data_pkl, storages))


def _zip(name: str, data_pkl: bytes, storages: list[bytes]) -> bytes:
    """The zip PyTorch writes: STORED records, each record's data 64-byte aligned."""
    digest = hashlib.sha256(data_pkl)
    for s in storages:
        digest.update(s)
    records = [
        ("data.pkl", data_pkl),
        (".format_version", b"1"),
        (".storage_alignment", str(_ALIGNMENT).encode()),
        ("byteorder", b"little"),
        *((f"data/{key}", s) for key, s in enumerate(storages)),
        ("version", b"3\n"),
        (".data/serialization_id", str(int(digest.hexdigest()[:32], 16)).zfill(40).encode()),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for record, data in records:
            info = zipfile.ZipInfo(f"{name}/{record}", date_time=(1980, 1, 1, 0, 0, 0))
            # pad the local header with an extra field ('FB', as torch does) so data aligns
            header = 30 + len(info.filename.encode("utf-8")) + 4
            if len(data) > zipfile.ZIP64_LIMIT:
                header += 20  # zipfile then adds a zip64 extra field to the local header
            pad = -(buffer.tell() + header) % _ALIGNMENT
            info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            archive.writestr(info, data)
    return buffer.getvalue()


class _Memoize:
    """A work item: memoize ``obj`` now (after its tuple opcode has been written)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj


class _Pickler:
    """Protocol-2 opcodes for plain containers, scalars and tensors; iterative, memoized."""

    def __init__(self, protocol: int):
        self.out = bytearray(pickle.PROTO + bytes([protocol]))
        self.memo: dict[int, int] = {}  # id(object) -> memo index
        self.alive: list = []  # keeps memoized objects (and so their ids) alive
        self.globals: dict[str, int] = {}  # "module\nname\n" -> memo index
        self.storages: list[bytes] = []

    def dump(self, obj) -> tuple[bytes, list[bytes]]:
        import compat

        nn = sys.modules.get("compat.nn")  # without compat.nn there can be no Parameter
        parameter = getattr(nn, "Parameter", None)
        building: set[int] = set()  # tuples whose items are being written
        # work items: (object, path) to write, opcodes to emit as they are, or _Memoize
        stack: list = [(obj, None)]
        while stack:
            item = stack.pop()
            if isinstance(item, bytes):
                self.out += item
                continue
            if isinstance(item, _Memoize):
                building.discard(id(item.obj))
                self.put(item.obj)
                continue
            x, path = item
            if id(x) in self.memo:
                self.get(self.memo[id(x)])
            elif x is None:
                self.out += pickle.NONE
            elif x is True or x is False:
                self.out += pickle.NEWTRUE if x else pickle.NEWFALSE
            elif type(x) is int:
                self.int(x)
            elif type(x) is float:
                self.out += pickle.BINFLOAT + struct.pack(">d", x)
            elif type(x) is str:
                self.str(x)
            elif isinstance(x, compat.Tensor):
                self.tensor(x, parameter is not None and isinstance(x, parameter))
            elif type(x) is list:
                self.out += pickle.EMPTY_LIST
                self.put(x)
                if x:
                    stack.append(pickle.APPENDS)
                    stack.extend((x[i], (path, i)) for i in range(len(x) - 1, -1, -1))
                    stack.append(pickle.MARK)
            elif type(x) is dict or type(x) is collections.OrderedDict:
                if type(x) is dict:
                    self.out += pickle.EMPTY_DICT
                else:
                    self.glob("collections", "OrderedDict")
                    self.out += pickle.EMPTY_TUPLE + pickle.REDUCE
                self.put(x)
                attributes = getattr(x, "__dict__", None)  # e.g. a state dict's _metadata
                if attributes:
                    stack.append(pickle.BUILD)
                    stack.append((attributes, (path, _ATTRIBUTES)))
                if x:
                    stack.append(pickle.SETITEMS)
                    for k, v in reversed(x.items()):
                        stack.append((v, (path, k)))
                        stack.append((k, (path, k)))
                    stack.append(pickle.MARK)
            elif type(x) is tuple or type(x) is compat.Size:
                if id(x) in building:
                    raise ValueError(f"compat.save: the tuple at {_where(path)} contains itself")
                building.add(id(x))
                stack.append(_Memoize(x))
                if type(x) is compat.Size:
                    self.glob("torch", "Size")
                    stack.append(pickle.TUPLE1 + pickle.REDUCE)
                stack.append(_TUPLE_OPS.get(len(x), pickle.TUPLE))
                stack.extend((x[i], (path, i)) for i in range(len(x) - 1, -1, -1))
                if len(x) not in _TUPLE_OPS:
                    stack.append(pickle.MARK)
            else:
                raise TypeError(
                    f"compat.save writes {_SAVABLE}; got {type(x).__module__}."
                    f"{type(x).__qualname__} at {_where(path)}. Convert it first (e.g. "
                    "float(x), compat.from_numpy(array), tuple(named_tuple), dict(mapping))."
                )
        self.out += pickle.STOP
        return bytes(self.out), self.storages

    def int(self, x: int) -> None:
        if 0 <= x < 256:
            self.out += pickle.BININT1 + bytes([x])
        elif 0 <= x < 65536:
            self.out += pickle.BININT2 + struct.pack("<H", x)
        elif -(2**31) <= x < 2**31:
            self.out += pickle.BININT + struct.pack("<i", x)
        else:  # two's complement, little-endian, with room for the sign bit
            raw = x.to_bytes((x.bit_length() + 8) // 8, "little", signed=True)
            if len(raw) < 256:
                self.out += pickle.LONG1 + bytes([len(raw)]) + raw
            else:
                self.out += pickle.LONG4 + struct.pack("<i", len(raw)) + raw

    def str(self, x: str) -> None:
        raw = x.encode("utf-8", "surrogatepass")
        self.out += pickle.BINUNICODE + struct.pack("<I", len(raw)) + raw

    def new_index(self) -> int:
        """Store the object on top of the unpickler's stack in the next memo slot."""
        index = len(self.memo) + len(self.globals)
        if index < 256:
            self.out += pickle.BINPUT + bytes([index])
        else:
            self.out += pickle.LONG_BINPUT + struct.pack("<I", index)
        return index

    def put(self, x) -> None:
        self.memo[id(x)] = self.new_index()
        self.alive.append(x)

    def get(self, index: int) -> None:
        if index < 256:
            self.out += pickle.BINGET + bytes([index])
        else:
            self.out += pickle.LONG_BINGET + struct.pack("<I", index)

    def glob(self, module: str, name: str) -> None:
        """A global: written once, then fetched from the memo."""
        key = f"{module}\n{name}\n"
        if key in self.globals:
            self.get(self.globals[key])
        else:
            self.out += pickle.GLOBAL + key.encode("ascii")
            self.globals[key] = self.new_index()

    def tensor(self, t, is_parameter: bool) -> None:
        """``_rebuild_tensor_v2(storage, 0, size, stride, requires_grad, OrderedDict())``.

        A Parameter wraps that in ``_rebuild_parameter(tensor, requires_grad, OrderedDict())``.
        """
        array = np.asarray(t.detach().numpy())
        name = _STORAGE_NAMES.get(array.dtype)
        if name is None:
            raise TypeError(f"compat.save: PyTorch has no storage for dtype {array.dtype}")
        key = str(len(self.storages))
        little = np.asarray(array, dtype=array.dtype.newbyteorder("<"))
        self.storages.append(little.tobytes(order="C"))
        if is_parameter:
            self.glob("torch._utils", "_rebuild_parameter")
        self.glob("torch._utils", "_rebuild_tensor_v2")
        self.out += pickle.MARK + pickle.MARK
        self.str("storage")
        self.glob("torch", name)
        self.str(key)
        self.str("cpu")
        self.int(array.size)
        self.out += pickle.TUPLE + pickle.BINPERSID
        self.int(0)
        self.ints(array.shape)
        self.ints(_contiguous_strides(array.shape))
        self.out += pickle.NEWTRUE if t.requires_grad and not is_parameter else pickle.NEWFALSE
        self.glob("collections", "OrderedDict")
        self.out += pickle.EMPTY_TUPLE + pickle.REDUCE + pickle.TUPLE + pickle.REDUCE
        if is_parameter:
            self.out += pickle.NEWTRUE if t.requires_grad else pickle.NEWFALSE
            self.glob("collections", "OrderedDict")
            self.out += pickle.EMPTY_TUPLE + pickle.REDUCE + pickle.TUPLE3 + pickle.REDUCE
        self.put(t)

    def ints(self, values) -> None:
        """A tuple of ints (a size or a stride), not memoized."""
        if len(values) not in _TUPLE_OPS:
            self.out += pickle.MARK
        for v in values:
            self.int(int(v))
        self.out += _TUPLE_OPS.get(len(values), pickle.TUPLE)


def _where(path) -> str:
    """``obj['state'][0]`` for a path of nested (parent, key) pairs."""
    keys = []
    while path is not None:
        path, key = path
        keys.append(".__dict__" if key is _ATTRIBUTES else f"[{key!r}]")
    return "obj" + "".join(reversed(keys))


_ATTRIBUTES = object()  # the path key of an object's __dict__ (written by BUILD)
_TUPLE_OPS = {0: pickle.EMPTY_TUPLE, 1: pickle.TUPLE1, 2: pickle.TUPLE2, 3: pickle.TUPLE3}


def _contiguous_strides(shape) -> tuple[int, ...]:
    """PyTorch's C-order strides, counted in elements (a size-0 dimension counts as 1)."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


# --- reading -----------------------------------------------------------------------------------


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None):
    """Load what ``torch.save`` or ``compat.save`` wrote (``torch.load``, weights only).

    Tensors, Parameters and plain containers load; any other object in the file is refused
    with ``pickle.UnpicklingError`` before anything from the file runs, as PyTorch does with
    ``weights_only=True`` (its default since 2.6). compat never runs code from a file, so
    ``weights_only=False`` reads the same things. Views in the file (a tensor and its
    transpose, say) load as separate tensors with the right values.

    Args:
        f: a path (str or ``os.PathLike``) or a binary file object open for reading.
        map_location: where tensors go: compat has the CPU only, so None, ``"cpu"``, a CPU
            ``device``, a dict mapping to the CPU or a function are accepted (and ignored).
        pickle_module: only the standard ``pickle`` (or None) is accepted.
        weights_only: accepted for compatibility; loading is always weights-only.
        mmap: accepted for compatibility; the file is read into memory.

    Returns:
        The saved object, tensors as ``compat.Tensor`` (``compat.nn.Parameter`` for
        Parameters).

    Example:
        >>> import io
        >>> import compat as torch
        >>> buffer = io.BytesIO()
        >>> torch.save({"state": {0: {"step": torch.tensor(3.0)}}, "lr": [0.1, None]}, buffer)
        >>> _ = buffer.seek(0)
        >>> torch.load(buffer, map_location="cpu")
        {'state': {0: {'step': tensor(3.)}}, 'lr': [0.1, None]}
    """
    del weights_only, mmap  # always weights only, always read into memory
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("compat.load reads its pickles itself: leave pickle_module out")
    _check_map_location(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            raw = file.read()
    else:
        raw = f.read()
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise pickle.UnpicklingError(_not_a_zip(raw))
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        prefix = _archive_prefix(archive)
        names = set(archive.namelist())
        byteorder = "little"
        if f"{prefix}byteorder" in names:
            byteorder = archive.read(f"{prefix}byteorder").decode("ascii", "replace").strip()
        if byteorder not in ("little", "big"):
            raise pickle.UnpicklingError(f"unknown byte order {byteorder!r} in the file")

        def read_storage(key):
            name = f"{prefix}data/{key}"
            if name not in names:
                raise pickle.UnpicklingError(f"the file has no record {name!r} for a storage")
            return archive.read(name)

        unpickler = _Unpickler(io.BytesIO(archive.read(f"{prefix}data.pkl")), read_storage)
        unpickler.order = "<" if byteorder == "little" else ">"
        result = unpickler.load()
    _check_loaded(result)
    return result


def _check_map_location(map_location) -> None:
    targets = map_location.values() if isinstance(map_location, dict) else [map_location]
    for target in targets:
        if target is None or (callable(target) and not isinstance(target, str)):
            continue
        if str(target).split(":")[0] != "cpu":
            raise RuntimeError(
                f"compat runs on the CPU only, so it cannot load tensors to {str(target)!r}: "
                "use map_location='cpu' (or leave map_location out)."
            )


def _not_a_zip(raw: bytes) -> str:
    # the legacy format starts with a pickled magic number: PROTO 2, LONG1 10 bytes
    if raw[:4] == b"\x80\x02\x8a\x0a":
        return (
            "compat.load reads PyTorch's zip format (torch.save's default since PyTorch 1.6); "
            "this file is in the legacy format (_use_new_zipfile_serialization=False). "
            "Re-save it with a recent torch: torch.save(torch.load(path), path)."
        )
    return "compat.load reads files written by torch.save or compat.save; this is not one."


def _archive_prefix(archive: zipfile.ZipFile) -> str:
    """``name/``, the top-level folder holding ``data.pkl`` (any name is accepted)."""
    for name in archive.namelist():
        folder, _, rest = name.partition("/")
        if rest == "data.pkl":
            return f"{folder}/"
    if any(name.endswith("constants.pkl") for name in archive.namelist()):
        raise pickle.UnpicklingError(
            "compat.load cannot read TorchScript archives (torch.jit.save)"
        )
    raise pickle.UnpicklingError("compat.load found no <name>/data.pkl in this zip file")


class _Allowed:
    """A global the reader hands out: callable by REDUCE, closed to BUILD."""

    __slots__ = ("name", "fn")

    def __init__(self, name: str, fn):
        self.name = name
        self.fn = fn

    def __call__(self, *args):
        return self.fn(*args)

    def __setstate__(self, state):
        raise pickle.UnpicklingError(_REFUSED.format(what=f"setting the state of {self.name}"))

    def __repr__(self) -> str:
        return self.name


class _StorageType(_Allowed):
    """``torch.FloatStorage`` and friends: they only name an element type."""

    __slots__ = ()

    def __init__(self, name: str, dtype: np.dtype):
        super().__init__(f"torch.{name}", dtype)

    def __call__(self, *args):
        raise pickle.UnpicklingError(_REFUSED.format(what=f"calling {self.name}"))


class _Storage(_Allowed):
    """One storage of the file: a flat array of its elements."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray):
        super().__init__("a storage", None)
        self.array = array

    def __call__(self, *args):
        raise pickle.UnpicklingError(_REFUSED.format(what="calling a storage"))

    def view(self, offset, size, stride) -> np.ndarray:
        """A C-contiguous, native-byte-order copy of ``size`` elements laid out by ``stride``."""
        ok = _is_int(offset) and offset >= 0 and isinstance(size, tuple)
        ok = ok and isinstance(stride, tuple) and len(size) == len(stride)
        ok = ok and all(_is_int(n) and n >= 0 for n in size)
        ok = ok and all(_is_int(s) and s >= 0 for s in stride)
        if not ok:
            raise pickle.UnpicklingError(
                f"bad tensor layout in the file: offset {offset!r}, size {size!r}, "
                f"stride {stride!r}"
            )
        native = self.array.dtype.newbyteorder("=")
        if 0 in size:
            return np.empty(size, native)
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= self.array.size:
            raise pickle.UnpicklingError(
                f"a tensor of size {list(size)} with stride {list(stride)} at offset {offset} "
                f"reaches past its storage of {self.array.size} elements"
            )
        itemsize = self.array.dtype.itemsize
        view = np.lib.stride_tricks.as_strided(
            self.array[offset:], size, [s * itemsize for s in stride], writeable=False
        )
        return np.array(view, dtype=native, order="C")


def _is_int(x) -> bool:
    return type(x) is int


def _rebuild_tensor(storage, offset, size, stride, requires_grad, hooks=None, metadata=None):
    """torch._utils._rebuild_tensor_v2 (backward hooks and metadata are dropped)."""
    import compat

    if not isinstance(storage, _Storage) or type(requires_grad) is not bool:
        raise pickle.UnpicklingError("bad arguments to _rebuild_tensor_v2 in the file")
    tensor = compat.from_numpy(storage.view(offset, size, stride))
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def _rebuild_parameter(data, requires_grad, hooks=None):
    """torch._utils._rebuild_parameter -> compat.nn.Parameter."""
    import compat

    if not isinstance(data, compat.Tensor) or type(requires_grad) is not bool:
        raise pickle.UnpicklingError("bad arguments to _rebuild_parameter in the file")
    try:
        from compat.nn import Parameter
    except ImportError:  # compat.nn not there: a tensor that requires grad is the best match
        return data.detach().requires_grad_(requires_grad)
    return Parameter(data, requires_grad=requires_grad)


def _size(values=()):
    """torch.Size -> compat.Size."""
    import compat

    if not isinstance(values, (tuple, list)) or not all(_is_int(v) for v in values):
        raise pickle.UnpicklingError("bad arguments to torch.Size in the file")
    return compat.Size(values)


_STORAGE_TYPES = {("torch", name): _StorageType(name, dt) for name, dt in _STORAGE_DTYPES.items()}


class _Unpickler(pickle.Unpickler):
    """The standard unpickler, told which globals exist and where storages are.

    ``find_class`` is the only way a pickle reaches code, so the allow-list keeps loading
    free of side effects. BUILD (set an object's state) is allowed on OrderedDicts, as
    PyTorch's weights-only reader does (state dicts carry ``_metadata``); the globals handed
    out refuse it, and tensors built here are checked to be untouched when loading ends.
    """

    order = "<"

    def __init__(self, file, read_storage):
        super().__init__(file)
        self.read_storage = read_storage
        self.storages: dict[str, _Storage] = {}
        self.made: list[tuple] = []  # (tensor, its attributes when made)
        self.allowed = {
            ("collections", "OrderedDict"): collections.OrderedDict,
            ("torch._utils", "_rebuild_tensor_v2"): _Allowed(
                "_rebuild_tensor_v2", self.recorded(_rebuild_tensor)
            ),
            ("torch._utils", "_rebuild_parameter"): _Allowed(
                "_rebuild_parameter", self.recorded(_rebuild_parameter)
            ),
            ("torch", "Size"): _Allowed("torch.Size", _size),
            **_STORAGE_TYPES,
        }

    def recorded(self, rebuild):
        def call(*args):
            tensor = rebuild(*args)
            self.made.append((tensor, _attributes(tensor)))
            return tensor

        return call

    def find_class(self, module, name):
        allowed = self.allowed.get((module, name))
        if allowed is None:
            what = f"GLOBAL {module}.{name}"
            if module == "torch" and name.endswith("Storage"):
                what += " (a dtype compat does not have)"
            raise pickle.UnpicklingError(_REFUSED.format(what=what))
        return allowed

    def persistent_load(self, pid):
        ok = isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
        if not (ok and isinstance(pid[1], _StorageType) and type(pid[2]) is str):
            raise pickle.UnpicklingError(_REFUSED.format(what=f"the persistent id {pid!r}"))
        _, storage_type, key, _location, numel = pid
        if key not in self.storages:
            dtype = storage_type.fn.newbyteorder(self.order)
            raw = self.read_storage(key)
            if not _is_int(numel) or len(raw) != numel * dtype.itemsize:
                raise pickle.UnpicklingError(
                    f"storage {key} holds {len(raw)} bytes, not {numel!r} elements of {dtype}"
                )
            self.storages[key] = _Storage(np.frombuffer(raw, dtype))
        return self.storages[key]

    def load(self):
        result = super().load()
        for tensor, attributes in self.made:
            after = _attributes(tensor)
            if len(after) != len(attributes) or any(a is not b for a, b in zip(after, attributes)):
                raise pickle.UnpicklingError(_REFUSED.format(what="setting a tensor's state"))
        _check_loaded(result)
        return result


def _attributes(x) -> list:
    """The values of an object's slots and ``__dict__``, to compare by identity."""
    names = [
        n
        for cls in type(x).__mro__
        for n in getattr(cls, "__slots__", ())
        if n not in ("__dict__", "__weakref__")
    ]
    values = [getattr(x, n, None) for n in names]
    return values + [y for item in getattr(x, "__dict__", {}).items() for y in item]


def _check_loaded(result) -> None:
    """Refuse results that still hold the reader's own objects (unused globals, storages)."""
    seen, stack = set(), [result]
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, (_Allowed, type)):
            raise pickle.UnpicklingError(_REFUSED.format(what=f"a bare {x!r} in the result"))
        if isinstance(x, dict):
            stack.extend(x.keys())
            stack.extend(x.values())
            stack.extend(getattr(x, "__dict__", {}).values())
        elif isinstance(x, (list, tuple, set, frozenset)):
            stack.extend(x)
