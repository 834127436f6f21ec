"""Reductions with PyTorch's ``dim`` / ``keepdim`` and its gradient conventions.

``max()`` over everything shares the gradient between tied maxima; ``max(dim)`` returns
``(values, indices)`` and routes the whole gradient to the first maximum, as PyTorch does.
"""

from __future__ import annotations

import builtins
from collections import namedtuple

import numpy as np

import funcgrad.numpy as fnp
from compat import _dtypes
from compat._autograd import apply
from compat._tensor import Tensor, _dim, wrap


class _ReturnType(tuple):
    """Base of PyTorch's ``torch.return_types`` named tuples."""

    __slots__ = ()


def _return_type(name):
    base = namedtuple(name, ["values", "indices"])

    def __repr__(self):
        return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

    return type(
        name, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": "torch.return_types"}
    )


max_rt = _return_type("max")
min_rt = _return_type("min")
sort_rt = _return_type("sort")
topk_rt = _return_type("topk")
median_rt = _return_type("median")
mode_rt = _return_type("mode")
kthvalue_rt = _return_type("kthvalue")
cummax_rt = _return_type("cummax")


def dims(dim, ndim):
    """``dim`` (int, sequence or None) as a tuple of non-negative axes, or None."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return None
        axes = tuple(_dim(d, ndim) for d in dim)
        for i, d in enumerate(axes):
            if d in axes[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        return axes
    return (_dim(dim, ndim),)


def _acc_dtype(arr, dtype):
    if dtype is not None:
        return _dtypes.to_numpy(dtype)
    if arr.dtype.kind in "biu":
        return np.dtype(np.int64)
    return arr.dtype


def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001, A002
    """Sum over ``dim`` (all by default); integers and bools sum to int64.

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([[1, 2], [3, 4]])
        >>> x.sum(), x.sum(0), x.sum(dim=1, keepdim=True).shape
        (tensor(10), tensor([4, 6]), torch.Size([2, 1]))
    """
    a = input._s.array
    axes = dims(dim, a.ndim)
    dt = _acc_dtype(a, dtype)
    name = "SumBackward0" if axes is None else "SumBackward1"
    return apply(name, lambda v: fnp.sum(_as(v, dt), axis=axes, keepdims=keepdim), input, saves=())


def _as(v, dt):
    return v if v.dtype == dt else fnp.astype(v, dt)


def _float_only(a, what):
    if a.dtype.kind not in "fc":
        name = _dtypes.SCALAR_NAME[_dtypes.from_numpy(a.dtype)]
        raise RuntimeError(
            f"{what}(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {name}"
        )


def mean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Mean over ``dim`` (floating tensors only, as in PyTorch).

    Example:
        >>> import compat as torch
        >>> torch.tensor([1., 2., 3., 4.]).mean()
        tensor(2.5000)
    """
    a = input._s.array
    if dtype is None:
        _float_only(a, "mean")
    dt = _acc_dtype(a, dtype)
    axes = dims(dim, a.ndim)
    name = "MeanBackward0" if axes is None else "MeanBackward1"
    count = a.size if axes is None else int(np.prod([a.shape[d] for d in axes]))
    if count == 0:  # nan, as PyTorch, without numpy's "Mean of empty slice" warning
        return apply(name, lambda v: fnp.sum(_as(v, dt), axis=axes, keepdims=keepdim) / 0.0, input)
    return apply(name, lambda v: fnp.mean(_as(v, dt), axis=axes, keepdims=keepdim), input, saves=())


def nansum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Sum ignoring NaNs."""
    axes = dims(dim, input.ndim)
    return apply("NansumBackward0", lambda v: fnp.nansum(v, axis=axes, keepdims=keepdim), input)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Mean ignoring NaNs."""
    axes = dims(dim, input.ndim)
    return apply("NanmeanBackward0", lambda v: fnp.nanmean(v, axis=axes, keepdims=keepdim), input)


def prod(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Product over one dimension (or all)."""
    a = input._s.array
    dt = _acc_dtype(a, dtype)
    axes = dims(dim, a.ndim)
    name = "ProdBackward0" if axes is None else "ProdBackward1"
    return apply(name, lambda v: fnp.prod(_as(v, dt), axis=axes, keepdims=keepdim), input)


def _std_var_dtype(a):
    if a.dtype.kind not in "fc":
        raise RuntimeError("std and var only support floating point and complex dtypes")


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """Variance, unbiased (``correction=1``) by default.

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([1., 2., 3., 4.])
        >>> x.var(), x.var(unbiased=False), x.var(correction=0)
        (tensor(1.6667), tensor(1.2500), tensor(1.2500))
    """
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    a = input._s.array
    _std_var_dtype(a)
    axes = dims(dim, a.ndim)
    ddof = _correction(unbiased, correction)
    return apply(
        "VarBackward0", lambda v: fnp.var(v, axis=axes, ddof=ddof, keepdims=keepdim), input
    )


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """Standard deviation, unbiased by default."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    a = input._s.array
    _std_var_dtype(a)
    axes = dims(dim, a.ndim)
    ddof = _correction(unbiased, correction)
    return apply(
        "StdBackward0", lambda v: fnp.std(v, axis=axes, ddof=ddof, keepdims=keepdim), input
    )


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """``(std, mean)``."""
    return (std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """``(var, mean)``."""
    return (var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim))


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):  # noqa: A002
    """The vector p-norm (2 by default) over ``dim`` or all elements.

    The gradient of the 2-norm at the zero vector is 0, as in PyTorch.

    Example:
        >>> import compat as torch
        >>> torch.tensor([3., 4.]).norm()
        tensor(5.)
    """
    a = input._s.array
    axes = dims(dim, a.ndim)
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        raise NotImplementedError("compat: the nuclear norm is not supported; use linalg.svd")
    return apply("LinalgVectorNormBackward0", lambda v: _vector_norm(v, p, axes, keepdim), input)


def _vector_norm(v, p, axes, keepdim):
    if p == 2:
        sq = fnp.sum(
            v * v if v.dtype.kind != "c" else fnp.real(v * fnp.conj(v)), axis=axes, keepdims=keepdim
        )
        # sqrt with a zero gradient at 0 (PyTorch's convention for the norm)
        safe = fnp.where(sq > 0, sq, fnp.ones_like(sq))
        return fnp.where(sq > 0, fnp.sqrt(safe), fnp.zeros_like(sq))
    if p == float("inf"):
        return fnp.amax(fnp.abs(v), axis=axes, keepdims=keepdim)
    if p == float("-inf"):
        return fnp.amin(fnp.abs(v), axis=axes, keepdims=keepdim)
    if p == 0:
        return fnp.sum(fnp.astype(v != 0, v.dtype), axis=axes, keepdims=keepdim)
    if p == 1:
        return fnp.sum(fnp.abs(v), axis=axes, keepdims=keepdim)
    return fnp.sum(fnp.abs(v) ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)


def _extreme(name, pick, argpick, rt, elementwise):
    def op(input, dim=None, keepdim=False, *, out=None):  # noqa: A002
        if isinstance(dim, Tensor):
            return elementwise(input, dim)
        a = input._s.array
        if dim is None:
            if a.size == 0:
                raise RuntimeError(
                    f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                    "Specify the reduction dim with the 'dim' argument."
                )
            return apply(f"{name.capitalize()}Backward1", lambda v: pick(v), input)
        d = _dim(dim, a.ndim)
        if a.ndim == 0:
            return rt(input.clone(), wrap(np.asarray(0, np.int64)))
        idx = argpick(a, axis=d)
        idx_k = np.expand_dims(idx, d)
        values = apply(
            f"{name.capitalize()}Backward0",
            lambda v: _take(v, idx_k, d, keepdim),
            input,
        )
        indices = wrap((idx_k if keepdim else idx).astype(np.int64))
        return rt(values, indices)

    return op


def _take(v, idx_k, d, keepdim):
    out = fnp.take_along_axis(v, idx_k, axis=d)
    return out if keepdim else fnp.squeeze(out, axis=d)


def _argmax_first(a, axis):
    if a.dtype.kind == "f" and np.isnan(a).any():
        return np.argmax(np.where(np.isnan(a), np.inf, a), axis=axis)
    return np.argmax(a, axis=axis)


def _argmin_first(a, axis):
    if a.dtype.kind == "f" and np.isnan(a).any():
        return np.argmax(np.isnan(a), axis=axis) if np.isnan(a).any() else np.argmin(a, axis)
    return np.argmin(a, axis=axis)


def _max_all(v):
    return fnp.amax(v)


def _min_all(v):
    return fnp.amin(v)


def _maximum(a, b):
    from compat._math import maximum

    return maximum(a, b)


def _minimum(a, b):
    from compat._math import minimum

    return minimum(a, b)


max = _extreme("max", _max_all, _argmax_first, max_rt, _maximum)  # noqa: A001
max.__name__ = "max"
max.__doc__ = """Maximum: of everything, along ``dim`` (``(values, indices)``), or elementwise.

Example:
    >>> import compat as torch
    >>> x = torch.tensor([[1., 5.], [7., 2.]])
    >>> x.max(), x.max(1).values, x.max(dim=1).indices
    (tensor(7.), tensor([5., 7.]), tensor([1, 0]))
"""
min = _extreme("min", _min_all, _argmin_first, min_rt, _minimum)  # noqa: A001
min.__name__ = "min"
min.__doc__ = """Minimum: of everything, along ``dim`` (``(values, indices)``), or elementwise."""


def amax(input, dim=(), keepdim=False):  # noqa: A002
    """Maximum over ``dim`` (ties share the gradient)."""
    axes = dims(dim, input.ndim)
    return apply("AmaxBackward0", lambda v: fnp.amax(v, axis=axes, keepdims=keepdim), input)


def amin(input, dim=(), keepdim=False):  # noqa: A002
    """Minimum over ``dim`` (ties share the gradient)."""
    axes = dims(dim, input.ndim)
    return apply("AminBackward0", lambda v: fnp.amin(v, axis=axes, keepdims=keepdim), input)


def aminmax(input, *, dim=None, keepdim=False):  # noqa: A002
    """``(min, max)``."""
    return (
        amin(input, () if dim is None else dim, keepdim),
        amax(input, () if dim is None else dim, keepdim),
    )


def argmax(input, dim=None, keepdim=False):  # noqa: A002
    """Index of the (first) maximum, of the flattened tensor or along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.tensor([1, 3, 3]).argmax()
        tensor(1)
    """
    a = input._s.array
    if dim is None:
        r = _argmax_first(a.reshape(-1), 0)
        out = np.asarray(r, np.int64)
        return wrap(out.reshape((1,) * a.ndim) if keepdim else out)
    d = _dim(dim, a.ndim)
    r = _argmax_first(a, d) if a.ndim else np.asarray(0)
    return wrap(np.asarray(np.expand_dims(r, d) if keepdim and a.ndim else r, np.int64))


def argmin(input, dim=None, keepdim=False):  # noqa: A002
    """Index of the (first) minimum."""
    a = input._s.array
    if dim is None:
        r = _argmin_first(a.reshape(-1), 0)
        out = np.asarray(r, np.int64)
        return wrap(out.reshape((1,) * a.ndim) if keepdim else out)
    d = _dim(dim, a.ndim)
    r = _argmin_first(a, d) if a.ndim else np.asarray(0)
    return wrap(np.asarray(np.expand_dims(r, d) if keepdim and a.ndim else r, np.int64))


def logsumexp(input, dim, keepdim=False):  # noqa: A002
    """``log(sum(exp(input), dim))``, stably."""
    axes = dims(dim, input.ndim)

    def fn(v):
        m = fnp.amax(v, axis=axes, keepdims=True)
        m = fnp.where(fnp.isfinite(m), m, fnp.zeros_like(m))
        from funcgrad import stop_gradient

        m = stop_gradient(m)
        s = fnp.log(fnp.sum(fnp.exp(v - m), axis=axes, keepdims=True)) + m
        return s if keepdim else fnp.squeeze(s, axis=axes)

    return apply("LogsumexpBackward0", fn, input)


def cumsum(input, dim, *, dtype=None):  # noqa: A002
    """Cumulative sum along ``dim``."""
    d = _dim(dim, input.ndim)
    dt = _acc_dtype(input._s.array, dtype)
    return apply("CumsumBackward0", lambda v: fnp.cumsum(_as(v, dt), axis=d), input)


def cumprod(input, dim, *, dtype=None):  # noqa: A002
    """Cumulative product along ``dim``."""
    d = _dim(dim, input.ndim)
    dt = _acc_dtype(input._s.array, dtype)
    return apply("CumprodBackward0", lambda v: fnp.cumprod(_as(v, dt), axis=d), input)


def all(input, dim=None, keepdim=False):  # noqa: A001, A002
    """Whether all elements are true (a bool tensor)."""
    axes = dims(dim, input.ndim)
    return wrap(np.asarray(np.all(input._s.array, axis=axes, keepdims=keepdim)))


def any(input, dim=None, keepdim=False):  # noqa: A001, A002
    """Whether any element is true (a bool tensor)."""
    axes = dims(dim, input.ndim)
    return wrap(np.asarray(np.any(input._s.array, axis=axes, keepdims=keepdim)))


def count_nonzero(input, dim=None):  # noqa: A002
    """The number of non-zero elements (int64)."""
    axes = dims(dim, input.ndim)
    return wrap(np.asarray(np.count_nonzero(input._s.array, axis=axes), np.int64))


def sort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """``(values, indices)`` sorted along ``dim``."""
    a = input._s.array
    d = _dim(dim, a.ndim)
    if a.ndim == 0:
        return sort_rt(input.clone(), wrap(np.asarray(0, np.int64)))
    idx = np.argsort(-a if descending and a.dtype.kind != "b" else a, axis=d, kind="stable")
    if descending and a.dtype.kind == "b":
        idx = np.argsort(~a, axis=d, kind="stable")
    values = apply("SortBackward0", lambda v: fnp.take_along_axis(v, idx, axis=d), input)
    return sort_rt(values, wrap(idx.astype(np.int64)))


def argsort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """Indices that sort ``input`` along ``dim``."""
    return sort(input, dim, descending, stable).indices


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim``, with their indices."""
    s = sort(input, dim, descending=largest, stable=True)
    d = _dim(dim, input.ndim)
    idx = np.take(s.indices._s.array, np.arange(k), axis=d)
    values = apply("TopkBackward0", lambda v: fnp.take_along_axis(v, idx, axis=d), input)
    return topk_rt(values, wrap(idx))


def median(input, dim=None, keepdim=False):  # noqa: A002
    """The lower median (of everything, or ``(values, indices)`` along ``dim``)."""
    a = input._s.array
    if dim is None:
        flat = a.reshape(-1)
        order = np.argsort(flat, kind="stable")
        i = order[(flat.size - 1) // 2]
        return apply("MedianBackward0", lambda v: fnp.reshape(v, (-1,))[i], input)
    d = _dim(dim, a.ndim)
    order = np.argsort(a, axis=d, kind="stable")
    pos = (a.shape[d] - 1) // 2
    idx = np.take(order, [pos], axis=d)
    values = apply("MedianBackward1", lambda v: _take(v, idx, d, keepdim), input)
    return median_rt(values, wrap((idx if keepdim else np.squeeze(idx, d)).astype(np.int64)))


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct values (sorted), optionally with the inverse indices and the counts.

    Example:
        >>> import compat as torch
        >>> from compat._reduce import unique
        >>> unique(torch.tensor([3, 1, 3, 2]), return_counts=True)
        (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    a = input._s.array
    if dim is None:
        vals, inv, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        d = _dim(dim, a.ndim)
        vals, inv, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    out = [wrap(vals)]
    if return_inverse:
        out.append(wrap(inv.astype(np.int64)))
    if return_counts:
        out.append(wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input, weights=None, minlength=0):  # noqa: A002
    """How often each non-negative integer occurs (or the sum of its ``weights``).

    Example:
        >>> import compat as torch
        >>> from compat._reduce import bincount
        >>> bincount(torch.tensor([3, 1, 3]))
        tensor([0, 1, 0, 2])
    """
    a = input._s.array
    if a.ndim != 1 or a.dtype.kind not in "iu" or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._s.array
    return wrap(np.bincount(a, weights=w, minlength=minlength).astype(w.dtype))


_ = builtins
