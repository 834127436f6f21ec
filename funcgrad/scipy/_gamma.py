"""Numerical kernels, plain numpy: digamma and polygamma to near double precision.

ψ⁽ⁿ⁾(x) is computed by recurrence up to x >= 12 + n, then from its asymptotic
(Euler-Maclaurin) series; negative x by the reflection formula
ψ⁽ⁿ⁾(x) = (-1)ⁿ ψ⁽ⁿ⁾(1 - x) - πⁿ⁺¹ Pₙ(cot πx), with Pₙ the polynomial for which
dⁿ/dxⁿ cot(πx) = πⁿ Pₙ(cot πx). Values at the poles follow scipy.special.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.polynomial import Polynomial

#: Bernoulli numbers B2, B4, ..., B20.
_BERNOULLI = (
    1 / 6,
    -1 / 30,
    1 / 42,
    -1 / 30,
    5 / 66,
    -691 / 2730,
    7 / 6,
    -3617 / 510,
    43867 / 798,
    -174611 / 330,
)


def float_dtype(dtype) -> np.dtype:
    """The floating dtype a special function returns for inputs of ``dtype``."""
    dtype = np.dtype(dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def float_input(x) -> np.ndarray:
    """``x`` as an array, integers and booleans converted to float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


@functools.cache
def _cot_derivative(n: int) -> Polynomial:
    """Pₙ with dⁿ/dxⁿ cot(πx) = πⁿ Pₙ(cot πx), from P₀(c) = c, Pₖ₊₁ = -(1 + c²) Pₖ'."""
    p = Polynomial([0.0, 1.0])
    for _ in range(n):
        p = -Polynomial([1.0, 0.0, 1.0]) * p.deriv()
    return p


def _psi_large(x: np.ndarray, n: int) -> np.ndarray:
    """ψ⁽ⁿ⁾(x) from the asymptotic series, for x >= 12 + n."""
    if n == 0:
        # ψ(x) = ln x - 1/(2x) - sum_j B2j / (2j x^2j)
        inv2 = 1.0 / (x * x)
        tail = 0.0
        for j in range(len(_BERNOULLI), 0, -1):
            tail = (tail + _BERNOULLI[j - 1] / (2 * j)) * inv2
        return np.log(x) - 0.5 / x - tail
    # ψ⁽ⁿ⁾(x) = (-1)ⁿ⁺¹ n! ζ(n + 1, x), and for s = n + 1
    # ζ(s, x) = x^(1-s) / (s-1) + x^-s / 2 + sum_j B2j / (2j)! s(s+1)...(s+2j-2) x^(-s-2j+1)
    s = n + 1
    xs = x ** (-s)
    zeta = x ** (1 - s) / (s - 1) + 0.5 * xs
    term = xs / x  # x^(-s-1)
    rising = float(s)  # s (s+1) ... (s + 2j - 2)
    for j in range(1, len(_BERNOULLI) + 1):
        zeta = zeta + _BERNOULLI[j - 1] / math.factorial(2 * j) * rising * term
        rising *= (s + 2 * j - 1) * (s + 2 * j)
        term = term / (x * x)
    return (-1) ** (n + 1) * math.factorial(n) * zeta


def _psi_nonnegative(x: np.ndarray, n: int) -> np.ndarray:
    """ψ⁽ⁿ⁾(x) for x >= 0 (float64): shift up by recurrence, then the series."""
    lowest = 12.0 + n
    y = np.array(x, dtype=np.float64)
    acc = np.zeros_like(y)  # sum over the shifts of ψ⁽ⁿ⁾(y) - ψ⁽ⁿ⁾(y + 1)
    sign_fact = -1.0 if n == 0 else (-1) ** (n + 1) * math.factorial(n)
    while True:
        low = y < lowest
        if not np.any(low):
            break
        yl = y[low]
        # ψ⁽ⁿ⁾(y) = ψ⁽ⁿ⁾(y + 1) + (-1)ⁿ⁺¹ n! / yⁿ⁺¹  (ψ(y) = ψ(y + 1) - 1/y for n == 0)
        acc[low] += sign_fact / yl ** (n + 1)
        y[low] = yl + 1.0
    return _psi_large(y, n) + acc


#: The positive zero of ψ as a sum of two doubles, and the radius around it where ψ
#: comes from its Taylor series there (the recurrence would cancel to ~1e-12 relative).
_ROOT_HI, _ROOT_LO = 1.4616321449683622, 9.549995429965697e-17
_ROOT_RADIUS = 0.2


@functools.cache
def _root_series() -> tuple:
    """ψ's Taylor coefficients ψ⁽ᵏ⁾(x₀) / k! at its zero x₀, k = 1, ..., 20."""
    x0 = np.array([_ROOT_HI])
    return tuple(float(_psi_nonnegative(x0, k)[0]) / math.factorial(k) for k in range(1, 21))


def _psi_near_root(x: np.ndarray) -> np.ndarray:
    h = (x - _ROOT_HI) - _ROOT_LO  # x - _ROOT_HI is exact here
    total = np.zeros_like(h)
    for c in reversed(_root_series()):
        total = (total + c) * h
    return total


def psi(x, n: int = 0):
    """ψ⁽ⁿ⁾(x) elementwise (digamma for n == 0), in x's floating dtype."""
    x = np.asarray(x)
    dtype = float_dtype(x.dtype)
    xf = x.astype(np.float64)
    out = np.full(xf.shape, np.nan)
    with np.errstate(all="ignore"):
        finite = np.isfinite(xf)
        pole = finite & (xf <= 0) & (xf == np.floor(xf))
        pos = finite & (xf >= 0) & ~pole
        neg = finite & (xf < 0) & ~pole
        if np.any(pos):
            out[pos] = _psi_nonnegative(xf[pos], n)
            if n == 0:
                near = pos & (np.abs(xf - _ROOT_HI) < _ROOT_RADIUS)
                if np.any(near):
                    out[near] = _psi_near_root(xf[near])
        if np.any(neg):
            xn = xf[neg]
            r = xn - np.round(xn)  # cot(πx) has period 1: reduce exactly first
            cot = 1.0 / np.tan(math.pi * r)
            refl = math.pi ** (n + 1) * _cot_derivative(n)(cot)
            out[neg] = (-1) ** n * _psi_nonnegative(1.0 - xn, n) - refl
        if n == 0:
            zero = pole & (xf == 0)
            out[zero] = np.where(np.signbit(xf[zero]), np.inf, -np.inf)
            out[xf == np.inf] = np.inf
        else:
            out[pole | (xf == -np.inf)] = np.inf if n % 2 else -np.inf
            out[xf == np.inf] = 0.0
    return out.astype(dtype, copy=False)[()]
