"""Creating tensors from data: tensor, as_tensor, from_numpy, ``Tensor(...)``, with PyTorch's
dtype inference; and the size-argument parsing the other creation modules share.

Filled tensors and ranges are in ``_filled``, random tensors in ``_random_tensors``.
"""

from __future__ import annotations

import builtins
import numbers
import warnings

import numpy as np

from compat import _dtypes
from compat._tensor import Tensor, wrap
from compat._tensor_types import Size, check_device

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "is_tensor",
    "numel",
]


def _np_dtype(dtype, default=None):
    if dtype is None:
        return default
    return _dtypes.to_numpy(dtype)


def _infer(data, want=None):
    """An ndarray from nested Python data, with PyTorch's dtype inference.

    ``want`` (a numpy dtype) is the dtype asked for: numbers convert to it directly,
    never through the inferred dtype (0.1 asked as float64 stays 0.1).
    """
    if isinstance(data, Tensor):
        return data._s.array
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    if isinstance(data, (builtins.bool, numbers.Number)):
        return np.asarray(data, _dtypes.scalar_dtype(data) if want is None else want)
    if isinstance(data, (list, tuple)):
        shape, leaves = _nested(data)
        if not leaves:
            return np.zeros(shape, _dtypes.default_np())
        # PyTorch promotes the elements' types pairwise: numpy scalars and tensors keep
        # theirs, Python numbers stand for int64 / the default float dtype / bool
        dt = None
        for x in leaves:
            d = _leaf_dtype(x)
            dt = d if dt is None else _dtypes.promote_types(dt, d)
        if builtins.any(isinstance(x, Tensor) for x in leaves):
            leaves = [x._s.array.item() if isinstance(x, Tensor) else x for x in leaves]
        return np.array(leaves, dt if want is None else want).reshape(shape)
    raise TypeError(
        f"new(): invalid data type '{type(data).__name__}'"
        if not hasattr(data, "__len__")
        else f"Could not infer dtype of {type(data).__name__}"
    )


def _leaf_dtype(x) -> np.dtype:
    """The dtype one element of nested data stands for."""
    if isinstance(x, Tensor):
        return x._s.array.dtype
    if isinstance(x, np.generic):
        return x.dtype
    if isinstance(x, (builtins.bool, builtins.int, builtins.float, builtins.complex)):
        return _dtypes.scalar_dtype(x)
    raise TypeError(f"Could not infer dtype of {type(x).__name__}")


def _nested(data):
    """(shape, flat leaves) of nested lists, with PyTorch's ragged-data error."""
    shape = []
    level = [data]
    while (
        level
        and isinstance(level[0], (list, tuple))
        or (level and isinstance(level[0], np.ndarray) and level[0].ndim)
    ):
        n = len(level[0])
        dim = len(shape)
        nxt = []
        for item in level:
            if not isinstance(item, (list, tuple, np.ndarray)):
                raise TypeError(
                    "not a sequence" if dim else f"Could not infer dtype of {type(item).__name__}"
                )
            if len(item) != n:
                raise ValueError(f"expected sequence of length {n} at dim {dim} (got {len(item)})")
            nxt.extend(item)
        shape.append(n)
        level = nxt
        if not n:
            break
    for item in level:
        if isinstance(item, (list, tuple)):
            raise ValueError(f"expected sequence of length {0} at dim {len(shape)}")
    flat = []
    for x in level:
        if isinstance(x, Tensor):
            if x._s.array.ndim:
                raise ValueError("only one element tensors can be converted to Python scalars")
        flat.append(x)
    return tuple(shape), flat


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, arrays, tensors).

    Python floats become the default dtype (float32); numpy arrays keep theirs.

    Example:
        >>> import compat as torch
        >>> torch.tensor([1, 2.]), torch.tensor([1, 2]).dtype
        (tensor([1., 2.]), torch.int64)
    """
    check_device(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
            "requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    want = _np_dtype(dtype)
    arr = np.array(_infer(data, want), dtype=want, copy=True, order="C")
    t = wrap(arr)
    if requires_grad:
        if arr.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """``data`` as a tensor, sharing memory with a tensor or array when the dtype fits.

    Example:
        >>> import numpy as np, compat as torch
        >>> torch.as_tensor(np.arange(3)).dtype
        torch.int64
    """
    check_device(device)
    if isinstance(data, Tensor):
        if dtype is None or _dtypes.to_numpy(dtype) == data._s.array.dtype:
            return data
        return data.to(dtype)
    if isinstance(data, np.ndarray):
        if dtype is None or _dtypes.to_numpy(dtype) == data.dtype:
            return from_numpy(data) if data.dtype in _dtypes._FROM_NP else wrap(data)
    return tensor(data, dtype=dtype)


def from_numpy(ndarray) -> Tensor:
    """A tensor sharing memory with a numpy array (writes show in both).

    Example:
        >>> import numpy as np, compat as torch
        >>> a = np.zeros(2); t = torch.from_numpy(a); a[0] = 5; t
        tensor([5., 0.], dtype=torch.float64)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around this "
            "by making a copy of your array  with array.copy().) "
        )
    _dtypes.from_numpy(ndarray.dtype)
    return wrap(ndarray)


def _size(size, name="size", keyword=None):
    """The shape from ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(size=(2, 3))``."""
    if keyword is not None:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (keyword,)
    one = len(size) == 1 and isinstance(size[0], (tuple, list))
    if one:
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (builtins.int, np.integer)) or isinstance(s, builtins.bool):
            if len(size) == 1 and not one:
                raise TypeError(
                    f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                    f"{type(s).__name__}"
                )
            raise TypeError(
                f"{name}(): argument 'size' (position 1) must be tuple of ints, but found "
                f"element of type {type(s).__name__} at pos {len(out)}"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(builtins.int(s))
    return tuple(out)


def is_tensor(obj) -> bool:
    """Whether ``obj`` is a compat tensor.

    Example:
        >>> import compat as torch
        >>> torch.is_tensor(torch.zeros(1)), torch.is_tensor([0.])
        (True, False)
    """
    return isinstance(obj, Tensor)


def numel(input) -> int:  # noqa: A002
    """The number of elements of a tensor.

    Example:
        >>> import compat as torch
        >>> torch.numel(torch.zeros(2, 3))
        6
    """
    return input.numel()


def _tensor_constructor(data, dtype=None):
    """``torch.Tensor(...)`` (``torch.LongTensor(...)``...): sizes make an uninitialised
    tensor, data is copied, in ``dtype`` (the default float dtype when None)."""
    dt = _dtypes.default_np() if dtype is None else np.dtype(dtype)
    if len(data) == 0:
        return np.zeros(0, dt)
    if builtins.all(isinstance(d, (builtins.int, np.integer)) for d in data):
        return np.zeros(_size(data), dt)
    if len(data) == 1 and isinstance(data[0], Size):
        return np.zeros(tuple(data[0]), dt)
    if len(data) != 1:
        raise TypeError("new(): invalid data type")
    return np.array(_infer(data[0], dt), dt)
