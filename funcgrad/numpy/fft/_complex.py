"""Complex transforms: fft, ifft, fftn, ifftn (and fft2, ifft2 through the n-d ones).

``fft(a, n)`` is ``c F_n resize_n(a)`` with ``F_n`` the (symmetric) DFT matrix, c the
normalization and ``resize_n`` numpy's cropping or zero-padding to length n. Its
transpose is ``resize_back(c F_n g)``: the same transform of the cotangent, cropped
or zero-padded back to the input's length (and its real part for a real input).
ifft is the same with the conjugate matrix; n-d transforms are products of these.
"""

from __future__ import annotations

import numpy as np

from funcgrad._primitive import LINEAR, REAL, defop, export, primitive_of
from funcgrad.numpy.fft._util import cook, like, resize


def _vjp_1d(transform):
    def rule(g, ans, a, n=None, axis=-1, norm=None):
        return like(resize(transform(g, axis=axis, norm=norm), axis, a.shape[axis]), a)

    return rule


def _vjp_nd(transform, transform_1d):
    def rule(g, ans, a, s=None, axes=None, norm=None):
        s, axes = cook(a.shape, s, axes, warn=False)
        if len(set(axes)) == len(axes):
            out = transform(g, axes=axes, norm=norm)
            for ax in axes:
                out = resize(out, ax, a.shape[ax])
            return like(out, a)
        # A repeated axis: numpy applies 1-d transforms for axes[-1], ..., axes[0]
        # (each resizing its axis); transpose them in the opposite order.
        lengths, before = list(a.shape), {}
        for i in reversed(range(len(axes))):
            before[i], lengths[axes[i]] = lengths[axes[i]], s[i]
        out = g
        for i, ax in enumerate(axes):
            out = resize(transform_1d(out, axis=ax, norm=norm), ax, before[i])
        return like(out, a)

    return rule


_1D = {
    "cases": [
        (((4,),), {}),
        (((3,),), {"n": 5}),
        (((5,),), {"n": 3, "norm": "ortho"}),
        (((2, 4),), {"axis": 0, "norm": "ortho"}),
        (((2, 3),), {"norm": "forward"}),
    ],
    "complex": True,
}
_ND = {
    "cases": [
        (((2, 3),), {}),
        (((2, 3, 2),), {"axes": (0, 2)}),
        (((3, 4),), {"s": (4, 3), "axes": (0, 1), "norm": "ortho"}),
        (((3,),), {"s": (5,), "axes": (0,), "norm": "forward"}),
        (((2, 3),), {"s": (4, 2), "axes": (1, 1)}),
    ],
    "complex": True,
}


def _declare(np_fn, name, vjp, check):
    def impl(a, **kwargs):  # numpy's function without numpy's docstring
        return np_fn(a, **kwargs)

    return defop(impl, name=name, vjp=vjp, jvp=LINEAR, saves="shapes", domain=REAL, check=check)


# The rules call the public functions below (defined later, looked up when they run).
_fft = _declare(np.fft.fft, "fft.fft", _vjp_1d(lambda g, **kw: fft(g, **kw)), _1D)
_ifft = _declare(np.fft.ifft, "fft.ifft", _vjp_1d(lambda g, **kw: ifft(g, **kw)), _1D)
_fftn = _declare(
    np.fft.fftn,
    "fft.fftn",
    _vjp_nd(lambda g, **kw: fftn(g, **kw), lambda g, **kw: fft(g, **kw)),
    _ND,
)
_ifftn = _declare(
    np.fft.ifftn,
    "fft.ifftn",
    _vjp_nd(lambda g, **kw: ifftn(g, **kw), lambda g, **kw: ifft(g, **kw)),
    _ND,
)


def fft(a, n=None, axis=-1, norm=None):
    """One-dimensional discrete Fourier transform along ``axis`` (``numpy.fft.fft``).

    ``n`` crops or zero-pads the input; ``norm`` is None / "backward", "ortho" or
    "forward". Linear: its VJP is the transposed transform, without conjugation.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.fft(np.array([1.0, 0.0, 0.0, 0.0]))
        array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    return _fft(a, n=n, axis=axis, norm=norm)


def ifft(a, n=None, axis=-1, norm=None):
    """One-dimensional inverse discrete Fourier transform (``numpy.fft.ifft``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.ifft(np.array([4.0, 0.0, 0.0, 0.0]))
        array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    return _ifft(a, n=n, axis=axis, norm=norm)


def fftn(a, s=None, axes=None, norm=None):
    """N-dimensional discrete Fourier transform over ``axes`` (``numpy.fft.fftn``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.fftn(np.ones((2, 2))).real
        array([[4., 0.],
               [0., 0.]])
    """
    return _fftn(a, s=s, axes=axes, norm=norm)


def ifftn(a, s=None, axes=None, norm=None):
    """N-dimensional inverse discrete Fourier transform (``numpy.fft.ifftn``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.ifftn(np.array([[4.0, 0.0], [0.0, 0.0]])).real
        array([[1., 1.],
               [1., 1.]])
    """
    return _ifftn(a, s=s, axes=axes, norm=norm)


def fft2(a, s=None, axes=(-2, -1), norm=None):
    """Two-dimensional discrete Fourier transform (``numpy.fft.fft2``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.fft2(np.ones((2, 2))).real
        array([[4., 0.],
               [0., 0.]])
    """
    return _fftn(a, s=s, axes=axes, norm=norm)


def ifft2(a, s=None, axes=(-2, -1), norm=None):
    """Two-dimensional inverse discrete Fourier transform (``numpy.fft.ifft2``).

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> fnp.fft.ifft2(np.array([[4.0, 0.0], [0.0, 0.0]])).real
        array([[1., 1.],
               [1., 1.]])
    """
    return _ifftn(a, s=s, axes=axes, norm=norm)


for _fn, _prim in ((fft, _fft), (ifft, _ifft), (fftn, _fftn), (ifftn, _ifftn)):
    export(_fn, primitive_of(_prim))
export(fft2, primitive_of(_fftn))
export(ifft2, primitive_of(_ifftn))
del _fn, _prim
