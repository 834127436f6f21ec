"""Joining tensors (cat, stack), cutting them (split, chunk, unbind), grids and differences.

Ops that take or give several tensors along one dimension; ``diff`` is here because
``prepend``/``append`` join before differencing.
"""

from __future__ import annotations

import builtins

import funcgrad.numpy as fnp
from compat import _dtypes
from compat._autograd import apply, apply_multi
from compat._shape import expand, reshape
from compat._tensor import Tensor, _dim


def _tensors(tensors, name):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    if not tensors:
        if name == "stack":
            raise RuntimeError("stack expects a non-empty TensorList")
        raise ValueError(f"torch.{name}(): expected a non-empty list of Tensors")
    return list(tensors)


def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dimension.

    Example:
        >>> import compat as torch
        >>> torch.cat([torch.zeros(1, 2), torch.ones(1, 2)]).shape
        torch.Size([2, 2])
    """
    ts = _tensors(tensors, "cat")
    ts = [x for x in ts if not (x.ndim == 1 and x.shape[0] == 0)] or ts[:1]
    d = _dim(dim, ts[0].ndim)
    rt = _dtypes.result_type(*[x.reshape(1) if x.ndim == 0 else x for x in ts])
    for i, x in enumerate(ts):
        if x.ndim != ts[0].ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ts[0].ndim} and {x.ndim}"
            )
        for k in range(x.ndim):
            if k != d and x.shape[k] != ts[0].shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ts[0].shape[k]} but got size {x.shape[k]} for tensor number {i} in the list."
                )
    return apply(
        "CatBackward0",
        lambda *vs: fnp.concatenate(
            [v if v.dtype == rt else fnp.astype(v, rt) for v in vs], axis=d
        ),
        *ts,
        saves=(),
    )


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    """Join tensors along a new dimension.

    Example:
        >>> import compat as torch
        >>> torch.stack([torch.zeros(2), torch.ones(2)], dim=1).shape
        torch.Size([2, 2])
    """
    ts = _tensors(tensors, "stack")
    for i, x in enumerate(ts):
        if x.shape != ts[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got "
                f"[{', '.join(map(str, ts[0].shape))}] at entry 0 and "
                f"[{', '.join(map(str, x.shape))}] at entry {i}"
            )
    d = _dim(dim, ts[0].ndim + 1)
    rt = _dtypes.result_type(*[x.reshape(1) if x.ndim == 0 else x for x in ts])
    return apply(
        "StackBackward0",
        lambda *vs: fnp.stack([v if v.dtype == rt else fnp.astype(v, rt) for v in vs], axis=d),
        *ts,
        saves=(),
    )


def hstack(tensors):
    """Stack horizontally (along dim 1, or 0 for 1-D).

    Example:
        >>> import compat as torch
        >>> torch.hstack([torch.tensor([1, 2]), torch.tensor([3])])
        tensor([1, 2, 3])
    """
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Stack vertically (rows).

    Example:
        >>> import compat as torch
        >>> torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    return cat([x.reshape(1, -1) if x.ndim == 1 else x for x in tensors], 0)


def split(tensor, split_size_or_sections, dim=0):
    """Split into chunks of a size (the last may be smaller) or of given sizes.

    Example:
        >>> import compat as torch
        >>> torch.split(torch.arange(5), 2), torch.split(torch.arange(5), [1, 4])
        ((tensor([0, 1]), tensor([2, 3]), tensor([4])), (tensor([0]), tensor([1, 2, 3, 4])))
    """
    d = _dim(dim, tensor.ndim)
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        bounds = list(range(0, n, step)) + [n] if n else [0, 0]
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
        bounds = [0]
        for s in sizes:
            bounds.append(bounds[-1] + s)
    idx = [
        (builtins.slice(None),) * d + (builtins.slice(a, b),) for a, b in zip(bounds, bounds[1:])
    ]
    return apply_multi("SplitBackward0", lambda v: tuple(v[i] for i in idx), tensor, saves=())


def chunk(input, chunks, dim=0):  # noqa: A002
    """Split into ``chunks`` pieces of (nearly) equal size.

    Example:
        >>> import compat as torch
        >>> torch.chunk(torch.arange(5), 2)
        (tensor([0, 1, 2]), tensor([3, 4]))
    """
    n = input.shape[_dim(dim, input.ndim)]
    size = -(-n // chunks)
    return split(input, builtins.max(size, 1), dim)


def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002
    """Split into ``n`` nearly equal pieces, or at the given indices (numpy's array_split).

    Example:
        >>> import compat as torch
        >>> torch.tensor_split(torch.arange(5), 2), torch.tensor_split(torch.arange(5), [1, 3])
        ((tensor([0, 1, 2]), tensor([3, 4])), (tensor([0]), tensor([1, 2]), tensor([3, 4])))
    """
    d = _dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    else:
        pts = [0] + list(indices_or_sections) + [n]
        sizes = [b - a for a, b in zip(pts, pts[1:])]
    return split(input, sizes, d)


def unbind(input, dim=0):  # noqa: A002
    """The slices along ``dim``, as a tuple.

    Example:
        >>> import compat as torch
        >>> torch.unbind(torch.tensor([[1, 2], [3, 4]]), dim=1)
        (tensor([1, 3]), tensor([2, 4]))
    """
    d = _dim(dim, input.ndim)
    n = input.shape[d]
    idx = [(builtins.slice(None),) * d + (i,) for i in range(n)]
    return apply_multi("UnbindBackward0", lambda v: tuple(v[i] for i in idx), input, saves=())


def diff(input, n=1, dim=-1, prepend=None, append=None):  # noqa: A002
    """Differences of neighbours along ``dim``, ``n`` times (``SubBackward0``).

    Example:
        >>> import compat as torch
        >>> torch.diff(torch.tensor([1, 4, 9, 16])), torch.diff(torch.tensor([1, 4, 9, 16]), n=2)
        (tensor([3, 5, 7]), tensor([2, 2]))
    """
    x = input
    parts = [p for p in (prepend, x, append) if p is not None]
    if len(parts) > 1:
        x = cat(parts, dim)
    d = _dim(dim, x.ndim)
    lead = (builtins.slice(None),) * d
    for _ in range(n):
        x = apply(
            "SubBackward0",
            lambda v: v[lead + (builtins.slice(1, None),)] - v[lead + (builtins.slice(None, -1),)],
            x,
            saves=(),
        )
    return x


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors (``indexing="ij"`` or ``"xy"``).

    Example:
        >>> import compat as torch
        >>> xs, ys = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
        >>> xs.shape, ys[0]
        (torch.Size([2, 3]), tensor([3, 4, 5]))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        import warnings

        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
            "argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        order[0], order[1] = 1, 0
    shape = tuple(tensors[i].numel() for i in order)
    out = []
    for k, t in enumerate(tensors):
        where = order.index(k)
        view = tuple(-1 if j == where else 1 for j in range(len(tensors)))
        out.append(expand(reshape(t, view), shape))
    return tuple(out)
