"""Indexing: ``x[idx]`` and ``x[idx] = v``, and the index ops (gather, scatter, masks, nonzero).

PyTorch indices become numpy indices here; basic indexing gives views, advanced indexing
copies, and ``setitem`` is recorded as PyTorch's ``CopySlices`` when grad is on.
"""

from __future__ import annotations

import builtins

import numpy as np

import funcgrad.numpy as fnp
from compat import _dtypes
from compat._autograd import _MODE, apply
from compat._tensor import Tensor, _dim, wrap


def _index(idx):
    """A PyTorch index as a numpy index (tensors to arrays; negative steps refused)."""
    if isinstance(idx, tuple):
        return tuple(_index_one(i) for i in idx)
    return _index_one(idx)


def _index_one(i):
    if isinstance(i, Tensor):
        a = i._s.array
        if a.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return a
    if isinstance(i, builtins.slice):
        if i.step is not None and int(i.step) <= 0:
            raise ValueError("step must be greater than zero")
        return builtins.slice(*(None if x is None else int(x) for x in (i.start, i.stop, i.step)))
    if isinstance(i, list):
        return np.asarray([x.item() if isinstance(x, Tensor) else x for x in i])
    return i


def _index_name(idx):
    parts = idx if isinstance(idx, tuple) else (idx,)
    # a 0-d integer tensor indexes like an int
    parts = tuple(
        p.item() if isinstance(p, np.ndarray) and p.ndim == 0 and p.dtype.kind in "iu" else p
        for p in parts
    )
    if builtins.any(isinstance(p, (np.ndarray, list)) for p in parts):
        return "IndexBackward0"
    if builtins.all(isinstance(p, (int, np.integer)) for p in parts):
        return "SelectBackward0"
    if builtins.any(p is None for p in parts) and not builtins.any(
        isinstance(p, builtins.slice) for p in parts
    ):
        return "UnsqueezeBackward0"
    if builtins.any(isinstance(p, (int, np.integer)) for p in parts):
        return "SelectBackward0"
    return "SliceBackward0"


def getitem(input, idx):  # noqa: A002
    """``input[idx]``: ints, slices, None, ..., integer/bool tensors and lists."""
    if (
        input._s.array.ndim == 0
        and idx not in ((), Ellipsis, None)
        and not isinstance(idx, (Tensor, np.ndarray))
    ):
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
        )
    nidx = _index(idx)
    _check_bounds(input, nidx)
    name = _index_name(nidx)
    # basic indexing gives a view of the input (advanced indexing a copy), as in PyTorch
    return apply(name, lambda v: v[nidx], input, saves=(), view=name != "IndexBackward0")


def _check_bounds(input, nidx):
    parts = nidx if isinstance(nidx, tuple) else (nidx,)
    shape = input.shape
    dim = 0
    for p in parts:
        if p is None:
            continue
        if p is Ellipsis:
            rest = builtins.sum(1 for q in parts if q is not None and q is not Ellipsis)
            dim = len(shape) - rest + dim
            continue
        if isinstance(p, (int, np.integer)) and not isinstance(p, builtins.bool):
            if dim < len(shape) and not -shape[dim] <= p < shape[dim]:
                raise IndexError(
                    f"index {p} is out of bounds for dimension {dim} with size {shape[dim]}"
                )
        if isinstance(p, np.ndarray) and p.dtype == np.bool_:
            dim += p.ndim
            continue
        dim += 1


def setitem(input, idx, value):  # noqa: A002
    """``input[idx] = value`` (recorded as PyTorch's CopySlices when grad is on)."""
    from compat._inplace import check_inplace

    nidx = _index(idx)
    check_inplace(input, view=_makes_view(input.shape, nidx))
    _check_bounds(input, nidx)
    if isinstance(value, Tensor):
        _check_fits(input, nidx, value)
    recording = _MODE[0] and (input._rg or (isinstance(value, Tensor) and value._rg))
    dt = input._s.array.dtype
    if recording:
        new = apply(
            "CopySlices",
            lambda v, w: fnp.at(v)[nidx].set(
                w if not hasattr(w, "dtype") or w.dtype == dt else fnp.astype(w, dt)
            ),
            input,
            value if isinstance(value, Tensor) else np.asarray(value, dt),
        )
        input._become(new)
        return
    val = value._s.array if isinstance(value, Tensor) else value
    input._write(lambda a: a.__setitem__(nidx, val))


def _makes_view(shape, nidx):
    """Whether the basic part of an index (ints, slices, None) gives PyTorch a view.

    ``x[:] = v`` and ``x[mask] = v`` write into ``x`` itself ("a leaf Variable ..."), while
    ``x[0] = v`` or ``x[1:] = v`` write into a view ("a view of a leaf Variable ...").
    """
    parts = nidx if isinstance(nidx, tuple) else (nidx,)
    dim = 0
    for p in parts:
        if p is Ellipsis:
            dim = (
                len(shape)
                - builtins.sum(1 for q in parts if q is not None and q is not Ellipsis)
                + dim
            )
            continue
        if p is None:
            return True
        if isinstance(p, np.ndarray):
            if p.ndim == 0 and p.dtype.kind in "iu":
                return True
            dim += p.ndim if p.dtype == np.bool_ else 1
            continue
        if isinstance(p, (int, np.integer)):
            return True
        if isinstance(p, builtins.slice) and dim < len(shape):
            whole = (
                p.start in (None, 0)
                and (p.stop is None or p.stop >= shape[dim])
                and p.step in (None, 1)
            )
            if not whole:
                return True
        dim += 1
    return False


def _is_advanced(nidx):
    parts = nidx if isinstance(nidx, tuple) else (nidx,)
    return builtins.any(
        isinstance(p, np.ndarray) and not (p.ndim == 0 and p.dtype.kind in "iu") for p in parts
    )


def _check_fits(input, nidx, value):
    """PyTorch's errors when the value cannot be broadcast to the indexed part."""
    target = np.empty(input.shape, np.bool_)[nidx].shape
    shape = tuple(value.shape)
    fmt = ", ".join
    if _is_advanced(nidx):  # index_put_
        try:
            if np.broadcast_shapes(shape, target) == target:
                return
        except ValueError:
            pass
        raise RuntimeError(
            f"shape mismatch: value tensor of shape [{fmt(map(str, shape))}] cannot be "
            f"broadcast to indexing result of shape [{fmt(map(str, target))}]"
        )
    while len(shape) > len(target) and shape[0] == 1:  # copy_ into a view
        shape = shape[1:]
    if len(shape) > len(target):
        raise RuntimeError(
            f"expand({value.type()}{{[{fmt(map(str, value.shape))}]}}, "
            f"size=[{fmt(map(str, target))}]): the number of sizes provided ({len(target)}) "
            f"must be greater or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(target) - len(shape)
    for i, (t, v) in enumerate(zip(target[lead:], shape)):
        if v not in (1, t):
            raise RuntimeError(
                f"The expanded size of the tensor ({t}) must match the existing size ({v}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: [{fmt(map(str, target))}]."
                f"  Tensor sizes: [{fmt(map(str, shape))}]"
            )


def index_select(input, dim, index):  # noqa: A002
    """The entries at ``index`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.index_select(torch.tensor([[1, 2], [3, 4], [5, 6]]), 0, torch.tensor([2, 0]))
        tensor([[5, 6],
                [1, 2]])
    """
    d = _dim(dim, input.ndim)
    idx = index._s.array
    return apply("IndexSelectBackward0", lambda v: fnp.take(v, idx, axis=d), input, saves=())


def gather(input, dim, index):  # noqa: A002
    """``out[i][j] = input[i][index[i][j]]`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    d = _dim(dim, input.ndim)
    idx = index._s.array
    return apply("GatherBackward0", lambda v: fnp.take_along_axis(v, idx, axis=d), input, saves=())


def take(input, index):  # noqa: A002
    """Elements of the flattened tensor at ``index``.

    Example:
        >>> import compat as torch
        >>> torch.take(torch.tensor([[1, 2], [3, 4]]), torch.tensor([0, 3]))
        tensor([1, 4])
    """
    idx = index._s.array
    return apply("TakeBackward0", lambda v: fnp.reshape(v, (-1,))[idx], input, saves=())


def index_fill(input, dim, index, value):  # noqa: A002
    """``value`` at the positions ``index`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.index_fill(torch.zeros(2, 3), 1, torch.tensor([0, 2]), -1.)
        tensor([[-1.,  0., -1.],
                [-1.,  0., -1.]])
    """
    d = _dim(dim, input.ndim)
    mask = np.zeros(input.shape, np.bool_)
    mask[(builtins.slice(None),) * d + (index._s.array,)] = True
    dt = input._s.array.dtype
    if isinstance(value, Tensor):
        return apply(
            "IndexFillBackward1",
            lambda v, w: fnp.where(mask, w if w.dtype == dt else fnp.astype(w, dt), v),
            input,
            value,
        )
    fill = np.asarray(value).astype(dt)
    return apply("IndexFillBackward0", lambda v: fnp.where(mask, fill, v), input, saves=())


def masked_fill(input, mask, value):  # noqa: A002
    """``value`` where ``mask`` is true.

    Example:
        >>> import compat as torch
        >>> torch.masked_fill(torch.tensor([1., 2., 3.]), torch.tensor([True, False, True]), 0.)
        tensor([0., 2., 0.])
    """
    m = mask._s.array
    if m.dtype != np.bool_:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{_dtypes.from_numpy(m.dtype)}"
        )
    dt = input._s.array.dtype
    if isinstance(value, Tensor):
        return apply(
            "MaskedFillBackward0",
            lambda v, w: fnp.where(m, fnp.astype(w, dt) if w.dtype != dt else w, v),
            input,
            value,
        )
    fill = np.asarray(value).astype(dt)
    return apply("MaskedFillBackward0", lambda v: fnp.where(m, fill, v), input, saves=())


def masked_select(input, mask):  # noqa: A002
    """The elements where ``mask`` is true, as a 1-D tensor.

    Example:
        >>> import compat as torch
        >>> torch.masked_select(torch.tensor([1, 2, 3]), torch.tensor([True, False, True]))
        tensor([1, 3])
    """
    m = np.broadcast_to(mask._s.array, input.shape)
    return apply("MaskedSelectBackward0", lambda v: v[m], input, saves=())


def nonzero(input, *, as_tuple=False):  # noqa: A002
    """Indices of the non-zero elements (``(n, ndim)`` int64, or a tuple of 1-D).

    Example:
        >>> import compat as torch
        >>> torch.nonzero(torch.tensor([0, 3, 0, 5]))
        tensor([[1],
                [3]])
        >>> torch.nonzero(torch.tensor([[1, 0], [0, 2]]), as_tuple=True)
        (tensor([0, 1]), tensor([0, 1]))
    """
    nz = np.nonzero(input._s.array)
    if as_tuple:
        return tuple(wrap(i.astype(np.int64)) for i in nz)
    return wrap(np.stack(nz, axis=1).astype(np.int64) if nz else np.zeros((0, 0), np.int64))


def argwhere(input):  # noqa: A002
    """``nonzero(input)``.

    Example:
        >>> import compat as torch
        >>> torch.argwhere(torch.tensor([[1, 0], [0, 2]]))
        tensor([[0, 0],
                [1, 1]])
    """
    return nonzero(input)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):  # noqa: A002
    """Write ``src`` (or ``value``) into ``input`` at ``index`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.scatter(torch.zeros(3), 0, torch.tensor([2, 0]), torch.tensor([5., 7.]))
        tensor([7., 0., 5.])
    """
    d = _dim(dim, input.ndim)
    idx = index._s.array
    grids = np.indices(idx.shape, sparse=True)
    full = tuple(idx if k == d else grids[k] for k in range(input.ndim))
    if src is None:
        src = value
    if isinstance(src, Tensor):
        s = src
        return apply(
            "ScatterBackward0",
            lambda v, w: fnp.at(v)[full].set(w[tuple(builtins.slice(0, n) for n in idx.shape)]),
            input,
            s,
        )
    fill = np.asarray(src, input._s.array.dtype)
    return apply("ScatterBackward1", lambda v: fnp.at(v)[full].set(fill), input)


def scatter_add(input, dim, index, src):  # noqa: A002
    """Add ``src`` into ``input`` at ``index`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.scatter_add(torch.zeros(3), 0, torch.tensor([0, 0, 2]), torch.ones(3))
        tensor([2., 0., 1.])
    """
    d = _dim(dim, input.ndim)
    idx = index._s.array
    grids = np.indices(idx.shape, sparse=True)
    full = tuple(idx if k == d else grids[k] for k in range(input.ndim))
    return apply(
        "ScatterAddBackward0",
        lambda v, w: fnp.at(v)[full].add(w[tuple(builtins.slice(0, n) for n in idx.shape)]),
        input,
        src,
    )


def index_add(input, dim, index, source, *, alpha=1):  # noqa: A002
    """Add ``alpha * source`` at ``index`` along ``dim``."""
    d = _dim(dim, input.ndim)
    idx = (builtins.slice(None),) * d + (index._s.array,)
    return apply("IndexAddBackward0", lambda v, w: fnp.at(v)[idx].add(w * alpha), input, source)
