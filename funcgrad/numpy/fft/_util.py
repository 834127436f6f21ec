"""What the fft rules share: resizing an axis, the normalization swap, numpy's (s, axes).

Every transform here is linear, so its JVP is the transform of the tangent
(``LINEAR``) and its VJP the transpose, with no conjugation (JAX's convention, the
pairing ``Re(sum(a * b))``): the DFT matrix is symmetric, so the transpose of a
transform is the same transform of the cotangent, followed by the transpose of the
zero-padding or cropping numpy does to reach length ``n`` (cropping or zero-padding
back to the input's length).
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

import funcgrad.numpy as fnp

_SWAP = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def swap_direction(norm):
    """The normalization of the other direction: backward <-> forward, ortho stays."""
    try:
        return _SWAP[norm]
    except KeyError:
        raise ValueError(
            f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".'
        ) from None


def resize(x, axis: int, length: int):
    """``x`` cropped or zero-padded at the end of ``axis`` to ``length``."""
    have = x.shape[axis]
    if have == length:
        return x
    if have > length:
        index = (slice(None),) * (axis % x.ndim) + (slice(0, length),)
        return x[index]
    widths = [(0, 0)] * x.ndim
    widths[axis] = (0, length - have)
    return fnp.pad(x, tuple(widths))


def like(g, x):
    """A cotangent for ``x``: its real part if ``x`` is real, in ``x``'s dtype."""
    if np.issubdtype(g.dtype, np.complexfloating) and not np.issubdtype(
        x.dtype, np.complexfloating
    ):
        g = fnp.real(g)
    return g if g.dtype == x.dtype else fnp.astype(g, x.dtype)


def cook(shape, s=None, axes=None, invreal=False, warn=True):
    """numpy's ``(s, axes)`` for an n-d transform of an array of ``shape``.

    Lists of lengths and (non-negative) axes; ``s`` entries of -1 mean "keep the
    input length"; with ``invreal`` the default last length is ``2 (n - 1)``. Like
    numpy, warns when ``s`` comes without ``axes`` (unless ``warn=False``).
    """
    nd = len(shape)
    shapeless = s is None
    if axes is None:
        if not shapeless and warn:
            warnings.warn(
                "`axes` should not be `None` if `s` is not `None` (Deprecated in NumPy "
                "2.0): pass axes explicitly.",
                DeprecationWarning,
                stacklevel=3,
            )
        axes = list(range(-len(s), 0)) if not shapeless else list(range(nd))
    axes = [operator.index(a) for a in axes]
    for a in axes:
        if not -nd <= a < nd:
            raise np.exceptions.AxisError(a, nd)
    axes = [a % nd for a in axes]
    s = [shape[a] for a in axes] if shapeless else [operator.index(n) for n in s]
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if invreal and shapeless:
        s[-1] = (shape[axes[-1]] - 1) * 2
    return [shape[a] if n == -1 else n for n, a in zip(s, axes)], axes
