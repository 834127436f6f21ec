"""Parts of complex numbers: real, imag, conj, angle.

funcgrad follows JAX's convention for complex derivatives: a VJP is the transpose of
the JVP without conjugation, so rules of holomorphic functions read as in the real
case (``g * f'(z)``), and ``grad`` of a real-valued function of complex inputs
returns the conjugate of the Wirtinger-style gradient, as JAX's does
(``grad(lambda z: abs(z)**2)(z) == 2 * conj(z)``). The non-holomorphic parts below
carry the conjugations.
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import LINEAR, concrete
from funcgrad._primitive import defop, export, primitive_of

_C = {"shapes": "unary", "complex": True}


def _real_vjp(g, ans, x):
    return fnp.astype(g, x.dtype)  # a real cotangent, as the real part of a complex one


def _imag_vjp(g, ans, x):
    if np.issubdtype(x.dtype, np.complexfloating):
        return fnp.astype(g, x.dtype) * -1j  # imag(z) = (z - conj z) / 2i: transposed
    return fnp.zeros_like(x)


real = defop(np.real, vjp=_real_vjp, jvp=LINEAR, saves="shapes", check=_C)
imag = defop(np.imag, vjp=_imag_vjp, jvp=LINEAR, saves="shapes", check=_C)
conjugate = defop(
    np.conjugate, vjp=lambda g, ans, x: fnp.conjugate(g), jvp=LINEAR, saves="shapes", check=_C
)
conj = conjugate


def angle(z, deg=False):
    """The argument of complex ``z`` (``numpy.angle``): ``arctan2(imag(z), real(z))``.

    For real input it is 0 or pi, a constant.

    Example:
        >>> import funcgrad as fg, funcgrad.numpy as fnp
        >>> complex(fg.grad(lambda z: fnp.angle(z))(1j))  # d angle / dz, JAX's convention
        (-1+0j)
    """
    dtype = z.dtype if hasattr(z, "dtype") else np.asarray(z).dtype
    if not np.issubdtype(dtype, np.complexfloating):
        return np.angle(concrete(z), deg=deg)
    out = fnp.arctan2(imag(z), real(z))
    return out * (180 / np.pi) if deg else out


export(angle, primitive_of(fnp.arctan2))
