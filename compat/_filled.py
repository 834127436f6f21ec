"""Filled tensors and ranges: zeros, ones, empty, full (and their ``_like``), arange,
linspace, logspace and eye.
"""

from __future__ import annotations

import builtins

import numpy as np

from compat import _dtypes
from compat._creation import _np_dtype, _size
from compat._tensor import Tensor, wrap
from compat._tensor_types import check_device

__all__ = [
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
]


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
    """An uninitialised tensor like ``input`` (zeros in compat).

    Example:
        >>> import compat as torch
        >>> torch.empty_like(torch.tensor([1, 2]), dtype=torch.float64).shape
        torch.Size([2])
    """
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
    lin = linspace(start, end, steps, dtype=_dtypes.float64)._s.array
    dt = _np_dtype(dtype, _dtypes.default_np())
    return wrap((base**lin).astype(dt))


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
