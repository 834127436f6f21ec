"""The Primitive record, the registry, and ``defop``: one declaration per op.

A primitive is a numpy function plus everything funcgrad knows about it: one VJP
rule per positional array argument, whether it is differentiable at all, which of its
inputs the rules need to keep alive, and the data the gradient-check table uses to
test it (input domain, shapes, parameters).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from funcgrad import _core
from funcgrad._core import LINEAR, ZERO, Traced, bind

__all__ = [
    "LINEAR",
    "ZERO",
    "Primitive",
    "defop",
    "export",
    "registry",
    "primitive_of",
    "REAL",
    "POSITIVE",
    "NONZERO",
    "UNIT",
    "ABOVE_ONE",
    "OPEN_UNIT",
    "DIVISOR",
    "WELL_CONDITIONED",
]

# --- input domains: names the gradient-check table understands ----------------------
REAL = "real"  #: any finite value
POSITIVE = "positive"  #: strictly positive values, kept away from zero
NONZERO = "nonzero"  #: values kept away from zero
UNIT = "unit"  #: values strictly inside (-1, 1)
ABOVE_ONE = "above_one"  #: values strictly greater than 1
OPEN_UNIT = "open_unit"  #: values strictly inside (0, 1), kept away from both ends
#: nonzero values on a grid incommensurate with REAL's, so that x / y is never near an
#: integer (where mod, fmod and remainder jump)
DIVISOR = "divisor"
#: matrices drawn in [-2, 2] with the diagonal s, 2s, 3s, ... (s = 3 (m + n)) added in
#: the last two axes: invertible (full rank), eigenvalues and singular values far
#: apart, positive definite symmetric parts: every linalg rule is defined there.
WELL_CONDITIONED = "well_conditioned"


#: What a primitive's VJP rules need from the forward pass. "all" keeps inputs and
#: output; "ans" keeps the output and only the shapes of the inputs; "args" keeps
#: the inputs and only the shape of the output; "shapes" keeps shapes only.
_SAVES = ("all", "ans", "args", "shapes")


class Primitive:
    """Everything funcgrad knows about one differentiable (or non-differentiable) op."""

    __slots__ = (
        "name",
        "impl",
        "vjps",
        "jvp",
        "nondiff",
        "saves",
        "domain",
        "check",
        "fn",
        "save_args",
        "save_ans",
        "variadic",
        "multiple_results",
        "eager",
        "module",
        "fast",
        "unbroadcast",
    )

    def __init__(
        self,
        name,
        impl,
        vjps,
        jvp,
        nondiff,
        saves,
        domain,
        check,
        variadic=False,
        multiple_results=False,
        eager=False,
    ):
        if saves not in _SAVES:
            raise ValueError(f"defop({name}): saves must be one of {_SAVES}, got {saves!r}")
        self.name = name
        self.impl = impl
        self.vjps = vjps
        self.jvp = jvp
        self.nondiff = nondiff
        self.saves = saves
        self.save_args = saves in ("all", "args")
        self.save_ans = saves in ("all", "ans")
        self.domain = domain
        self.check = check or {}
        self.variadic = variadic
        self.multiple_results = multiple_results
        self.eager = eager
        self.module = ""
        self.fn: Callable[..., Any] = impl
        #: ``impl`` for numpy values without keywords, where something quicker computes
        #: the same (``operator.mul`` for ``multiply``: numpy scalars skip the ufunc).
        self.fast = impl
        #: The VJP rules return cotangents shaped like the (broadcast) output; the
        #: backward pass sums them back to each argument's shape and dtype, only when
        #: they differ (elementwise ops of several arrays).
        self.unbroadcast = False

    @property
    def arity(self) -> int:
        """Number of positional array arguments (0 means variadic)."""
        if self.variadic or self.vjps is None:
            return 0
        return len(self.vjps)

    def __repr__(self) -> str:
        kind = "nondiff" if self.nondiff else f"arity={self.arity}"
        return f"Primitive({self.name}, {kind})"


class _VariadicRules:
    """The per-argument view of a variadic op's single rule: ``rules[i]``."""

    __slots__ = ("rule",)

    def __init__(self, rule):
        self.rule = rule

    def __getitem__(self, i):
        rule = self.rule
        return lambda g, ans, *args, **kw: rule(i, g, ans, *args, **kw)


_REGISTRY: dict[str, Primitive] = {}
_BY_FUNCTION: dict[int, Primitive] = {}


def registry() -> dict[str, Primitive]:
    """Return a copy of the registry: primitive name -> Primitive.

    Example:
        >>> from funcgrad.extend import registry
        >>> registry()["sin"]
        Primitive(sin, arity=1)
    """
    return dict(_REGISTRY)


def primitive_of(fn: Callable[..., Any]) -> Primitive | None:
    """Return the primitive behind a funcgrad.numpy function, or None.

    Example:
        >>> import funcgrad.numpy as fnp
        >>> from funcgrad.extend import primitive_of
        >>> primitive_of(fnp.ravel).name, primitive_of(print)
        ('reshape', None)
    """
    return _BY_FUNCTION.get(id(fn))


def export(fn: Callable[..., Any], prim: Primitive) -> Callable[..., Any]:
    """Mark ``fn`` (a thin public wrapper, e.g. with numpy's signature) as ``prim``'s."""
    _BY_FUNCTION[id(fn)] = prim
    return fn


def _wrap(prim: Primitive) -> Callable[..., Any]:
    """Build the public function: plain values go straight to numpy, traced ones bind."""
    impl = prim.impl
    if prim.nondiff:
        concrete = _core.concrete

        def op(*args, **kwargs):
            for a in args:
                if isinstance(a, Traced):
                    return impl(*[concrete(b) for b in args], **kwargs)
            return impl(*args, **kwargs)

    elif prim.arity == 1 and not (prim.multiple_results or prim.eager):
        leaked = _core.leaked

        def op(x, **kwargs):
            if isinstance(x, Traced):
                t = x._trace
                if t.alive:
                    return t.process1(prim, x, kwargs)
                leaked(t)
            return impl(x, **kwargs)

    elif prim.arity == 2 and not (prim.multiple_results or prim.eager):
        leaked = _core.leaked

        def op(x, y, **kwargs):
            if isinstance(x, Traced):
                t = x._trace
                if isinstance(y, Traced) and y._trace is not t:
                    return bind(prim, (x, y), kwargs)  # two levels: the general path
            elif isinstance(y, Traced):
                t = y._trace
            else:
                return impl(x, y, **kwargs)
            if t.alive:
                return t.process2(prim, x, y, kwargs)
            leaked(t)

    else:

        def op(*args, **kwargs):  # type: ignore[misc]
            for a in args:
                if isinstance(a, Traced):
                    return bind(prim, args, kwargs)
            return impl(*args, **kwargs)

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = getattr(impl, "__doc__", None)
    return op


#: The keywords of an operator call: none (shared, so never written into).
_NO_KWARGS: Any = MappingProxyType({})


def operator_methods(fn: Callable[..., Any]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``x.__op__`` and ``x.__rop__`` for Traced, from a two-argument public function.

    An operator never has keywords and its ``self`` is always traced, so the methods
    go straight to the trace: no keyword dict, no argument swapping frame.
    """
    prim = primitive_of(fn)
    if prim is None or prim.arity != 2 or prim.multiple_results or prim.eager or prim.nondiff:
        return fn, lambda self, other: fn(other, self)
    leaked = _core.leaked

    def method(self, other):
        t = self._trace
        if isinstance(other, Traced) and other._trace is not t:
            return bind(prim, (self, other), {})
        if t.alive:
            return t.process2(prim, self, other, _NO_KWARGS)
        leaked(t)

    def rmethod(self, other):
        t = self._trace
        if isinstance(other, Traced) and other._trace is not t:
            return bind(prim, (other, self), {})
        if t.alive:
            return t.process2(prim, other, self, _NO_KWARGS)
        leaked(t)

    method.__name__ = method.__qualname__ = f"__{prim.name}__"
    rmethod.__name__ = rmethod.__qualname__ = f"__r{prim.name}__"
    return method, rmethod


def defop(
    impl: Callable[..., Any],
    *,
    name: str | None = None,
    vjp: Any = None,
    jvp: Any = None,
    nondiff: bool = False,
    variadic: bool = False,
    multiple_results: bool = False,
    saves: str = "all",
    domain: Any = REAL,
    check: dict | None = None,
) -> Callable[..., Any]:
    """Declare a primitive once, with its rules, and return its public function.

    Args:
        impl: the numpy function computing the op on plain arrays. Positional
            arguments are arrays; everything else is passed as keywords.
        name: registry name (defaults to ``impl.__name__``).
        vjp: one rule per positional array argument, ``rule(g, ans, *args, **kw)``
            returning the cotangent for that argument, written with funcgrad.numpy
            so that it differentiates again; ``ZERO`` where no gradient flows. A
            single callable is accepted for a one-argument op.
        jvp: the forward-mode rules, one per positional array argument,
            ``rule(t, ans, *args, **kw)`` returning that argument's contribution to
            the output tangent (contributions are summed, then broadcast to the
            output's shape); ``ZERO`` where no derivative flows; or ``LINEAR`` for
            an op linear in its array arguments (the tangent is the op applied to
            the tangents). A single callable is accepted for a one-argument op.
        variadic: the op takes any number of array arguments (concatenate);
            ``vjp`` is then one rule ``rule(i, g, ans, *args, **kw)`` for argument i,
            and so is a callable ``jvp`` (``rule(i, t, ans, *args, **kw)``).
        multiple_results: ``impl`` returns a tuple of arrays (``qr``, ``eigh``): the
            op's function returns a tuple of traced values; its VJP rules receive a
            tuple of cotangents (zeros where an output was unused) and its JVP rules
            return a tuple of tangents.
        nondiff: the op has no derivative (comparisons, argmax, ...): it is called
            on the concrete values and its result carries no trace.
        saves: which forward values the VJP rules read: "all", "ans", "args" or
            "shapes". Values the rules never read are not kept alive by the trace.
        domain: the input domain for the gradient-check table (``REAL``,
            ``POSITIVE``, ...), or a tuple with one domain per argument.
        check: extra data for the gradient-check table (shapes, parameters).

    Returns:
        The public function; it calls numpy directly when no argument is traced.

    Example:
        >>> import numpy as np
        >>> from funcgrad.extend import defop
        >>> cube = defop(lambda x: x**3, name="cube_doc", vjp=lambda g, ans, x: g * 3 * x**2)
        >>> import funcgrad as fg
        >>> float(fg.grad(cube)(2.0))
        12.0
    """
    name = name or impl.__name__
    if name in _REGISTRY:
        raise ValueError(f"defop: a primitive named {name!r} is already registered")
    if not nondiff and vjp is None:
        raise ValueError(
            f"defop({name}): a differentiable op needs vjp rules; pass nondiff=True "
            "for an op without a derivative"
        )
    if variadic:
        vjp = _VariadicRules(vjp)
    elif vjp is not None and not isinstance(vjp, tuple):
        vjp = (vjp,)
    if jvp is not None and jvp is not LINEAR and not isinstance(jvp, tuple):
        jvp = _VariadicRules(jvp) if variadic else (jvp,)
    prim = Primitive(
        name, impl, vjp, jvp, nondiff, saves, domain, check, variadic, multiple_results
    )
    fn = _wrap(prim)
    # The declaring file, for documentation (docs/ops_table.py groups ops by it).
    prim.module = sys._getframe(1).f_globals.get("__name__", "")
    prim.fn = fn
    _REGISTRY[name] = prim
    _BY_FUNCTION[id(fn)] = prim
    return fn
