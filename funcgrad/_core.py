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
    """Strip every level of tracing from ``x`` (no gradient flows through the result)."""
    while isinstance(x, Traced):
        x = x._value
    return x


def is_traced(x) -> bool:
    """Whether ``x`` is a value being traced by some transform."""
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


class ReverseTrace(Trace):
    """A trace that records nodes for reverse mode."""

    __slots__ = ()

    def process(self, prim, args, kwargs):
        """Record ``prim`` applied to ``args``, at least one traced by this trace."""
        vals = list(args)
        parents = []
        vjps = prim.vjps
        fixed = not prim.variadic
        lower = False
        for i, a in enumerate(args):
            if isinstance(a, Traced):
                if a._trace is self:
                    v = vals[i] = a._value
                    if isinstance(v, Traced):  # traced at an outer level too
                        lower = True
                    if fixed and vjps[i] is ZERO:
                        continue
                    parents.append((i, a._node))
                else:
                    lower = True
        if lower and not prim.eager:
            ans = prim.fn(*vals, **kwargs)
        else:
            ans = prim.impl(*vals, **kwargs)
        if not parents:
            return ans
        saved_args = tuple(vals) if prim.save_args else tuple(map(_spec, vals))
        if prim.multiple_results:
            ans = tuple(ans)
            saved = ans if prim.save_ans else tuple(map(_spec, ans))
            group = Node(prim, saved_args, kwargs, saved, tuple(parents))
            n = len(ans)
            return tuple(
                Traced(a, self, Node(SELECT, (), {"index": k, "n": n}, _spec(a), ((0, group),)))
                for k, a in enumerate(ans)
            )
        saved_ans = ans if prim.save_ans else _spec(ans)
        return Traced(ans, self, Node(prim, saved_args, kwargs, saved_ans, tuple(parents)))

    # process1 and process2 are process for one and two arguments, unrolled: they
    # are the hot path of every elementwise op. The caller guarantees that every
    # traced argument belongs to this trace.
    def process1(self, prim, x, kwargs):
        v = x._value
        if isinstance(v, Traced):
            ans = prim.fn(v, **kwargs)
        elif kwargs:
            ans = prim.impl(v, **kwargs)
        else:
            ans = prim.impl(v)
            kwargs = None
        if not prim.save_args and type(v) is np.ndarray and v.nbytes > _KEEP_BYTES:
            v = ShapeDtype(v.shape, v.dtype)
        saved_ans = ans
        if not prim.save_ans and type(ans) is np.ndarray and ans.nbytes > _KEEP_BYTES:
            saved_ans = ShapeDtype(ans.shape, ans.dtype)
        return Traced(ans, self, Node(prim, (v,), kwargs, saved_ans, ((0, x._node),)))

    def process2(self, prim, x, y, kwargs):
        vjps = prim.vjps
        lower = False
        if isinstance(x, Traced):
            xv = x._value
            lower = isinstance(xv, Traced)
            if isinstance(y, Traced):
                yv = y._value
                lower = lower or isinstance(yv, Traced)
                if vjps[0] is ZERO:
                    parents = ((1, y._node),)
                elif vjps[1] is ZERO:
                    parents = ((0, x._node),)
                else:
                    parents = ((0, x._node), (1, y._node))
            else:
                yv = y
                parents = ((0, x._node),) if vjps[0] is not ZERO else ()
        else:
            xv = x
            yv = y._value
            lower = isinstance(yv, Traced)
            parents = ((1, y._node),) if vjps[1] is not ZERO else ()
        if lower:
            ans = prim.fn(xv, yv, **kwargs)
        elif kwargs:
            ans = prim.impl(xv, yv, **kwargs)
        else:
            ans = prim.impl(xv, yv)
            kwargs = None
        if not parents:
            return ans
        saved = (xv, yv) if prim.save_args else (_spec(xv), _spec(yv))
        saved_ans = ans
        if not prim.save_ans and type(ans) is np.ndarray and ans.nbytes > _KEEP_BYTES:
            saved_ans = ShapeDtype(ans.shape, ans.dtype)
        return Traced(ans, self, Node(prim, saved, kwargs, saved_ans, parents))

    def new_leaf(self, value):
        return Traced(value, self, Node(None, (), None, value, ()))


def backward_pass(roots, seeds, targets, add, consume=False):
    """Propagate cotangents from ``roots`` back to ``targets``; iterative.

    Args:
        roots: output nodes; seeds: their cotangents (same order; repeats add up).
        targets: nodes whose cotangents are wanted.
        add: the function that sums two cotangents (funcgrad.numpy.add, so that the
            backward pass records at outer levels).
        consume: the graph is used this once: each node lets go of its saved values
            as soon as its rules have run, so memory is returned as the pass goes.

    Returns:
        One cotangent per target, ``None`` where no gradient reached it.
    """
    # 1. Count, for every node reachable from the roots, how many consumers it has.
    pending: dict[Node, int] = {}
    stack = []
    for r in roots:
        if r not in pending:
            pending[r] = 0
            stack.append(r)
    while stack:
        for _, p in stack.pop().parents:
            c = pending.get(p)
            if c is None:
                pending[p] = 1
                stack.append(p)
            else:
                pending[p] = c + 1

    # 2. Pop nodes whose consumers are all done; push cotangents to their parents.
    cts: dict[Node, Any] = {}
    for r, s in zip(roots, seeds):
        if s is not None:
            prev = cts.get(r)
            cts[r] = s if prev is None else add(prev, s)
    keep = set(targets)
    owned = set()  # nodes whose cotangent is a fresh sum nobody else holds
    ready = [r for r, c in pending.items() if c == 0]
    while ready:
        n = ready.pop()
        g = cts.get(n) if n in keep else cts.pop(n, None)
        while True:
            prim = n.prim
            parents = n.parents
            if g is not None and type(g) is tuple and prim.multiple_results:
                g = _fill(g, n.ans)
            if len(parents) == 1 and g is not None:
                # Along a chain (one parent, consumed by n alone) the cotangent is
                # handed straight on, without the bookkeeping below.
                argnum, p = parents[0]
                if pending[p] == 1 and p not in keep and p not in cts:
                    kw = n.kwargs
                    if kw:
                        gp = prim.vjps[argnum](g, n.ans, *n.args, **kw)
                    else:
                        gp = prim.vjps[argnum](g, n.ans, *n.args)
                    if consume:
                        n.args = n.ans = n.kwargs = None
                    pending[p] = 0
                    if gp is None:
                        ready.append(p)
                        break
                    _check(prim, argnum, gp, p.ans)
                    n, g = p, gp
                    continue
            for argnum, p in parents:
                left = pending[p] - 1
                pending[p] = left
                if left == 0:
                    ready.append(p)
                if g is None:
                    continue
                kw = n.kwargs
                if kw:
                    gp = prim.vjps[argnum](g, n.ans, *n.args, **kw)
                else:
                    gp = prim.vjps[argnum](g, n.ans, *n.args)
                if gp is None:
                    continue
                _check(prim, argnum, gp, p.ans)
                prev = cts.get(p)
                if prev is None:
                    cts[p] = gp
                elif type(gp) is tuple:
                    cts[p] = _add_tuples(add, prev, gp)
                elif p in owned and type(prev) is np.ndarray and type(gp) is np.ndarray:
                    np.add(prev, gp, out=prev)  # a buffer this pass allocated: add in place
                else:
                    cts[p] = add(prev, gp)
                    if type(cts[p]) is np.ndarray:
                        owned.add(p)
            if consume:
                n.args = n.ans = n.kwargs = None
            break
    return [cts.get(t) for t in targets]


class _Select:
    """The node kind that picks output k of a multiple-results node.

    Its VJP hands the cotangent to the group node as a tuple with ``None`` (zero)
    for the other outputs; tuples accumulate entry by entry.
    """

    __slots__ = ()
    name = "select"
    multiple_results = False

    @staticmethod
    def _vjp(g, ans, index, n):
        return tuple(g if k == index else None for k in range(n))

    vjps = (_vjp,)


SELECT = _Select()


def _zeros_for(a):
    import funcgrad.numpy as fnp

    if isinstance(a, ShapeDtype):
        return np.zeros(a.shape, a.dtype)
    return fnp.zeros_like(a)


def _fill(g, ans):
    """A multiple-results cotangent with zeros for the outputs nobody used."""
    return tuple(_zeros_for(a) if c is None else c for c, a in zip(g, ans))


def _add_tuples(add, a, b):
    return tuple(y if x is None else x if y is None else add(x, y) for x, y in zip(a, b))


def _check(prim, argnum, g, primal):
    """A rule's cotangent must have its argument's shape and dtype."""
    if type(g) is tuple:
        for gk, pk in zip(g, primal):
            if gk is not None:
                _check(prim, argnum, gk, pk)
        return
    try:
        if g.shape == primal.shape and (g.dtype is primal.dtype or g.dtype == primal.dtype):
            return
    except AttributeError:
        pass
    _bad_cotangent(prim, argnum, g, primal)


def _bad_cotangent(prim, argnum, g, primal):
    raise _errors.RuleError(
        _errors.BAD_COTANGENT.format(
            prim=prim.name,
            argnum=argnum,
            got=_errors.describe_value(g),
            want=_errors.describe_value(primal),
        )
    )

