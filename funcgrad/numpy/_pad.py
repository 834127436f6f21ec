"""pad: constant, edge, reflect, symmetric and wrap modes.

Along each axis, every mode but "constant" fills the border with copies of
elements: output position i holds input element ``src[i]``, where ``src`` is the
axis' index vector padded the same way (``numpy.pad(arange(n), ...)``). So pad is a
gather, one axis after another, and its VJP a scatter-add: each input element
receives the sum of the cotangents of all its copies (``_pad_adjoint``). In
"constant" mode the border holds no input element and the VJP is the interior slice.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import LINEAR, Traced, concrete
from funcgrad._primitive import defop, export, primitive_of
from funcgrad.numpy._index import _getitem

#: The modes with rules; numpy's other modes work on plain arrays only.
MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _interior(pad_width, shape):
    return tuple(slice(b, n - a) for (b, a), n in zip(pad_width, shape))


def _pad_impl(x, pad_width, mode, constant_values=0):
    if mode == "constant":
        return np.pad(x, pad_width, mode="constant", constant_values=constant_values)
    return np.pad(x, pad_width, mode=mode)


def _pad_vjp(g, ans, x, pad_width, mode, constant_values=0):
    if mode == "constant":
        return _getitem(g, index=_interior(pad_width, g.shape))
    return _pad_adjoint(g, pad_width=pad_width, mode=mode)


def _pad_jvp(t, ans, x, pad_width, mode, constant_values=0):
    return _pad(t, pad_width=pad_width, mode=mode)  # the border constant has no tangent


_pad = defop(
    _pad_impl,
    name="pad",
    vjp=_pad_vjp,
    jvp=_pad_jvp,
    saves="shapes",
    check={
        "cases": [
            (((3,),), {"pad_width": ((2, 1),), "mode": "constant"}),
            (
                ((2, 3),),
                {"pad_width": ((1, 0), (2, 2)), "mode": "constant", "constant_values": 1.5},
            ),
            (((3,),), {"pad_width": ((2, 4),), "mode": "edge"}),
            (((3, 2),), {"pad_width": ((4, 2), (1, 1)), "mode": "reflect"}),
            (((1, 2),), {"pad_width": ((2, 1), (0, 3)), "mode": "reflect"}),
            (((3,),), {"pad_width": ((5, 4),), "mode": "wrap"}),
            (((2, 3),), {"pad_width": ((1, 2), (3, 1)), "mode": "symmetric"}),
        ]
    },
)


def _pad_adjoint_impl(g, pad_width, mode):
    out = g
    for ax, (before, after) in enumerate(pad_width):
        if not (before or after):
            continue
        moved = np.moveaxis(out, ax, 0)
        n = moved.shape[0] - before - after
        src = np.pad(np.arange(n), (before, after), mode=mode)
        acc = moved[before : before + n].copy()
        border = np.r_[0:before, before + n : before + n + after]
        np.add.at(acc, src[border], moved[border])
        out = np.moveaxis(acc, 0, ax)
    return out


_pad_adjoint = defop(
    _pad_adjoint_impl,
    name="pad_adjoint",
    vjp=lambda g, ans, y, pad_width, mode: _pad(g, pad_width=pad_width, mode=mode),
    jvp=LINEAR,
    saves="shapes",
    check={
        "cases": [
            (((6,),), {"pad_width": ((2, 1),), "mode": "edge"}),
            (((9, 4),), {"pad_width": ((4, 2), (1, 1)), "mode": "reflect"}),
            (((12,),), {"pad_width": ((5, 4),), "mode": "wrap"}),
            (((5, 7),), {"pad_width": ((1, 2), (3, 1)), "mode": "symmetric"}),
        ]
    },
)


def _pad_widths(pad_width, ndim):
    widths = np.asarray(pad_width)
    if widths.size and not np.issubdtype(widths.dtype, np.integer):
        raise TypeError(f"pad: pad_width must be integers; got {pad_width!r}")
    try:
        widths = np.broadcast_to(widths, (ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width must be an int, a (before, after) pair, or one pair per axis "
            f"({ndim} axes); got {pad_width!r}"
        ) from None
    if (widths < 0).any():
        raise ValueError(f"pad: pad_width cannot be negative; got {pad_width!r}")
    return tuple((int(b), int(a)) for b, a in widths)


def pad(array, pad_width, mode="constant", **kwargs):
    """Pad an array (``numpy.pad``), differentiably in modes constant, edge, reflect,
    symmetric and wrap.

    ``pad_width`` is numpy's: an int, a ``(before, after)`` pair, or one pair per
    axis. ``constant_values`` (mode "constant") may be a traced scalar: it receives
    the gradient of the border. Elements copied into the border (edge, reflect,
    symmetric, wrap) receive the gradients of all their copies. Plain arrays may use
    every numpy mode.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fnp.pad(np.array([1.0, 2.0, 3.0]), (2, 1), mode="reflect")
        array([3., 2., 1., 2., 3., 2.])
        >>> fg.grad(lambda x: fnp.pad(x, (2, 1), mode="reflect").sum())(np.zeros(3))
        array([1., 3., 2.])
    """
    constant = kwargs.pop("constant_values", 0)
    if not isinstance(array, Traced) and not isinstance(constant, Traced):
        if mode == "constant":
            kwargs["constant_values"] = constant
        return np.pad(array, pad_width, mode=mode, **kwargs)
    if mode not in MODES:
        raise NotImplementedError(
            f"pad: mode {mode!r} has no differentiation rule; traced values can use modes {MODES}"
        )
    if kwargs.pop("reflect_type", "even") != "even":
        raise NotImplementedError("pad: only reflect_type='even' (numpy's default) is supported")
    if kwargs:
        raise TypeError(f"pad: unexpected keyword arguments for mode {mode!r}: {sorted(kwargs)}")
    widths = _pad_widths(pad_width, np.ndim(concrete(array)))
    if mode != "constant":
        return _pad(array, pad_width=widths, mode=mode)
    if isinstance(constant, Traced):
        if constant.ndim:
            raise NotImplementedError(
                "pad: a traced constant_values must be a scalar; pass per-axis "
                "constants as plain numbers"
            )
        x = concrete(array)
        inside = np.pad(np.ones(np.shape(x), bool), widths, mode="constant")
        if constant.dtype != x.dtype and np.issubdtype(x.dtype, np.inexact):
            constant = fnp.astype(constant, x.dtype)  # numpy casts it to the array's dtype
        return _pad(array, pad_width=widths, mode="constant") + fnp.where(inside, 0, constant)
    if isinstance(constant, np.ndarray):
        constant = constant.tolist()
    if np.all(np.asarray(constant) == 0):
        return _pad(array, pad_width=widths, mode="constant")
    return _pad(array, pad_width=widths, mode="constant", constant_values=constant)


export(pad, primitive_of(_pad))
