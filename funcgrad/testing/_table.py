"""What the gradient-check table needs to know about an op beyond its declaration."""

from __future__ import annotations

import warnings

import numpy as np

from funcgrad import _primitive

_EXAMPLE_SHAPES = {
    "matmul": ((2, 3), (3, 2)),
    "where": ((3,), (3,), (3,)),
}


def example_inputs(prim, dtype=np.float64):
    """One fixed ``(args, kwargs)`` for ``prim``, from its check data (no hypothesis)."""
    from funcgrad.testing.strategies import DOMAINS

    check = prim.check
    kind = check.get("shapes", "unary")
    kwargs: dict = {}
    if "cases" in check:
        shapes, kwargs = check["cases"][0]
    elif kind == "elementwise":
        shapes = ((3,),) * max(prim.arity, 1)
    elif kind == "reduce":
        shapes, kwargs = ((2, 3),), {"axis": 0}
    else:
        shapes = _EXAMPLE_SHAPES.get(kind, ((3,),))
    domains = prim.domain if isinstance(prim.domain, tuple) else (prim.domain,) * len(shapes)
    args = []
    for i, (shape, dom) in enumerate(zip(shapes, domains)):
        lo, hi, _ = DOMAINS[dom]
        n = int(np.prod(shape, dtype=np.int64))
        v = np.linspace(lo, hi, n + 2)[1:-1].reshape(shape)
        if kind == "where" and "cases" not in check and i == 0:
            v = v > np.mean(v)
        elif np.issubdtype(dtype, np.complexfloating):
            v = v + 0.25j
        args.append(v.astype(v.dtype if v.dtype == bool else dtype))
    return args, dict(kwargs)


def supports_complex(prim) -> bool:
    """Whether the table checks ``prim`` on complex inputs.

    An op says so in its check data (``"complex": False`` for ops defined through an
    ordering, like ``maximum`` or ``sort``); otherwise it does if numpy computes it on
    complex inputs without error or warning.
    """
    flag = prim.check.get("complex")
    if flag is not None:
        return bool(flag)
    if prim.nondiff:
        return False
    args, kwargs = example_inputs(prim, np.complex128)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            prim.impl(*args, **kwargs)
    except Exception:
        return False
    return True


__all__ = ["example_inputs", "supports_complex", "_primitive"]
