"""Order statistics: max/min (values and indices), amax/amin/aminmax, argmax/argmin, sort,
argsort, topk, median and unique, with PyTorch's ``torch.return_types`` named tuples.

``max()`` over everything shares the gradient between tied maxima; ``max(dim)`` returns
``(values, indices)`` and routes the whole gradient to the first maximum, as PyTorch does.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

import funcgrad.numpy as fnp
from compat._autograd import apply
from compat._reduce import dims
from compat._tensor import Tensor, _dim, wrap


def _return_type(name, fields=("values", "indices")):
    base = namedtuple(name, fields)

    def __repr__(self):
        parts = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"torch.return_types.{name}(\n{parts})"

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


aminmax_rt = _return_type("aminmax", ("min", "max"))


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


min.__doc__ = """Minimum: of everything, along ``dim`` (``(values, indices)``), or elementwise.

Example:
    >>> import compat as torch
    >>> torch.min(torch.tensor([3, 1, 2])), torch.min(torch.tensor([3, 1]), torch.tensor([2, 2]))
    (tensor(1), tensor([2, 1]))
    >>> torch.min(torch.tensor([[3, 1], [0, 2]]), dim=1)
    torch.return_types.min(
    values=tensor([1, 0]),
    indices=tensor([1, 0]))
"""


def amax(input, dim=(), keepdim=False):  # noqa: A002
    """Maximum over ``dim`` (ties share the gradient).

    Example:
        >>> import compat as torch
        >>> torch.amax(torch.tensor([[1, 5], [4, 2]]), dim=0)
        tensor([4, 5])
    """
    axes = dims(dim, input.ndim)
    return apply("AmaxBackward0", lambda v: fnp.amax(v, axis=axes, keepdims=keepdim), input)


def amin(input, dim=(), keepdim=False):  # noqa: A002
    """Minimum over ``dim`` (ties share the gradient).

    Example:
        >>> import compat as torch
        >>> torch.amin(torch.tensor([[1, 5], [4, 2]]), dim=1)
        tensor([1, 2])
    """
    axes = dims(dim, input.ndim)
    return apply("AminBackward0", lambda v: fnp.amin(v, axis=axes, keepdims=keepdim), input)


def aminmax(input, *, dim=None, keepdim=False):  # noqa: A002
    """``(min, max)``, as ``torch.return_types.aminmax``.

    Example:
        >>> import compat as torch
        >>> torch.aminmax(torch.tensor([3, 1, 4, 1, 5]))
        torch.return_types.aminmax(
        min=tensor(1),
        max=tensor(5))
    """
    return aminmax_rt(
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
    """Index of the (first) minimum.

    Example:
        >>> import compat as torch
        >>> torch.argmin(torch.tensor([3, 1, 2])), torch.argmin(torch.tensor([[3, 1], [0, 2]]), 1)
        (tensor(1), tensor([1, 0]))
    """
    a = input._s.array
    if dim is None:
        r = _argmin_first(a.reshape(-1), 0)
        out = np.asarray(r, np.int64)
        return wrap(out.reshape((1,) * a.ndim) if keepdim else out)
    d = _dim(dim, a.ndim)
    r = _argmin_first(a, d) if a.ndim else np.asarray(0)
    return wrap(np.asarray(np.expand_dims(r, d) if keepdim and a.ndim else r, np.int64))


def sort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """``(values, indices)`` sorted along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.sort(torch.tensor([3., 1., 2.]), descending=True)
        torch.return_types.sort(
        values=tensor([3., 2., 1.]),
        indices=tensor([0, 2, 1]))
    """
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
    """Indices that sort ``input`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([3, 1, 2])
        >>> torch.argsort(x), torch.argsort(x, descending=True)
        (tensor([1, 2, 0]), tensor([0, 2, 1]))
    """
    return sort(input, dim, descending, stable).indices


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim``, with their indices.

    Example:
        >>> import compat as torch
        >>> torch.topk(torch.tensor([1, 5, 3, 4]), 2)
        torch.return_types.topk(
        values=tensor([5, 4]),
        indices=tensor([1, 3]))
    """
    s = sort(input, dim, descending=largest, stable=True)
    d = _dim(dim, input.ndim)
    idx = np.take(s.indices._s.array, np.arange(k), axis=d)
    values = apply("TopkBackward0", lambda v: fnp.take_along_axis(v, idx, axis=d), input)
    return topk_rt(values, wrap(idx))


def median(input, dim=None, keepdim=False):  # noqa: A002
    """The lower median (of everything, or ``(values, indices)`` along ``dim``).

    Example:
        >>> import compat as torch
        >>> torch.median(torch.tensor([3, 1, 4, 2]))
        tensor(2)
        >>> torch.median(torch.tensor([[3, 1, 2], [6, 5, 4]]), dim=1)
        torch.return_types.median(
        values=tensor([2, 5]),
        indices=tensor([2, 1]))
    """
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
        >>> torch.unique(torch.tensor([3, 1, 3, 2]), return_counts=True)
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
