"""Reductions with PyTorch's ``dim`` / ``keepdim`` and its gradient conventions: sum, mean,
prod, var/std, norm, logsumexp, all/any, counts, and the scans cumsum/cumprod.

Max/min, sort and the other order statistics are in ``_order_stats``.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from compat import _dtypes
from compat._autograd import apply
from compat._tensor import _dim, wrap


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
    """Sum ignoring NaNs.

    Example:
        >>> import compat as torch
        >>> torch.nansum(torch.tensor([1.0, float("nan"), 3.0]))
        tensor(4.)
    """
    axes = dims(dim, input.ndim)
    return apply("NansumBackward0", lambda v: fnp.nansum(v, axis=axes, keepdims=keepdim), input)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Mean ignoring NaNs.

    Example:
        >>> import compat as torch
        >>> torch.nanmean(torch.tensor([1.0, float("nan"), 3.0]))
        tensor(2.)
    """
    axes = dims(dim, input.ndim)
    return apply("NanmeanBackward0", lambda v: fnp.nanmean(v, axis=axes, keepdims=keepdim), input)


def prod(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Product over one dimension (or all).

    Example:
        >>> import compat as torch
        >>> torch.prod(torch.tensor([2, 3, 4])), torch.prod(torch.tensor([[1., 2.], [3., 4.]]), 0)
        (tensor(24), tensor([3., 8.]))
    """
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
    """Standard deviation, unbiased by default.

    Example:
        >>> import compat as torch
        >>> torch.std(torch.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor(1.2910)
    """
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
    """``(std, mean)``.

    Example:
        >>> import compat as torch
        >>> torch.std_mean(torch.tensor([1.0, 2.0, 3.0, 4.0]))
        (tensor(1.2910), tensor(2.5000))
    """
    return (std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """``(var, mean)``.

    Example:
        >>> import compat as torch
        >>> torch.var_mean(torch.tensor([[1.0, 3.0], [2.0, 2.0]]), dim=1, correction=0)
        (tensor([1., 0.]), tensor([2., 2.]))
    """
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


def logsumexp(input, dim, keepdim=False):  # noqa: A002
    """``log(sum(exp(input), dim))``, stably.

    Example:
        >>> import compat as torch
        >>> torch.logsumexp(torch.tensor([[0.0, 1.0], [2.0, 3.0]]), dim=1)
        tensor([1.3133, 3.3133])
    """
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
    """Cumulative sum along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.cumsum(torch.tensor([1, 2, 3, 4]), dim=0)
        tensor([ 1,  3,  6, 10])
    """
    d = _dim(dim, input.ndim)
    dt = _acc_dtype(input._s.array, dtype)
    return apply("CumsumBackward0", lambda v: fnp.cumsum(_as(v, dt), axis=d), input)


def cumprod(input, dim, *, dtype=None):  # noqa: A002
    """Cumulative product along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.cumprod(torch.tensor([1, 2, 3, 4]), dim=0)
        tensor([ 1,  2,  6, 24])
    """
    d = _dim(dim, input.ndim)
    dt = _acc_dtype(input._s.array, dtype)
    return apply("CumprodBackward0", lambda v: fnp.cumprod(_as(v, dt), axis=d), input)


def all(input, dim=None, keepdim=False):  # noqa: A001, A002
    """Whether all elements are true (a bool tensor).

    Example:
        >>> import compat as torch
        >>> torch.all(torch.tensor([[1, 0], [1, 1]]), dim=1)
        tensor([False,  True])
    """
    axes = dims(dim, input.ndim)
    return wrap(np.asarray(np.all(input._s.array, axis=axes, keepdims=keepdim)))


def any(input, dim=None, keepdim=False):  # noqa: A001, A002
    """Whether any element is true (a bool tensor).

    Example:
        >>> import compat as torch
        >>> torch.any(torch.tensor([[0, 0], [0, 1]]), dim=1)
        tensor([False,  True])
    """
    axes = dims(dim, input.ndim)
    return wrap(np.asarray(np.any(input._s.array, axis=axes, keepdims=keepdim)))


def count_nonzero(input, dim=None):  # noqa: A002
    """The number of non-zero elements (int64).

    Example:
        >>> import compat as torch
        >>> torch.count_nonzero(torch.tensor([[0, 1], [2, 3]]), dim=1)
        tensor([1, 2])
    """
    axes = dims(dim, input.ndim)
    return wrap(np.asarray(np.count_nonzero(input._s.array, axis=axes), np.int64))


def bincount(input, weights=None, minlength=0):  # noqa: A002
    """How often each non-negative integer occurs (or the sum of its ``weights``).

    Example:
        >>> import compat as torch
        >>> torch.bincount(torch.tensor([3, 1, 3]))
        tensor([0, 1, 0, 2])
    """
    a = input._s.array
    if a.ndim != 1 or a.dtype.kind not in "iu" or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._s.array
    return wrap(np.bincount(a, weights=w, minlength=minlength).astype(w.dtype))
