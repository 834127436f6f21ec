"""Shape ops: views and rearrangements (view, reshape, permute, expand, squeeze, repeat, flip,
diagonal, ...), as PyTorch spells them.

Joins and splits live in ``_joins``, indexing in ``_index``, dtype conversion in ``_cast``.
"""

from __future__ import annotations

import builtins

import numpy as np

import funcgrad.numpy as fnp
from compat import _dtypes
from compat._autograd import apply
from compat._tensor import Tensor, _dim, wrap
from compat._tensor_types import Size


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
    """Split dimension ``dim`` into ``sizes``.

    Example:
        >>> import compat as torch
        >>> torch.unflatten(torch.arange(6), 0, (2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    shape = input.shape
    d = _dim(dim, len(shape))
    return reshape(input, tuple(shape[:d]) + tuple(sizes) + tuple(shape[d + 1 :]))


def ravel(input):  # noqa: A002
    """The elements as a 1-D tensor.

    Example:
        >>> import compat as torch
        >>> torch.ravel(torch.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """
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
    """Swap two dimensions.

    Example:
        >>> import compat as torch
        >>> torch.transpose(torch.tensor([[1, 2, 3], [4, 5, 6]]), 0, 1)
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
    """
    n = input.ndim
    a, b = _dim(dim0, n), _dim(dim1, n)
    if n < 2:
        return apply("TransposeBackward0", lambda v: v, input, saves=(), view=True)
    return apply("TransposeBackward0", lambda v: fnp.swapaxes(v, a, b), input, saves=(), view=True)


swapaxes = swapdims = transpose


def t(input):  # noqa: A002
    """Transpose a tensor of at most 2 dimensions.

    Example:
        >>> import compat as torch
        >>> torch.t(torch.tensor([[1, 2], [3, 4]]))
        tensor([[1, 3],
                [2, 4]])
    """
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    if input.ndim < 2:
        return apply("TBackward0", lambda v: v, input, saves=(), view=True)
    return apply("TBackward0", lambda v: fnp.transpose(v), input, saves=(), view=True)


def movedim(input, source, destination):  # noqa: A002
    """Move dimensions to new positions.

    Example:
        >>> import compat as torch
        >>> torch.movedim(torch.zeros(2, 3, 4), 0, -1).shape
        torch.Size([3, 4, 2])
    """
    return apply(
        "PermuteBackward0", lambda v: fnp.moveaxis(v, source, destination), input, view=True
    )


moveaxis = movedim


def unsqueeze(input, dim):  # noqa: A002
    """Insert a dimension of size 1 at ``dim`` (negative counts from the end).

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([1, 2])
        >>> torch.unsqueeze(x, 0), torch.unsqueeze(x, -1).shape
        (tensor([[1, 2]]), torch.Size([2, 1]))
    """
    d = _dim(dim, input.ndim + 1)
    return apply("UnsqueezeBackward0", lambda v: fnp.expand_dims(v, d), input, saves=(), view=True)


def squeeze(input, dim=None):  # noqa: A002
    """Drop dimensions of size 1 (all, or those of ``dim`` that have size 1).

    Example:
        >>> import compat as torch
        >>> torch.squeeze(torch.zeros(1, 2, 1)).shape, torch.squeeze(torch.zeros(1, 2, 1), 0).shape
        (torch.Size([2]), torch.Size([2, 1]))
    """
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
    """``expand(size)``.

    Example:
        >>> import compat as torch
        >>> torch.broadcast_to(torch.tensor([1, 2]), (2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
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
    """Like numpy's tile (``dims`` an int or a sequence).

    Example:
        >>> import compat as torch
        >>> torch.tile(torch.tensor([1, 2]), (2, 2))
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return apply("RepeatBackward0", lambda v: fnp.tile(v, dims), input, saves=())


def repeat_interleave(input, repeats, dim=None):  # noqa: A002
    """Repeat each element ``repeats`` times.

    Example:
        >>> import compat as torch
        >>> torch.repeat_interleave(torch.tensor([1, 2]), 2)
        tensor([1, 1, 2, 2])
        >>> torch.repeat_interleave(torch.tensor([1, 2]), torch.tensor([1, 3]))
        tensor([1, 2, 2, 2])
    """
    r = repeats._s.array if isinstance(repeats, Tensor) else repeats
    return apply("RepeatInterleaveBackward0", lambda v: fnp.repeat(v, r, axis=dim), input)


def flip(input, dims):  # noqa: A002
    """Reverse the order along ``dims``.

    Example:
        >>> import compat as torch
        >>> torch.flip(torch.tensor([[1, 2], [3, 4]]), [0])
        tensor([[3, 4],
                [1, 2]])
    """
    dims = tuple(_dim(d, input.ndim) for d in ((dims,) if isinstance(dims, int) else dims))
    return apply("FlipBackward0", lambda v: fnp.flip(v, axis=dims), input, saves=())


def roll(input, shifts, dims=None):  # noqa: A002
    """Roll elements along ``dims``.

    Example:
        >>> import compat as torch
        >>> torch.roll(torch.tensor([1, 2, 3, 4]), 1)
        tensor([4, 1, 2, 3])
    """
    return apply("RollBackward0", lambda v: fnp.roll(v, shifts, axis=dims), input, saves=())


def narrow(input, dim, start, length):  # noqa: A002
    """``length`` elements from ``start`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.narrow(torch.tensor([[1, 2, 3], [4, 5, 6]]), 1, 1, 2)
        tensor([[2, 3],
                [5, 6]])
    """
    d = _dim(dim, input.ndim)
    idx = (builtins.slice(None),) * d + (builtins.slice(start, start + length),)
    return apply("SliceBackward0", lambda v: v[idx], input, saves=(), view=True)


def tril(input, diagonal=0):  # noqa: A002
    """The lower triangle.

    Example:
        >>> import compat as torch
        >>> torch.tril(torch.tensor([[1, 2], [3, 4]]))
        tensor([[1, 0],
                [3, 4]])
    """
    return apply("TrilBackward0", lambda v: fnp.tril(v, diagonal), input, saves=())


def triu(input, diagonal=0):  # noqa: A002
    """The upper triangle.

    Example:
        >>> import compat as torch
        >>> torch.triu(torch.tensor([[1, 2], [3, 4]]))
        tensor([[1, 2],
                [0, 4]])
    """
    return apply("TriuBackward0", lambda v: fnp.triu(v, diagonal), input, saves=())


def diag(input, diagonal=0):  # noqa: A002
    """A diagonal matrix from a vector, or a matrix's diagonal.

    Example:
        >>> import compat as torch
        >>> torch.diag(torch.tensor([1, 2])), torch.diag(torch.tensor([[1, 2], [3, 4]]))
        (tensor([[1, 0],
                [0, 2]]), tensor([1, 4]))
    """
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
    """The sum of the diagonal.

    Example:
        >>> import compat as torch
        >>> torch.trace(torch.tensor([[1., 2.], [3., 4.]]))
        tensor(5.)
    """
    return apply("TraceBackward0", fnp.trace, input, saves=())
