"""Scans along one axis: cumsum and cumprod (``axis=None`` scans the flattened array).

cumprod's rules are built from multiplications and additions only (log-depth scans of
affine maps), never from division by the input, so they are exact where elements are
zero, at every order.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import LINEAR
from funcgrad._primitive import defop, export, primitive_of

_SCAN = {
    "cases": [
        (((4,),), {}),
        (((3, 4),), {}),
        (((3, 4),), {"axis": 0}),
        (((2, 3, 4),), {"axis": -1}),
        (((2, 3, 2),), {"axis": 1}),
        (((1,),), {"axis": 0}),
        (((),), {}),
    ]
}


def _to_last(v, axis):
    """``v`` with the scanned axis last (flattened when ``axis`` is None)."""
    if axis is None:
        return fnp.reshape(v, (-1,))
    return fnp.swapaxes(v, axis, -1)


def _from_last(v, axis, shape):
    """Undo :func:`_to_last` for an array of the scan's input ``shape``."""
    if axis is None:
        return fnp.reshape(v, shape)
    return fnp.swapaxes(v, axis, -1)


def _shift(v, fill):
    """``v`` moved one step along the last axis: ``fill`` first, the last element dropped."""
    return fnp.concatenate([fnp.full_like(v[..., :1], fill), v[..., :-1]], axis=-1)


def _reverse(v):
    return v[..., ::-1]


def _linear_scan(a, b):
    """``y[i] = a[i] * y[i - 1] + b[i]`` along the last axis, with ``y[-1] = 0``.

    A Hillis-Steele scan of the affine maps ``y -> a[i] y + b[i]``: log2(n) steps of
    multiplications and additions written with funcgrad.numpy, so the result
    differentiates again, exactly, whatever the values (zeros included).
    """
    n = b.shape[-1]
    concatenate = fnp.concatenate
    s = 1
    while s < n:
        # Compose each map with the one s places before it: (A, B) o (A', B').
        b = concatenate([b[..., :s], a[..., s:] * b[..., :-s] + b[..., s:]], axis=-1)
        if 2 * s < n:
            a = concatenate([a[..., :s], a[..., s:] * a[..., :-s]], axis=-1)
        s *= 2
    return b


# --- cumsum: linear; the VJP is a cumsum from the other end. ------------------------


def _cumsum_impl(a, axis=None):
    return np.cumsum(a, axis=axis)


def _cumsum_vjp(g, ans, x, axis=None):
    g = _to_last(g, axis)
    return _from_last(_reverse(_cumsum(_reverse(g), axis=-1)), axis, x.shape)


_cumsum = defop(
    _cumsum_impl, name="cumsum", vjp=_cumsum_vjp, jvp=LINEAR, saves="shapes", check=_SCAN
)


# --- cumprod ------------------------------------------------------------------------
# With P[i] = x[0] ... x[i-1] (the exclusive prefix product, ``ans`` shifted):
#   tangent:   D[i] = x[i] D[i-1] + t[i] P[i]                (a forward linear scan)
#   cotangent: x̄[j] = P[j] S[j],  S[j] = g[j] + x[j+1] S[j+1]  (a backward linear scan)
# since d cumprod[i] / d x[j] = P[j] x[j+1] ... x[i] for j <= i.


def _cumprod_impl(a, axis=None):
    return np.cumprod(a, axis=axis)


def _cumprod_vjp(g, ans, x, axis=None):
    xl = _to_last(x, axis)
    if xl.shape[-1] == 0:
        return fnp.zeros_like(x)
    # Scanned from the end, S's coefficients are x[j+1] reversed: [0, x[n-1], ..., x[1]].
    s = _reverse(_linear_scan(_shift(_reverse(xl), 0), _reverse(_to_last(g, axis))))
    return _from_last(_shift(_to_last(ans, axis), 1) * s, axis, x.shape)


def _cumprod_jvp(t, ans, x, axis=None):
    xl, tl = _to_last(x, axis), _to_last(t, axis)
    if xl.shape[-1] == 0:
        return fnp.zeros_like(ans)
    out = _linear_scan(xl, tl * _shift(_to_last(ans, axis), 1))
    return out if axis is None else fnp.swapaxes(out, axis, -1)


_cumprod = defop(_cumprod_impl, name="cumprod", vjp=_cumprod_vjp, jvp=_cumprod_jvp, check=_SCAN)


def _scan(prim_fn, name, example):
    def scan(a, axis=None, dtype=None):
        if axis is not None and not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{name}: axis must be None or an int, got {axis!r}")
        out = prim_fn(a, axis=None if axis is None else int(axis))
        return out if dtype is None else fnp.astype(out, dtype)

    scan.__name__ = scan.__qualname__ = name
    scan.__doc__ = (
        f"``numpy.{name}`` along ``axis`` (None: along the flattened array).\n\n"
        f"    Example:\n{example}"
    )
    return export(scan, primitive_of(prim_fn))


cumsum = _scan(
    _cumsum,
    "cumsum",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(lambda x: fnp.cumsum(x).sum())(np.ones(3))\n"
    "        array([3., 2., 1.])\n",
)
cumprod = _scan(
    _cumprod,
    "cumprod",
    "        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp\n"
    "        >>> fg.grad(lambda x: fnp.cumprod(x)[-1])(np.array([2.0, 0.0, 3.0]))\n"
    "        array([0., 6., 0.])\n",
)
