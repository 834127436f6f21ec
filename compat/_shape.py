"""Shapes, joins, indexing and dtype conversion, as PyTorch spells them."""

from __future__ import annotations

import builtins

import numpy as np

import funcgrad.numpy as fnp
from compat import _dtypes
from compat._autograd import _MODE, apply, apply_multi
from compat._tensor import Size, Tensor, _dim, wrap


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _resolve(shape, numel):
    """``shape`` with its one -1 filled in; PyTorch's error when it cannot hold numel."""
    known = 1
    free = [i for i, s in enumerate(shape) if s == -1]
    if len(free) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if free:
        if known == 0 or numel % known:
            raise RuntimeError(
                f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
            )
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(
            f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
        )
    return shape


def view(input, *shape):  # noqa: A002
    """The same data with another shape; refused where PyTorch needs a copy (use reshape).

    ``view(dtype)`` reinterprets the bytes as another dtype.

    Example:
        >>> import compat as torch
        >>> torch.arange(6).view(2, -1)
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    if len(shape) == 1 and isinstance(shape[0], _dtypes.dtype):
        return wrap(input._s.array.view(shape[0].np))
    shape = _resolve(_shape_arg(shape), input._s.array.size)
    a = input._s.array
    try:
        np.reshape(a, shape, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    return apply("ViewBackward0", lambda v: fnp.reshape(v, shape), input, saves=(), view=True)


def reshape(input, *shape):  # noqa: A002
    """The data with another shape (one dimension may be -1).

    Example:
        >>> import compat as torch
        >>> torch.arange(4).reshape(2, 2).shape
        torch.Size([2, 2])
    """
    shape = _resolve(_shape_arg(shape), input._s.array.size)
    return apply("ViewBackward0", lambda v: fnp.reshape(v, shape), input, saves=(), view=True)


def view_as(input, other):  # noqa: A002
    """``view(other.shape)``."""
    return view(input, other.shape)


def reshape_as(input, other):  # noqa: A002
    """``reshape(other.shape)``."""
    return reshape(input, other.shape)


def flatten(input, start_dim=0, end_dim=-1):  # noqa: A002
    """Merge dimensions ``start_dim..end_dim`` into one (all by default).

    Example:
        >>> import compat as torch
        >>> torch.zeros(2, 3, 4).flatten(1).shape
        torch.Size([2, 12])
    """
    shape = input.shape
    if not shape:
        return reshape(input, 1)
    s, e = _dim(start_dim, len(shape)), _dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in shape[s : e + 1]:
        n *= d
    return reshape(input, tuple(shape[:s]) + (n,) + tuple(shape[e + 1 :]))


def unflatten(input, dim, sizes):  # noqa: A002
    """Split dimension ``dim`` into ``sizes``."""
    shape = input.shape
    d = _dim(dim, len(shape))
    return reshape(input, tuple(shape[:d]) + tuple(sizes) + tuple(shape[d + 1 :]))


def ravel(input):  # noqa: A002
    """The elements as a 1-D tensor."""
    return reshape(input, -1)


def permute(input, *dims):  # noqa: A002
    """Reorder the dimensions.

    Example:
        >>> import compat as torch
        >>> torch.zeros(2, 3, 4).permute(2, 0, 1).shape
        torch.Size([4, 2, 3])
    """
    dims = _shape_arg(dims)
    n = input.ndim
    if len(dims) != n:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
            f"to len(dims) = {len(dims)}"
        )
    axes = tuple(_dim(d, n) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply("PermuteBackward0", lambda v: fnp.transpose(v, axes), input, saves=(), view=True)


def transpose(input, dim0, dim1):  # noqa: A002
    """Swap two dimensions."""
    n = input.ndim
    a, b = _dim(dim0, n), _dim(dim1, n)
    if n < 2:
        return apply("TransposeBackward0", lambda v: v, input, saves=(), view=True)
    return apply("TransposeBackward0", lambda v: fnp.swapaxes(v, a, b), input, saves=(), view=True)


swapaxes = swapdims = transpose


def t(input):  # noqa: A002
    """Transpose a tensor of at most 2 dimensions."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    if input.ndim < 2:
        return apply("TBackward0", lambda v: v, input, saves=(), view=True)
    return apply("TBackward0", lambda v: fnp.transpose(v), input, saves=(), view=True)


def movedim(input, source, destination):  # noqa: A002
    """Move dimensions to new positions."""
    return apply(
        "PermuteBackward0", lambda v: fnp.moveaxis(v, source, destination), input, view=True
    )


moveaxis = movedim


def unsqueeze(input, dim):  # noqa: A002
    """Insert a dimension of size 1 at ``dim`` (negative counts from the end)."""
    d = _dim(dim, input.ndim + 1)
    return apply("UnsqueezeBackward0", lambda v: fnp.expand_dims(v, d), input, saves=(), view=True)


def squeeze(input, dim=None):  # noqa: A002
    """Drop dimensions of size 1 (all, or those of ``dim`` that have size 1)."""
    shape = input.shape
    if dim is None:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
        name = "SqueezeBackward0"
    else:
        ds = dim if isinstance(dim, (tuple, list)) else (dim,)
        axes = tuple(
            sorted({_dim(d, len(shape)) for d in ds if shape and shape[_dim(d, len(shape))] == 1})
        )
        name = "SqueezeBackward1"
    if not axes:
        return apply(name, lambda v: v, input, saves=(), view=True)
    return apply(name, lambda v: fnp.squeeze(v, axis=axes), input, saves=(), view=True)


def expand(input, *sizes):  # noqa: A002
    """Broadcast to a larger shape (-1 keeps a dimension)."""
    sizes = _shape_arg(sizes)
    shape = input.shape
    lead = len(sizes) - len(shape)
    fmt = ", ".join
    if lead < 0:
        raise RuntimeError(
            f"expand({input.type()}{{[{fmt(map(str, shape))}]}}, size=[{fmt(map(str, sizes))}]): "
            f"the number of sizes provided ({len(sizes)}) must be greater or equal to the number "
            f"of dimensions in the tensor ({len(shape)})"
        )
    target = list(sizes)
    for i in reversed(range(len(sizes))):  # PyTorch checks from the last dimension
        s = sizes[i]
        if i < lead:
            if s == -1:
                raise RuntimeError(
                    "The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            continue
        have = shape[i - lead]
        if s == -1:
            target[i] = have
        elif have != 1 and have != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({have}) at "
                f"non-singleton dimension {i}.  Target sizes: [{fmt(map(str, sizes))}].  Tensor "
                f"sizes: [{fmt(map(str, shape))}]"
            )
    target = tuple(target)
    return apply(
        "ExpandBackward0", lambda v: fnp.broadcast_to(v, target), input, saves=(), view=True
    )


def expand_as(input, other):  # noqa: A002
    """``expand(other.shape)``."""
    return expand(input, other.shape)


def broadcast_to(input, *size):  # noqa: A002
    """``expand(size)``."""
    return expand(input, *size)


def repeat(input, *sizes):  # noqa: A002
    """Tile the tensor ``sizes`` times along each dimension."""
    sizes = _shape_arg(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    return apply("RepeatBackward0", lambda v: fnp.tile(v, sizes), input, saves=())


def tile(input, dims):  # noqa: A002
    """Like numpy's tile (``dims`` an int or a sequence)."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return apply("RepeatBackward0", lambda v: fnp.tile(v, dims), input, saves=())


def repeat_interleave(input, repeats, dim=None):  # noqa: A002
    """Repeat each element ``repeats`` times."""
    r = repeats._s.array if isinstance(repeats, Tensor) else repeats
    return apply("RepeatInterleaveBackward0", lambda v: fnp.repeat(v, r, axis=dim), input)


def flip(input, dims):  # noqa: A002
    """Reverse the order along ``dims``."""
    dims = tuple(_dim(d, input.ndim) for d in ((dims,) if isinstance(dims, int) else dims))
    return apply("FlipBackward0", lambda v: fnp.flip(v, axis=dims), input, saves=())


def roll(input, shifts, dims=None):  # noqa: A002
    """Roll elements along ``dims``."""
    return apply("RollBackward0", lambda v: fnp.roll(v, shifts, axis=dims), input, saves=())


def narrow(input, dim, start, length):  # noqa: A002
    """``length`` elements from ``start`` along ``dim``."""
    d = _dim(dim, input.ndim)
    idx = (builtins.slice(None),) * d + (builtins.slice(start, start + length),)
    return apply("SliceBackward0", lambda v: v[idx], input, saves=(), view=True)


def tril(input, diagonal=0):  # noqa: A002
    """The lower triangle."""
    return apply("TrilBackward0", lambda v: fnp.tril(v, diagonal), input, saves=())


def triu(input, diagonal=0):  # noqa: A002
    """The upper triangle."""
    return apply("TriuBackward0", lambda v: fnp.triu(v, diagonal), input, saves=())


def diag(input, diagonal=0):  # noqa: A002
    """A diagonal matrix from a vector, or a matrix's diagonal."""
    return apply("DiagBackward0", lambda v: fnp.diag(v, diagonal), input, saves=())


def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """A diagonal of a tensor: a view (``x.diagonal().fill_(1)`` writes into ``x``).

    Example:
        >>> import compat as torch
        >>> x = torch.zeros(2, 3)
        >>> _ = x.diagonal(1).fill_(5.)
        >>> x
        tensor([[0., 5., 0.],
                [0., 0., 5.]])
    """
    n = input.ndim
    d1, d2 = _dim(dim1, n), _dim(dim2, n)
    return apply(
        "DiagonalBackward0", lambda v: _diagonal(v, offset, d1, d2), input, saves=(), view=True
    )


def _diagonal(v, offset, d1, d2):
    """numpy's diagonal, but a writable view of an array (numpy's is read-only)."""
    diag = fnp.diagonal(v, offset, d1, d2)
    if type(v) is not np.ndarray or not v.flags.writeable or diag.size == 0:
        return diag
    start = {d1: max(-offset, 0), d2: max(offset, 0)}
    first = tuple(
        builtins.slice(start[i], start[i] + 1) if i in start else builtins.slice(None)
        for i in range(v.ndim)
    )  # a view whose memory starts at the diagonal's first element
    return np.lib.stride_tricks.as_strided(v[first], diag.shape, diag.strides)


def trace(input):  # noqa: A002
    """The sum of the diagonal."""
    return apply("TraceBackward0", fnp.trace, input, saves=())


def diff(input, n=1, dim=-1, prepend=None, append=None):  # noqa: A002
    """Differences of neighbours along ``dim``, ``n`` times (``SubBackward0``).

    Example:
        >>> import compat as torch
        >>> from compat._shape import diff
        >>> diff(torch.tensor([1, 4, 9, 16])), diff(torch.tensor([1, 4, 9, 16]), n=2)
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
        >>> from compat._shape import meshgrid
        >>> xs, ys = meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
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


# --- joins and splits --------------------------------------------------------------------


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
    """Stack horizontally (along dim 1, or 0 for 1-D)."""
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Stack vertically (rows)."""
    return cat([x.reshape(1, -1) if x.ndim == 1 else x for x in tensors], 0)


def split(tensor, split_size_or_sections, dim=0):
    """Split into chunks of a size (the last may be smaller) or of given sizes."""
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
    """Split into ``chunks`` pieces of (nearly) equal size."""
    n = input.shape[_dim(dim, input.ndim)]
    size = -(-n // chunks)
    return split(input, builtins.max(size, 1), dim)


def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002
    """numpy's array_split."""
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
    """The slices along ``dim``, as a tuple."""
    d = _dim(dim, input.ndim)
    n = input.shape[d]
    idx = [(builtins.slice(None),) * d + (i,) for i in range(n)]
    return apply_multi("UnbindBackward0", lambda v: tuple(v[i] for i in idx), input, saves=())


# --- indexing ----------------------------------------------------------------------------


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
    """The entries at ``index`` along ``dim``."""
    d = _dim(dim, input.ndim)
    idx = index._s.array
    return apply("IndexSelectBackward0", lambda v: fnp.take(v, idx, axis=d), input, saves=())


def gather(input, dim, index):  # noqa: A002
    """``out[i][j] = input[i][index[i][j]]`` along ``dim``."""
    d = _dim(dim, input.ndim)
    idx = index._s.array
    return apply("GatherBackward0", lambda v: fnp.take_along_axis(v, idx, axis=d), input, saves=())


def take(input, index):  # noqa: A002
    """Elements of the flattened tensor at ``index``."""
    idx = index._s.array
    return apply("TakeBackward0", lambda v: fnp.reshape(v, (-1,))[idx], input, saves=())


def index_fill(input, dim, index, value):  # noqa: A002
    """``value`` at the positions ``index`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> from compat._shape import index_fill
        >>> index_fill(torch.zeros(2, 3), 1, torch.tensor([0, 2]), -1.)
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
    """``value`` where ``mask`` is true."""
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
    """The elements where ``mask`` is true, as a 1-D tensor."""
    m = np.broadcast_to(mask._s.array, input.shape)
    return apply("MaskedSelectBackward0", lambda v: v[m], input, saves=())


def nonzero(input, *, as_tuple=False):  # noqa: A002
    """Indices of the non-zero elements (``(n, ndim)`` int64, or a tuple of 1-D)."""
    nz = np.nonzero(input._s.array)
    if as_tuple:
        return tuple(wrap(i.astype(np.int64)) for i in nz)
    return wrap(np.stack(nz, axis=1).astype(np.int64) if nz else np.zeros((0, 0), np.int64))


def argwhere(input):  # noqa: A002
    """``nonzero(input)``."""
    return nonzero(input)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):  # noqa: A002
    """Write ``src`` (or ``value``) into ``input`` at ``index`` along ``dim``."""
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
    """Add ``src`` into ``input`` at ``index`` along ``dim``."""
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


# --- dtype conversion ----------------------------------------------------------------------


def to_dtype(input, dt, copy=False):  # noqa: A002
    """``input`` converted to numpy dtype ``dt`` (itself when it already has it)."""
    if input._s.array.dtype == dt and not copy:
        return input
    if input._rg and dt.kind not in "fc":
        return wrap(input._s.array.astype(dt))
    return apply("ToCopyBackward0", lambda v: fnp.astype(v, dt), input, saves=())
