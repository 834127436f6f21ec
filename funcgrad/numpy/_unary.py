"""Elementwise functions of one array.

Each rule is written with funcgrad.numpy (operators on traced values dispatch to it),
so every rule differentiates again. ``saves`` says what a rule reads, so the trace
keeps nothing else alive (``tanh`` keeps only its output, like PyTorch's rule).
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._core import LINEAR
from funcgrad._primitive import NONZERO, POSITIVE, UNIT, defop


def _elementwise(impl, rule, **kw):
    """Declare f(x) applied elementwise: one rule ``rule(g, ans, x) = g * f'(x)``.

    For an elementwise function both modes multiply by the same derivative, so the
    one rule serves as VJP (g a cotangent) and as JVP (g a tangent).
    """
    return defop(impl, vjp=rule, jvp=rule, **kw)


negative = defop(np.negative, vjp=lambda g, ans, x: -g, jvp=LINEAR, saves="shapes")
positive = defop(np.positive, vjp=lambda g, ans, x: g, jvp=LINEAR, saves="shapes")


def _abs_rule(g, ans, x):
    return g * fnp.sign(x)


absolute = _elementwise(np.absolute, _abs_rule, saves="args", domain=NONZERO)
abs = absolute  # noqa: A001  (numpy's alias)

exp = _elementwise(np.exp, lambda g, ans, x: g * ans, saves="ans")
log = _elementwise(np.log, lambda g, ans, x: g / x, saves="args", domain=POSITIVE)
log1p = _elementwise(np.log1p, lambda g, ans, x: g / (x + 1), saves="args", domain=POSITIVE)
expm1 = _elementwise(np.expm1, lambda g, ans, x: g * (ans + 1), saves="ans")
sqrt = _elementwise(np.sqrt, lambda g, ans, x: g / (ans * 2), saves="ans", domain=POSITIVE)
square = _elementwise(np.square, lambda g, ans, x: g * (x * 2), saves="args")

sin = _elementwise(np.sin, lambda g, ans, x: g * cos(x), saves="args")
cos = _elementwise(np.cos, lambda g, ans, x: -g * sin(x), saves="args")
tan = _elementwise(np.tan, lambda g, ans, x: g * (ans * ans + 1), saves="ans", domain=UNIT)


def _tanh_rule(g, ans, x):
    """``g * (1 - tanh(x)**2)`` from the output, as PyTorch and JAX compute it."""
    if type(g) is np.ndarray and type(ans) is np.ndarray and ans.ndim:
        # Plain arrays (no outer trace): one temporary, updated in place, instead of
        # three. Fewer allocations in the backward pass of every tanh network.
        d = ans * ans
        np.subtract(1, d, out=d)
        return np.multiply(g, d, out=d)
    return g * (1 - ans * ans)


tanh = _elementwise(np.tanh, _tanh_rule, saves="ans")  # keeps only the output
sinh = _elementwise(np.sinh, lambda g, ans, x: g * cosh(x), saves="args")
cosh = _elementwise(np.cosh, lambda g, ans, x: g * sinh(x), saves="args")
arcsin = _elementwise(np.arcsin, lambda g, ans, x: g / sqrt(1 - x * x), saves="args", domain=UNIT)
arccos = _elementwise(np.arccos, lambda g, ans, x: -g / sqrt(1 - x * x), saves="args", domain=UNIT)
arctan = _elementwise(np.arctan, lambda g, ans, x: g / (x * x + 1), saves="args")
