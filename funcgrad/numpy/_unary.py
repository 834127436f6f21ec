"""Elementwise functions of one array.

Each rule is written with funcgrad.numpy (operators on traced values dispatch to it),
so every rule differentiates again. ``saves`` says what a rule reads, so the trace
keeps nothing else alive (``tanh`` keeps only its output, like PyTorch's rule).
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._primitive import NONZERO, POSITIVE, UNIT, defop

# The rules below refer to these names, bound when this module has run.
# (cos refers to sin and the other way round, so they look each other up lazily.)

negative = defop(np.negative, vjp=lambda g, ans, x: -g, saves="shapes")
positive = defop(np.positive, vjp=lambda g, ans, x: g, saves="shapes")


def _abs_vjp(g, ans, x):
    return g * fnp.sign(x)


absolute = defop(np.absolute, name="absolute", vjp=_abs_vjp, saves="args", domain=NONZERO)
abs = absolute  # noqa: A001  (numpy's alias)

exp = defop(np.exp, vjp=lambda g, ans, x: g * ans, saves="ans")
log = defop(np.log, vjp=lambda g, ans, x: g / x, saves="args", domain=POSITIVE)
log1p = defop(np.log1p, vjp=lambda g, ans, x: g / (x + 1), saves="args", domain=POSITIVE)
expm1 = defop(np.expm1, vjp=lambda g, ans, x: g * (ans + 1), saves="ans")
sqrt = defop(np.sqrt, vjp=lambda g, ans, x: g / (ans * 2), saves="ans", domain=POSITIVE)
square = defop(np.square, vjp=lambda g, ans, x: g * (x * 2), saves="args")

sin = defop(np.sin, vjp=lambda g, ans, x: g * cos(x), saves="args")
cos = defop(np.cos, vjp=lambda g, ans, x: -g * sin(x), saves="args")
tan = defop(np.tan, vjp=lambda g, ans, x: g * (ans * ans + 1), saves="ans", domain=UNIT)
def _tanh_vjp(g, ans, x):
    """``g * (1 - tanh(x)**2)`` from the output, as PyTorch and JAX compute it."""
    if type(g) is np.ndarray and type(ans) is np.ndarray and ans.ndim:
        # Plain arrays (no outer trace): one temporary, updated in place, instead of
        # three. Fewer allocations in the backward pass of every tanh network.
        d = ans * ans
        np.subtract(1, d, out=d)
        return np.multiply(g, d, out=d)
    return g * (1 - ans * ans)


tanh = defop(np.tanh, vjp=_tanh_vjp, saves="ans")  # keeps only the output
sinh = defop(np.sinh, vjp=lambda g, ans, x: g * cosh(x), saves="args")
cosh = defop(np.cosh, vjp=lambda g, ans, x: g * sinh(x), saves="args")
arcsin = defop(np.arcsin, vjp=lambda g, ans, x: g / sqrt(1 - x * x), saves="args", domain=UNIT)
arccos = defop(np.arccos, vjp=lambda g, ans, x: -g / sqrt(1 - x * x), saves="args", domain=UNIT)
arctan = defop(np.arctan, vjp=lambda g, ans, x: g / (x * x + 1), saves="args")
