"""Error messages: each says the rule, what arrived, and what to do instead."""

from __future__ import annotations

import numpy as np


class RuleError(AssertionError):
    """A differentiation rule returned a cotangent of the wrong shape or dtype."""


ASARRAY_ON_TRACED = (
    "a traced value (traced by {trace}) was converted to a plain numpy "
    "array, which would silently drop its gradient. Use funcgrad.numpy functions "
    "(import funcgrad.numpy as fnp; fnp.sum(x), fnp.exp(x), ...) instead of numpy "
    "ones that copy into a new array, or wrap the value in funcgrad.stop_gradient(x) "
    "if you really want it as a constant."
)

CONVERT_TRACED = (
    "{kind}() of a traced value (traced by {trace}) would drop its "
    "gradient. Keep computing with funcgrad.numpy functions; if you want the number "
    "without its gradient (for logging, or a Python-level decision), use "
    "{kind}(funcgrad.stop_gradient(x)). Comparisons and `if x > 0:` work directly."
)

SETITEM_ON_TRACED = (
    "traced values are immutable: x[i] = v would write into an array that the "
    "gradient computation still needs. Build a new array instead, e.g. with "
    "fnp.where(mask, v, x) or fnp.concatenate([...])."
)

NUMPY_OUT_ON_TRACED = (
    "{func}(..., out=...) on a traced value writes in place, which funcgrad cannot "
    "differentiate. Drop out= and use the returned array."
)

LEAKED_TRACER = (
    "a traced value created by {trace} (trace level {level}) was used after {trace} "
    "returned. Values traced inside a transformed function must not escape it (through "
    "a global, a closure or an attribute). Return the value from the function instead, "
    "or call funcgrad.stop_gradient(x) on it inside the function to keep only its number."
)

BAD_COTANGENT = (
    "the VJP rule of primitive '{prim}' for argument {argnum} returned a cotangent of "
    "{got}, but that argument is {want}. A rule must return a cotangent with exactly "
    "its argument's shape and dtype (undo broadcasting with funcgrad.extend.unbroadcast)."
)


#: ufunc methods whose whole-array meaning has a funcgrad.numpy function.
_UFUNC_REDUCTIONS = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min"}


NO_JVP_RULE = (
    "primitive '{prim}' has no forward-mode (JVP) rule, so jvp, jacfwd and hessian "
    "cannot pass through it. Use reverse mode (grad, vjp, jacrev) for this function, "
    "or declare the op's jvp= rule with funcgrad.extend.defop."
)

BAD_TANGENT = (
    "the JVP rule of primitive '{prim}' returned a tangent of {got}, which does not "
    "broadcast to its output, {want}. A rule's tangent must have the output's shape."
)


GRAPH_FREED = (
    "this graph was already differentiated with retain_graph=False (or by grad / "
    "value_and_grad, which use their recording once), so the values its rules need "
    "are gone. Pass retain_graph=True to the first gradient call to differentiate the "
    "same graph again."
)


def no_rule_message(what: str, name: str) -> str:
    """The message for a numpy function called on a traced value with no rule."""
    import funcgrad.numpy as fnp

    method = what.rsplit(".", 1)[-1]
    if what.endswith(f".{name}.{method}"):  # a ufunc method: numpy.add.reduce, ...
        if method == "reduce" and name in _UFUNC_REDUCTIONS:
            hint = f"call funcgrad.numpy.{_UFUNC_REDUCTIONS[name]} instead"
        elif method == "at":
            hint = (
                "it writes in place, which funcgrad cannot differentiate; build a new "
                "array instead (fnp.where, fnp.concatenate, or indexing and +)"
            )
        else:
            hint = (
                f"funcgrad.numpy has no {name}.{method}; write it from ops funcgrad.numpy "
                "has (broadcasting, reductions), or declare it with funcgrad.extend.defop"
            )
    elif hasattr(fnp, name):
        hint = f"call funcgrad.numpy.{name} instead"
    else:
        hint = (
            f"funcgrad.numpy has no {name} yet; write it from ops funcgrad.numpy has, "
            "or declare it with funcgrad.extend.defop and a VJP rule"
        )
    return (
        f"{what} was called on a traced value, but it has no differentiation rule in "
        f"funcgrad, so its gradient would be lost: {hint}."
    )


def describe_value(x) -> str:
    """``'float32 array of shape (3, 4)'``, for messages."""
    shape = getattr(x, "shape", None)
    dtype = getattr(x, "dtype", None)
    if shape is None or dtype is None:
        return f"a {type(x).__name__} ({x!r:.40})"
    kind = "scalar" if shape == () else "array"
    return f"{np.dtype(dtype).name} {kind} of shape {tuple(shape)}"
