"""Rules of your own for a whole function: custom_vjp, custom_jvp, and checkpoint.

Each wraps a Python function of pytrees in a one-off primitive over the flattened
leaves of its arguments, with as many outputs as the result has leaves, so that the
tracing machinery (levels, nesting, both modes) treats it like any other op.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import _core, _tree
from funcgrad._core import Traced, bind
from funcgrad._primitive import REAL, Primitive, _VariadicRules, _wrap

__all__ = ["custom_vjp", "custom_jvp", "checkpoint"]


class _State:
    """Per-call data shared by a custom primitive's impl and its rules."""

    __slots__ = ("in_def", "out_def", "residuals", "cts_for", "cts")

    def __init__(self, in_def):
        self.in_def = in_def
        self.out_def = None
        self.residuals = None
        self.cts_for = None
        self.cts = None


class _Joint:
    """A JVP rule that takes every tangent at once (see funcgrad._forward.push)."""

    __slots__ = ("joint",)

    def __init__(self, joint):
        self.joint = joint


def _primitive(name, impl, rule, jvp, saves="all", eager=False):
    prim = Primitive(
        name, impl, _VariadicRules(rule), jvp, False, saves, REAL, {}, True, True, eager
    )
    prim.fn = _wrap(prim)
    return prim


def _call(prim, fun, args):
    """Call ``fun`` as itself when nothing is traced, else through its primitive."""
    leaves, in_def = _tree.flatten(args)
    if not any(isinstance(x, Traced) for x in leaves):
        return fun(*args)
    state = _State(in_def)
    outs = bind(prim, tuple(leaves), {"state": state})
    return _tree.unflatten(state.out_def, list(outs))


def _filled(base, positions, values):
    """``base`` (a list of leaves) with ``values`` put at ``positions``."""
    full = list(base)
    for k, v in zip(positions, values):
        full[k] = v
    return full


def _pull_once(state, i, g, leaves, make_fun, point):
    """Cotangent of leaf i from the VJP of ``make_fun(floats)`` at ``point(k)``.

    ``floats`` are the positions of the floating-point leaves (the only ones with
    cotangents). Computed once per backward pass (per ``g``) and shared by every leaf.
    """
    if state.cts_for is not g:
        from funcgrad._transforms import vjp

        floats = [k for k, x in enumerate(leaves) if _is_float(x)]
        _, pull = vjp(make_fun(floats), *[point(k) for k in floats])
        state.cts = dict(zip(floats, pull(tuple(g))))
        state.cts_for = g
    return state.cts.get(i)


def _leaves_tree(state, g):
    """The output cotangent (a tuple over output leaves) as a pytree."""
    return _tree.unflatten(state.out_def, list(g))


def _is_float(x) -> bool:
    dtype = x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype
    return np.issubdtype(dtype, np.inexact)


def _check_cotangents(name, args, cts):
    """bwd's result: one cotangent per argument, shaped like it; None means zero."""
    if not isinstance(cts, (tuple, list)) or len(cts) != len(args):
        got = f"a {type(cts).__name__}" + (
            f" of length {len(cts)}" if isinstance(cts, (tuple, list)) else ""
        )
        raise TypeError(
            f"custom_vjp {name}: bwd must return a tuple with one cotangent per positional "
            f"argument ({len(args)}), got {got}. Use None for an argument with no gradient."
        )
    flat = []
    for i, (a, c) in enumerate(zip(args, cts)):
        a_leaves, a_def = _tree.flatten(a)
        if c is None:
            flat.extend(fnp.zeros_like(_core.concrete(x)) for x in a_leaves)
            continue
        c_leaves, c_def = _tree.flatten(c)
        if c_def != a_def:
            raise ValueError(
                f"custom_vjp {name}: bwd's cotangent {i} has structure {c_def}, but "
                f"argument {i} has {a_def}; return cotangents shaped like the arguments."
            )
        for x, cx in zip(a_leaves, c_leaves):
            if np.shape(_core.concrete(cx)) != np.shape(_core.concrete(x)):
                raise ValueError(
                    f"custom_vjp {name}: bwd's cotangent {i} has shape "
                    f"{np.shape(_core.concrete(cx))}, but argument {i} has shape "
                    f"{np.shape(_core.concrete(x))}."
                )
            flat.append(fnp.astype(cx, x.dtype) if cx.dtype != x.dtype else cx)
    return flat


class custom_vjp:
    """Give a function a reverse-mode rule of your own (``defvjp(fwd, bwd)``).

    ``fwd(*args)`` returns ``(output, residuals)``; ``bwd(residuals, g)`` returns a tuple
    with one cotangent per positional argument (``None`` for zero). Without tracing,
    calling the function calls it as written. Forward mode through a ``custom_vjp``
    function is an error: use :class:`custom_jvp` for that. Under nested reverse
    transforms the outer ones differentiate ``fwd`` and ``bwd`` as written.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> @fg.custom_vjp
        ... def clip_gradient(x):
        ...     return x
        >>> def fwd(x):
        ...     return x, None
        >>> def bwd(_, g):
        ...     return (fnp.clip(g, -1.0, 1.0),)
        >>> clip_gradient.defvjp(fwd, bwd)
        >>> fg.grad(lambda x: 5.0 * clip_gradient(x))(2.0)
        np.float64(1.0)
    """

    def __init__(self, fun: Callable[..., Any]):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.fwd: Callable[..., Any] | None = None
        self.bwd: Callable[..., Any] | None = None
        name = getattr(fun, "__name__", "f")
        self._prim = _primitive(
            f"custom_vjp[{name}]",
            self._impl,
            self._rule,
            _VariadicRules(self._no_jvp),
            eager=True,
        )

    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any]) -> None:
        """Set the forward function (output, residuals) and the backward function."""
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args):
        if self.fwd is None:
            raise TypeError(
                f"custom_vjp {self.__name__}: call {self.__name__}.defvjp(fwd, bwd) "
                "before using it."
            )
        return _call(self._prim, self.fun, args)

    def _impl(self, *leaves, state):
        res = self.fwd(*_tree.unflatten(state.in_def, list(leaves)))
        if not (isinstance(res, tuple) and len(res) == 2):
            raise TypeError(
                f"custom_vjp {self.__name__}: fwd must return a pair (output, residuals); "
                f"got {type(res).__name__}."
            )
        out, state.residuals = res
        out_leaves, state.out_def = _tree.flatten(out)
        return tuple(out_leaves)

    def _rule(self, i, g, ans, *leaves, state):
        if state.cts_for is not g:  # once per backward pass, shared by every argument
            args = _tree.unflatten(state.in_def, list(leaves))
            cts = self.bwd(state.residuals, _leaves_tree(state, g))
            state.cts = _check_cotangents(self.__name__, args, cts)
            state.cts_for = g
        return state.cts[i]

    def _no_jvp(self, i, t, ans, *leaves, state):
        raise TypeError(
            f"{self.__name__} has a custom VJP (custom_vjp) but no forward-mode rule, so "
            "jvp, jacfwd and hessian cannot pass through it. Use reverse mode (grad, "
            "jacrev), or define the function with funcgrad.custom_jvp instead."
        )


class custom_jvp:
    """Give a function a forward-mode rule of your own; reverse mode is derived from it.

    ``@f.defjvp`` decorates ``rule(primals, tangents) -> (output, output_tangent)``,
    which must be linear in the tangents. Reverse mode transposes that linear map
    (the VJP of the tangent computation), so ``grad`` works too. The rule applies
    at every level of nested transforms.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> @fg.custom_jvp
        ... def softplus(x):  # log(1 + e^x), computed without overflow
        ...     return fnp.maximum(x, 0.0) + fnp.log1p(fnp.exp(-fnp.abs(x)))
        >>> @softplus.defjvp
        ... def _(primals, tangents):
        ...     (x,), (t,) = primals, tangents
        ...     return softplus(x), t / (1.0 + fnp.exp(-x))  # the sigmoid, smooth at 0
        >>> float(fg.grad(softplus)(0.0)), float(fg.grad(softplus)(800.0))
        (0.5, 1.0)
    """

    def __init__(self, fun: Callable[..., Any]):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.rule: Callable[..., Any] | None = None
        name = getattr(fun, "__name__", "f")
        self._prim = _primitive(f"custom_jvp[{name}]", self._impl, self._vjp, _Joint(self._jvp))

    def defjvp(self, rule: Callable[..., Any]) -> Callable[..., Any]:
        """Set the forward-mode rule; returns it, so it can be used as a decorator."""
        self.rule = rule
        return rule

    def __call__(self, *args):
        if self.rule is None:
            raise TypeError(
                f"custom_jvp {self.__name__}: decorate a rule with @{self.__name__}.defjvp "
                "before using it."
            )
        return _call(self._prim, self.fun, args)

    def _impl(self, *leaves, state):
        out = self.fun(*_tree.unflatten(state.in_def, list(leaves)))
        out_leaves, state.out_def = _tree.flatten(out)
        return tuple(out_leaves)

    def _tangents(self, leaves, tangent_leaves, state):
        primals = _tree.unflatten(state.in_def, list(leaves))
        tangents = _tree.unflatten(state.in_def, list(tangent_leaves))
        res = self.rule(tuple(primals), tuple(tangents))
        if not (isinstance(res, tuple) and len(res) == 2):
            raise TypeError(
                f"custom_jvp {self.__name__}: the rule must return (output, output_tangent)."
            )
        return tuple(_tree.leaves(res[1]))

    def _jvp(self, ans, vals, tans, kwargs):
        tans = [fnp.zeros_like(_core.concrete(v)) if t is None else t for v, t in zip(vals, tans)]
        return self._tangents(vals, tans, kwargs["state"])

    def _vjp(self, i, g, ans, *leaves, state):
        # The tangent map is linear in the tangents: its VJP (at zero) is the transpose.
        zeros = [fnp.zeros_like(_core.concrete(x)) for x in leaves]

        def tangent_map(floats):
            return lambda *ts: self._tangents(leaves, _filled(zeros, floats, ts), state)

        return _pull_once(state, i, g, leaves, tangent_map, lambda k: zeros[k])


def checkpoint(fun: Callable[..., Any]) -> Callable[..., Any]:
    """Recompute ``fun``'s forward pass during the backward pass instead of storing it.

    Only the inputs are kept; the intermediates of ``fun`` are freed after the forward
    pass and rebuilt when the gradient needs them, trading compute for memory.
    Gradients are identical to those of ``fun``.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> block = fg.checkpoint(lambda x: fnp.tanh(fnp.tanh(x)))
        >>> g1 = fg.grad(lambda x: fnp.sum(block(x)))(np.ones(3))
        >>> g2 = fg.grad(lambda x: fnp.sum(fnp.tanh(fnp.tanh(x))))(np.ones(3))
        >>> bool(np.array_equal(g1, g2))
        True
    """
    name = getattr(fun, "__name__", "f")

    def impl(*leaves, state):
        out = fun(*_tree.unflatten(state.in_def, list(leaves)))
        out_leaves, state.out_def = _tree.flatten(out)
        return tuple(out_leaves)

    def flat_fun(state, leaves, floats):
        def run(*xs):
            full = _filled(leaves, floats, xs)
            return tuple(_tree.leaves(fun(*_tree.unflatten(state.in_def, full))))

        return run

    def rule(i, g, ans, *leaves, state):
        # Rematerialise: run fun again, under a fresh tape, and pull g back through it.
        return _pull_once(
            state, i, g, leaves, lambda floats: flat_fun(state, leaves, floats), leaves.__getitem__
        )

    def jvp(ans, vals, tans, kwargs):
        from funcgrad._jacobian import jvp as forward

        state = kwargs["state"]
        floats = [k for k, x in enumerate(vals) if _is_float(x)]
        ts = [
            fnp.zeros_like(_core.concrete(vals[k])) if tans[k] is None else tans[k] for k in floats
        ]
        run = flat_fun(state, vals, floats)
        return forward(run, tuple(vals[k] for k in floats), tuple(ts))[1]

    prim = _primitive(f"checkpoint[{name}]", impl, rule, _Joint(jvp), saves="args")

    @functools.wraps(fun)
    def checkpointed(*args):
        return _call(prim, fun, args)

    return checkpointed
