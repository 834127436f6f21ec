"""Creating tensors: from data, filled, ranges, and random (PyTorch's functions)."""

from __future__ import annotations

import builtins
import numbers
import warnings

import numpy as np

from compat import _dtypes, _random
from compat._tensor import Tensor, _init, wrap
from compat._tensor_types import Size, check_device

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "full",
    "empty",
    "arange",
    "linspace",
    "logspace",
    "eye",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "randint_like",
    "normal",
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


def _filled(fill, size, dtype, requires_grad, default):
    dt = _np_dtype(dtype, default)
    t = wrap(np.full(size, fill, dt))
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(
    *sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
) -> Tensor:
    """A tensor of zeros (``zeros(2, 3)``, ``zeros((2, 3))`` and ``zeros(size=...)`` all work).

    Example:
        >>> import compat as torch
        >>> torch.zeros(2, dtype=torch.long)
        tensor([0, 0])
    """
    check_device(device)
    return _filled(0, _size(sizes, "zeros", size), dtype, requires_grad, _dtypes.default_np())


def ones(
    *sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
) -> Tensor:
    """A tensor of ones.

    Example:
        >>> import compat as torch
        >>> torch.ones(2, 2).sum()
        tensor(4.)
    """
    check_device(device)
    return _filled(1, _size(sizes, "ones", size), dtype, requires_grad, _dtypes.default_np())


def empty(
    *sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
) -> Tensor:
    """An uninitialised tensor (compat fills it with zeros).

    Example:
        >>> import compat as torch
        >>> torch.empty(3).shape
        torch.Size([3])
    """
    check_device(device)
    return _filled(0, _size(sizes, "empty", size), dtype, requires_grad, _dtypes.default_np())


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A tensor filled with ``fill_value`` (its dtype inferred from the value).

    Example:
        >>> import compat as torch
        >>> torch.full((2,), 3).dtype, torch.full((2,), 3.).dtype
        (torch.int64, torch.float32)
    """
    check_device(device)
    if isinstance(size, (builtins.int, np.integer)):
        size = (size,)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _filled(
        fill_value,
        _size(tuple(size), "full"),
        dtype,
        requires_grad,
        _dtypes.scalar_dtype(fill_value),
    )


def _like(x, dtype):
    if not isinstance(x, Tensor):
        raise TypeError(
            f"zeros_like(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}"
        )
    return x.shape, (x._s.array.dtype if dtype is None else _dtypes.to_numpy(dtype))


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, **_) -> Tensor:  # noqa: A002
    """Zeros with ``input``'s shape and dtype.

    Example:
        >>> import compat as torch
        >>> torch.zeros_like(torch.tensor([1, 2]))
        tensor([0, 0])
    """
    shape, dt = _like(input, dtype)
    return _filled(0, shape, dt, requires_grad, dt)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, **_) -> Tensor:  # noqa: A002
    """Ones with ``input``'s shape and dtype.

    Example:
        >>> import compat as torch
        >>> torch.ones_like(torch.zeros(2))
        tensor([1., 1.])
    """
    shape, dt = _like(input, dtype)
    return _filled(1, shape, dt, requires_grad, dt)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, **_) -> Tensor:  # noqa: A002
    """An uninitialised tensor like ``input`` (zeros in compat)."""
    shape, dt = _like(input, dtype)
    return _filled(0, shape, dt, requires_grad, dt)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, **_) -> Tensor:  # noqa: A002
    """``fill_value`` with ``input``'s shape and dtype.

    Example:
        >>> import compat as torch
        >>> torch.full_like(torch.zeros(2), 7)
        tensor([7., 7.])
    """
    shape, dt = _like(input, dtype)
    return _filled(fill_value, shape, dt, requires_grad, dt)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Values from ``start`` to ``end`` (excluded) by ``step``.

    Integers give int64, any float the default dtype.

    Example:
        >>> import compat as torch
        >>> torch.arange(5), torch.arange(0, 1, 0.25)
        (tensor([0, 1, 2, 3, 4]), tensor([0.0000, 0.2500, 0.5000, 0.7500]))
    """
    check_device(device)
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if vals[2] == 0:
        raise RuntimeError("step must be nonzero")
    if (vals[1] - vals[0]) * vals[2] < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if builtins.any(isinstance(v, (builtins.float, np.floating)) for v in vals):
        default = _dtypes.default_np()
    else:
        default = np.dtype(np.int64)
    dt = _np_dtype(dtype, default)
    n = builtins.max(0, int(np.ceil((vals[1] - vals[0]) / vals[2])))
    arr = vals[0] + np.arange(n, dtype=np.float64 if dt.kind == "f" else np.int64) * vals[2]
    t = wrap(arr.astype(dt))
    if requires_grad:
        t.requires_grad_(True)
    return t


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included).

    Example:
        >>> import compat as torch
        >>> torch.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    check_device(device)
    dt = _np_dtype(dtype, _dtypes.default_np())
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # PyTorch fills the first half from start and the second half from end, computing in
    # the result's dtype for floats; for integers start and end are truncated first and
    # the step is a float64. (PyTorch's vectorised loop may differ in the last bit.)
    work = dt if dt.kind in "fc" else np.dtype(np.float64)
    lo, hi = np.asarray(start).astype(dt).astype(work), np.asarray(end).astype(dt).astype(work)
    if steps == 1:
        hi = lo
    step = (hi - lo) / work.type(steps - 1) if steps > 1 else work.type(0)
    idx = np.arange(steps)
    half = steps // 2
    first = lo + step * idx[:half].astype(work)
    second = hi - step * (steps - idx[half:] - 1).astype(work)
    t = wrap(np.concatenate([first, second]).astype(dt))
    if requires_grad:
        t.requires_grad_(True)
    return t


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """``base ** linspace(start, end, steps)``.

    Example:
        >>> import compat as torch
        >>> torch.logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
    """
    lin = linspace(start, end, steps, dtype=torch_float64())._s.array
    dt = _np_dtype(dtype, _dtypes.default_np())
    return wrap((base**lin).astype(dt))


def torch_float64():
    return _dtypes.float64


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """The identity matrix (``n`` x ``m``).

    Example:
        >>> import compat as torch
        >>> torch.eye(2)
        tensor([[1., 0.],
                [0., 1.]])
    """
    check_device(device)
    t = wrap(np.eye(n, m, dtype=_np_dtype(dtype, _dtypes.default_np())))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _random_tensor(values, requires_grad):
    t = wrap(values)
    if requires_grad:
        t.requires_grad_(True)
    return t


def rand(
    *sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False, **_
) -> Tensor:
    """Uniform numbers in [0, 1), PyTorch's stream after ``manual_seed``.

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0); torch.rand(3)
        tensor([0.4963, 0.7682, 0.0885])
    """
    check_device(device)
    shape = _size(sizes, "rand", size)
    dt = _np_dtype(dtype, _dtypes.default_np())
    n = Size(shape).numel()
    vals = _random.generator(generator).uniform(n, dt).reshape(shape)
    return _random_tensor(vals, requires_grad)


def randn(
    *sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False, **_
) -> Tensor:
    """Standard normal numbers (PyTorch's stream after ``manual_seed``).

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0); torch.randn(3)
        tensor([ 1.5410, -0.2934, -2.1788])
    """
    check_device(device)
    shape = _size(sizes, "randn", size)
    dt = _np_dtype(dtype, _dtypes.default_np())
    n = Size(shape).numel()
    vals = _random.generator(generator).normal(n, dt).reshape(shape)
    return _random_tensor(vals, requires_grad)


def randint(
    low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """Integers in [low, high) of shape ``size`` (int64).

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0); torch.randint(0, 10, (4,))
        tensor([4, 9, 3, 0])
    """
    check_device(device)
    if size is None:
        if isinstance(high, (tuple, list)):
            low, high, size = 0, low, high
        else:
            raise TypeError('randint() missing 1 required positional arguments: "size"')
    if high is None:
        low, high = 0, low
    shape = _size((size,), "randint")
    n = Size(shape).numel()
    vals = _random.generator(generator).integers(low, high, n).reshape(shape)
    return wrap(vals.astype(_np_dtype(dtype, np.dtype(np.int64))))


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A random permutation of ``0..n-1`` (int64).

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0); torch.randperm(6)
        tensor([2, 5, 3, 0, 1, 4])
    """
    check_device(device)
    vals = _random.generator(generator).permutation(int(n))
    return wrap(vals.astype(_np_dtype(dtype, np.dtype(np.int64))))


def rand_like(input, *, dtype=None, generator=None, **_) -> Tensor:  # noqa: A002
    """Uniform numbers with ``input``'s shape and dtype."""
    return rand(*input.shape, dtype=dtype or input.dtype, generator=generator)


def randn_like(input, *, dtype=None, generator=None, **_) -> Tensor:  # noqa: A002
    """Normal numbers with ``input``'s shape and dtype."""
    return randn(*input.shape, dtype=dtype or input.dtype, generator=generator)


def randint_like(input, low, high=None, *, dtype=None, generator=None, **_) -> Tensor:  # noqa: A002
    """Random integers with ``input``'s shape (and dtype)."""
    t = randint(low, high, tuple(input.shape), generator=generator)
    return t.to(dtype or input.dtype)


def normal(mean, std, size=None, *, generator=None, dtype=None) -> Tensor:
    """Normal numbers with the given mean and standard deviation.

    Example:
        >>> import compat as torch
        >>> torch.normal(0.0, 1.0, (2, 3)).shape
        torch.Size([2, 3])
    """
    g = _random.generator(generator)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._s.array if isinstance(mean, Tensor) else mean
        s = std._s.array if isinstance(std, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        dt = np.result_type(*(x for x in (m, s) if isinstance(x, np.ndarray)))
        z = g.normal(Size(shape).numel(), dt).reshape(shape)
        return wrap((z * s + m).astype(dt))
    shape = _size((size,), "normal")
    dt = _np_dtype(dtype, _dtypes.default_np())
    return wrap(g.normal(Size(shape).numel(), dt, mean, std).reshape(shape))


def is_tensor(obj) -> bool:
    """Whether ``obj`` is a compat tensor.

    Example:
        >>> import compat as torch
        >>> torch.is_tensor(torch.zeros(1)), torch.is_tensor([0.])
        (True, False)
    """
    return isinstance(obj, Tensor)


def numel(input) -> int:  # noqa: A002
    """The number of elements of a tensor."""
    return input.numel()


def _tensor_constructor(data):
    """``torch.Tensor(...)``: sizes make an uninitialised float tensor, data is copied."""
    if len(data) == 0:
        return np.zeros(0, _dtypes.default_np())
    if builtins.all(isinstance(d, (builtins.int, np.integer)) for d in data):
        return np.zeros(_size(data), _dtypes.default_np())
    if len(data) == 1 and isinstance(data[0], Size):
        return np.zeros(tuple(data[0]), _dtypes.default_np())
    if len(data) != 1:
        raise TypeError("new(): invalid data type")
    return np.array(_infer(data[0]), _dtypes.default_np())


_ = _init
