"""Forward mode: values that carry a tangent, pushed through each op as it runs.

A forward trace boxes each input with its tangent (a :class:`Dual`). A primitive
applied to duals computes its output as usual and its output tangent from the JVP
rules declared beside the VJP rules: one rule per positional argument,
``rule(t, ans, *args, **kw)``, whose contributions are summed; ``LINEAR`` means the op
applied to the tangents; ``ZERO`` means the argument carries no derivative. Rules
are written with funcgrad.numpy, so forward mode nests with itself and with reverse
mode (forward-over-reverse Hessian-vector products, reverse-over-forward, ...).
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import _errors
from funcgrad._core import LINEAR, ZERO, Trace, Traced


class Dual(Traced):
    """A traced value of forward mode: a primal value and its tangent."""

    __slots__ = ("_tangent",)

    def __init__(self, value, trace, tangent):
        self._value = value
        self._trace = trace
        self._node = None
        self._tangent = tangent


class JVPTrace(Trace):
    """A trace that pushes tangents forward as the function runs."""

    __slots__ = ()

    def process(self, prim, args, kwargs):
        """Apply ``prim`` to primals and push its arguments' tangents through it."""
        vals = list(args)
        tans = [None] * len(args)
        lower = False
        for i, a in enumerate(args):
            if isinstance(a, Traced):
                if a._trace is self:
                    v = vals[i] = a._value
                    tans[i] = a._tangent
                    lower = lower or isinstance(v, Traced)
                else:
                    lower = True
        if lower and not prim.eager:
            ans = prim.fn(*vals, **kwargs)
        else:
            ans = prim.impl(*vals, **kwargs)
        if prim.multiple_results:
            ans = tuple(ans)
        tangent = push(prim, ans, vals, tans, kwargs)
        if tangent is None:
            return ans
        if prim.multiple_results:
            return tuple(Dual(a, self, t) for a, t in zip(ans, tangent))
        return Dual(ans, self, tangent)

    # process1 and process2: process for the one- and two-argument ops with per-argument
    # or LINEAR rules (the elementwise hot path), unrolled. The caller guarantees that
    # every traced argument belongs to this trace.
    def process1(self, prim, x, kwargs):
        rule = prim.jvp
        if rule is None or not (rule is LINEAR or type(rule) is tuple):
            return self.process(prim, (x,), kwargs)
        v = x._value
        ans = prim.fn(v, **kwargs) if isinstance(v, Traced) else prim.impl(v, **kwargs)
        if rule is LINEAR:
            out = prim.fn(x._tangent, **kwargs)
        elif rule[0] is ZERO:
            return ans
        else:
            out = rule[0](x._tangent, ans, v, **kwargs)
        return Dual(ans, self, _fit(prim, out, ans))

    def process2(self, prim, x, y, kwargs):
        rule = prim.jvp
        if type(rule) is not tuple:
            return self.process(prim, (x, y), kwargs)
        if isinstance(x, Traced):
            xv, tx = x._value, x._tangent
        else:
            xv, tx = x, None
        if isinstance(y, Traced):
            yv, ty = y._value, y._tangent
        else:
            yv, ty = y, None
        if isinstance(xv, Traced) or isinstance(yv, Traced):
            ans = prim.fn(xv, yv, **kwargs)
        else:
            ans = prim.impl(xv, yv, **kwargs)
        out = None
        if tx is not None and rule[0] is not ZERO:
            out = rule[0](tx, ans, xv, yv, **kwargs)
        if ty is not None and rule[1] is not ZERO:
            c = rule[1](ty, ans, xv, yv, **kwargs)
            out = c if out is None else fnp.add(out, c)
        if out is None:
            return ans
        return Dual(ans, self, _fit(prim, out, ans))


def push(prim, ans, vals, tans, kwargs):
    """The output tangent of ``prim`` from its arguments' tangents (None: no tangent)."""
    rule = prim.jvp
    if rule is None:
        raise NotImplementedError(_errors.NO_JVP_RULE.format(prim=prim.name))
    joint = getattr(rule, "joint", None)
    if joint is not None:  # one rule for all tangents at once (custom_jvp, checkpoint)
        out = joint(ans, vals, tans, kwargs)
    elif rule is LINEAR:
        targs = [fnp.zeros_like(v) if t is None else t for v, t in zip(vals, tans)]
        out = prim.fn(*targs, **kwargs)
    else:
        rules = rule if isinstance(rule, tuple) or prim.variadic else (rule,)
        out = None
        for i, t in enumerate(tans):
            if t is None:
                continue
            r = rules[i]
            if r is ZERO:
                continue
            c = r(t, ans, *vals, **kwargs)
            if out is None:
                out = c
            elif prim.multiple_results:
                out = tuple(fnp.add(a, b) for a, b in zip(out, c))
            else:
                out = fnp.add(out, c)
        if out is None:
            return None
    if prim.multiple_results:
        return tuple(_fit(prim, o, a) for o, a in zip(out, ans))
    return _fit(prim, out, ans)


def _fit(prim, out, ans):
    """Broadcast a tangent to its output's shape and cast it to its dtype."""
    shape = ans.shape if hasattr(ans, "shape") else np.shape(ans)
    dtype = ans.dtype if hasattr(ans, "dtype") else np.asarray(ans).dtype
    if out.shape == shape and out.dtype == dtype:
        return out
    if out.shape != shape:
        try:
            out = fnp.broadcast_to(out, shape)
        except ValueError:
            raise _errors.RuleError(
                _errors.BAD_TANGENT.format(
                    prim=prim.name,
                    got=_errors.describe_value(out),
                    want=_errors.describe_value(ans),
                )
            ) from None
    if out.dtype != dtype:
        out = fnp.astype(out, dtype)
    return out
