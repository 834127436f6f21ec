"""Trace levels, traced values (boxes), nodes, binding, and the backward pass.

How it fits together:

* Every transform (and every :class:`funcgrad.Tape`) opens a *trace* with a level
  drawn from one global counter, so a trace opened later (an inner transform) always
  has a higher level than the ones it runs inside. There is no per-thread stack to
  keep in sync: concurrent transforms in different threads never share a trace.
* A watched value becomes a :class:`Traced` box: its concrete value, its trace and
  the graph :class:`Node` that produced it.
* A primitive called with boxes finds the highest live level among them, unboxes
  those arguments, calls itself on the rest (so lower levels record too) and boxes
  the result with a node holding the primitive, the saved inputs and output.
* The backward pass walks the nodes iteratively: it counts children, then pops nodes
  whose consumers are all done, so any depth of graph is fine.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from funcgrad import _errors

_next_level = itertools.count(1).__next__


class _Zero:
    """Marker for an argument with no gradient (an index, a condition, a shape)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ZERO"


#: Put in a VJP tuple for an argument through which no gradient flows.
ZERO = _Zero()


class _Linear:
    """Marker for a JVP rule that is the op itself applied to the tangent."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "LINEAR"


#: A JVP rule for an op linear in its array arguments: the tangent is the op applied
#: to the tangents (zeros for arguments that carry none).
LINEAR = _Linear()


class UnexpectedTracerError(RuntimeError):
    """A traced value was used after the transform that created it had returned."""


class Trace:
    """One recording context: a level, a name for messages, and whether it is open."""

    __slots__ = ("level", "name", "alive")

    def __init__(self, name: str):
        self.level = _next_level()
        self.name = name
        self.alive = True

    def __repr__(self) -> str:
        state = "open" if self.alive else "closed"
        return f"<{type(self).__name__} {self.name!r} level={self.level} {state}>"


class _Shaped:
    """``ndim`` and ``size`` from ``shape``, for the array-like classes below."""

    __slots__ = ()

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


class ShapeDtype(_Shaped):
    """Stands in for a forward value whose contents the VJP rules never read."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = shape
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"ShapeDtype({self.shape}, {self.dtype})"


#: Arrays up to this size are kept as they are: a stand-in would cost more than it frees.
_KEEP_BYTES = 4096


def _spec(v):
    if type(v) is np.ndarray and v.nbytes > _KEEP_BYTES:
        return ShapeDtype(v.shape, v.dtype)
    return v


class Node:
    """One recorded op: primitive, saved inputs and output, and parent nodes.

    ``parents`` holds ``(argnum, node)`` pairs for the inputs that were traced at
    this level; a watched input (a leaf) has a node with no primitive and no parents.
    """

    __slots__ = ("prim", "args", "kwargs", "ans", "parents", "__weakref__")

    def __init__(self, prim, args, kwargs, ans, parents):
        self.prim = prim
        self.args = args
        self.kwargs = kwargs
        self.ans = ans
        self.parents = parents

    def __repr__(self) -> str:
        name = self.prim.name if self.prim is not None else "leaf"
        return f"<Node {name}>"


class Traced(_Shaped):
    """A value being traced by a transform; behaves like the ndarray it wraps.

    Operators and ndarray-style methods are attached by ``funcgrad.numpy`` so that
    they call the registered ops.
    """

    __slots__ = ("_value", "_trace", "_node")
    __array_priority__ = 1000
    __hash__ = None  # type: ignore[assignment]  # like ndarray: unhashable

    def __init__(self, value, trace, node):
        self._value = value
        self._trace = trace
        self._node = node

    # --- what code may read without leaving the trace -----------------------------
    @property
    def shape(self) -> tuple:
        return self._value.shape

    @property
    def dtype(self):
        return self._value.dtype

    def __len__(self) -> int:
        shape = self.shape
        if not shape:
            raise TypeError("len() of unsized object (a 0-d traced value)")
        return shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Traced({concrete(self)!r}, level={self._trace.level})"

    # --- silent escapes are refused ---------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError(_errors.ASARRAY_ON_TRACED.format(trace=self._trace.name))

    def __float__(self):
        raise TypeError(_errors.CONVERT_TRACED.format(kind="float", trace=self._trace.name))

    def __int__(self):
        raise TypeError(_errors.CONVERT_TRACED.format(kind="int", trace=self._trace.name))

    def __complex__(self):
        raise TypeError(_errors.CONVERT_TRACED.format(kind="complex", trace=self._trace.name))

    def __setitem__(self, index, value):
        raise TypeError(_errors.SETITEM_ON_TRACED)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        fn = NUMPY_DISPATCH.get(ufunc)
        if fn is None or method != "__call__" or "out" in kwargs:
            what = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
            if "out" in kwargs:
                raise TypeError(_errors.NUMPY_OUT_ON_TRACED.format(func=what))
            raise TypeError(_errors.no_rule_message(what, ufunc.__name__))
        kwargs.pop("dtype", None) if kwargs.get("dtype") is None else None
        return fn(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if kwargs.get("out") is not None:
            what = f"numpy.{getattr(func, '__name__', func)}"
            raise TypeError(_errors.NUMPY_OUT_ON_TRACED.format(func=what))
        fn = NUMPY_DISPATCH.get(func)
        if fn is None:
            name = getattr(func, "__name__", repr(func))
            module = getattr(func, "__module__", "numpy") or "numpy"
            raise TypeError(_errors.no_rule_message(f"{module}.{name}", name))
        return fn(*args, **kwargs)


#: numpy callable -> funcgrad.numpy function, filled by funcgrad.numpy at import.
NUMPY_DISPATCH: dict[Any, Any] = {}


def concrete(x):
    """Strip every level of tracing from ``x`` (no gradient flows through the result).

    Example:
        >>> import funcgrad as fg
        >>> from funcgrad.extend import concrete
        >>> float(fg.grad(lambda x: x * concrete(x))(3.0))  # d/dx of x * (constant 3)
        3.0
    """
    while isinstance(x, Traced):
        x = x._value
    return x


def is_traced(x) -> bool:
    """Whether ``x`` is a value being traced by some transform.

    Example:
        >>> import funcgrad as fg
        >>> from funcgrad.extend import is_traced
        >>> seen = []
        >>> _ = fg.grad(lambda x: seen.append(is_traced(x)) or x)(1.0)
        >>> seen, is_traced(1.0)
        ([True], False)
    """
    return isinstance(x, Traced)


def leaked(trace):
    raise UnexpectedTracerError(_errors.LEAKED_TRACER.format(trace=trace.name, level=trace.level))


def bind(prim, args, kwargs):
    """Apply ``prim`` to arguments of which at least one is traced."""
    top = None
    for a in args:
        if isinstance(a, Traced):
            t = a._trace
            if not t.alive:
                leaked(t)
            if top is None or t.level > top.level:
                top = t
    return top.process(prim, args, kwargs)
