"""``array`` and ``asarray``: nested lists that mix traced and plain values."""

from __future__ import annotations

import numpy as np

from funcgrad._core import Traced
from funcgrad._primitive import export, primitive_of
from funcgrad.numpy._shape import _stack, astype


def _contains_traced(obj) -> bool:
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, Traced):
            return True
        if isinstance(o, (list, tuple)):
            stack.extend(o)
    return False


def _build(obj):
    """Stack nested lists bottom-up (iteratively) into one traced array."""
    # Post-order walk: each list is replaced by the stack of its built children.
    done: dict[int, object] = {}
    todo = [(obj, False)]
    while todo:
        o, expanded = todo.pop()
        if not isinstance(o, (list, tuple)):
            continue
        if expanded:
            parts = [done[id(c)] if isinstance(c, (list, tuple)) else c for c in o]
            parts = [p if isinstance(p, Traced) else np.asarray(p) for p in parts]
            done[id(o)] = _stack(*parts, axis=0)
        else:
            todo.append((o, True))
            todo.extend((c, False) for c in o)
    return done[id(obj)]


def array(object, dtype=None):
    """Build an array from nested lists; traced elements keep their gradients.

    Example:
        >>> import funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.grad(lambda x: fnp.sum(fnp.array([x, 2.0 * x, 1.0])))(1.0)
        np.float64(3.0)
    """
    if isinstance(object, Traced):
        out = object
    elif _contains_traced(object):
        out = _build(object)
    else:
        return np.array(object, dtype=dtype)
    return out if dtype is None else astype(out, dtype)


def asarray(a, dtype=None):
    """Like :func:`array`, but plain arrays are returned without a copy.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> x = np.ones(2)
        >>> fnp.asarray(x) is x
        True
    """
    if isinstance(a, Traced) or _contains_traced(a):
        return array(a, dtype=dtype)
    return np.asarray(a, dtype=dtype)


export(array, primitive_of(_stack))
export(asarray, primitive_of(_stack))
