"""Reading the pickle inside a ``.pt`` file: an allow-list unpickler and tensor rebuilding.

``Unpickler.find_class`` knows five kinds of globals (``OrderedDict``, the two tensor
rebuilders, the storage types, ``torch.Size``) and refuses everything else, so loading a file
never runs code from it: PyTorch's ``weights_only=True``, always. Storages come from the zip
through ``read_storage(key)`` (``compat._serialization``); tensors are rebuilt from them as
C-contiguous native-byte-order copies.

Example:
    >>> import io, pickle
    >>> from compat._pickle_read import Unpickler
    >>> Unpickler(io.BytesIO(pickle.dumps({"a": (1, 2.5)})), read_storage=None).load()
    {'a': (1, 2.5)}
    >>> Unpickler(io.BytesIO(pickle.dumps(print)), read_storage=None).load()
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    _pickle.UnpicklingError: Weights only load failed: compat.load refused GLOBAL builtins.print...
"""

from __future__ import annotations

import collections
import pickle

import numpy as np

from compat._pickle_write import STORAGE_DTYPES

_REFUSED = (
    "Weights only load failed: compat.load refused {what}. Only tensors and plain containers "
    "load (dict, OrderedDict, list, tuple, str, int, float, bool, None; tensors and "
    "Parameters): compat never runs code from a file, whatever weights_only says. Files with "
    "other objects (e.g. numpy arrays, whole pickled models) must be re-saved from PyTorch "
    "with only tensors in them, e.g. torch.save(model.state_dict(), path)."
)


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


_STORAGE_TYPES = {("torch", name): _StorageType(name, dt) for name, dt in STORAGE_DTYPES.items()}


class Unpickler(pickle.Unpickler):
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
        check_loaded(result)
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


def check_loaded(result) -> None:
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
