"""Writing through views: ``y[0:2].mul_(3)`` changes ``y``, as in PyTorch.

A view (``x[0]``, ``x.view(6)``, ``x.t()``, ...) remembers its base and the function
that made it. Where numpy can, the view's array is a numpy view of the base's memory
and writes reach the base by themselves. Where the write must not touch memory a
recorded graph holds, or must itself be recorded, the view's new value is written into
the base instead: the base takes a recorded ``CopySlices`` value (its positions are
found by applying the view's functions to an array of the base's flat indices), and the
view then reads its part of the new base.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from compat._autograd import apply

OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a "
    "single memory location. Please clone() the tensor before performing the operation."
)


def _root_and_positions(t):
    """The tensor at the bottom of ``t``'s views, and ``t``'s flat positions in it."""
    fns = []
    root = t
    while root._view_of is not None:
        root, fn = root._view_of[0], (root._view_of[1], root)
        fns.append(fn)
    positions = np.arange(root._s.array.size).reshape(root._s.array.shape)
    for fn, _view in reversed(fns):
        positions = np.asarray(fn(positions))
    return root, positions


def write_back(t, new) -> None:
    """Make ``new`` (a tensor of ``t``'s shape) the value of view ``t`` through its base."""
    from compat._inplace import check_inplace

    root, positions = _root_and_positions(t)
    flat = positions.reshape(-1)
    if np.unique(flat).size != flat.size:
        raise RuntimeError(OVERLAP)
    check_inplace(root, view=True)
    dt = root._s.array.dtype
    shape = root._s.array.shape
    new_root = apply(
        "CopySlices",
        lambda r, v: fnp.reshape(
            fnp.at(fnp.reshape(r, (-1,)))[flat].set(
                fnp.reshape(v if v.dtype == dt else fnp.astype(v, dt), (-1,))
            ),
            shape,
        ),
        root,
        new,
        saves=(),
    )
    if new_root._rg:
        root._become(new_root)
    else:
        values = new_root._s.array
        root._write(lambda a: np.copyto(a, values))
    # the view reads its part of the new base
    view_shape = positions.shape
    part = apply(
        "AsStridedBackward0",
        lambda r: fnp.reshape(fnp.reshape(r, (-1,))[flat], view_shape),
        root,
        saves=(),
    )
    t._s.array = part._s.array
    t._s.version += 1
    t._fn, t._v, t._rg = part._fn, part._v, part._rg


def bump_bases(t) -> None:
    """A write through numpy's view changed its base too: move the shared version counter."""
    t._counter().version += 1
