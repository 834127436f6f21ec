"""The pickle inside a ``.pt`` file, written opcode by opcode (protocol 2, as torch.save).

Only the few types a checkpoint needs can be written: None, bool, int, float, str, list,
dict, ``OrderedDict`` (with its ``__dict__``, e.g. a state dict's ``_metadata``), tuple,
``compat.Size`` and tensors. A tensor is written as torch writes it, a call of
``torch._utils._rebuild_tensor_v2`` on a persistent id naming its storage; the storage bytes
are handed back for the zip (``compat._serialization``). Objects seen twice are memoized, so
they are written once and load as one object. The walk keeps its own stack: nesting depth is
not limited by Python's recursion limit.

Example:
    >>> import pickle
    >>> from compat._pickle_write import Pickler
    >>> data, storages = Pickler(2).dump({"step": 7, "lr": [0.1, None], "betas": (0.9, 0.99)})
    >>> pickle.loads(data), storages
    ({'step': 7, 'lr': [0.1, None], 'betas': (0.9, 0.99)}, [])
"""

from __future__ import annotations

import collections
import pickle
import struct
import sys

import numpy as np

# torch's legacy typed-storage class names and the element type each one holds
STORAGE_DTYPES = {
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
_STORAGE_NAMES = {dt: name for name, dt in STORAGE_DTYPES.items()}
_SAVABLE = "tensors, dict, OrderedDict, list, tuple, str, int, float, bool and None"


class _Memoize:
    """A work item: memoize ``obj`` now (after its tuple opcode has been written)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj


class Pickler:
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
