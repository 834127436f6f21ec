"""Reverse mode: the trace that records nodes, and the backward pass over them.

Recording: a primitive applied to values of a reverse trace computes its output and
keeps a :class:`~funcgrad._core.Node` with what its VJP rules will read (``saves``).
The backward pass counts each node's consumers, then pops nodes whose consumers are
all done and pushes cotangents to their parents: a sort and a loop, no recursion, so
graphs of any depth differentiate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funcgrad import _errors
from funcgrad._core import _KEEP_BYTES, ZERO, Node, ShapeDtype, Trace, Traced, _spec

#: numpy's scalar types, and those with Python numbers: where ``Primitive.fast`` applies.
_NUMPY_SCALARS = frozenset(
    t
    for t in set(np.sctypeDict.values())
    if issubclass(t, (np.number, np.bool_)) and not issubclass(t, np.timedelta64)
)
_QUICK = _NUMPY_SCALARS | {float, int, bool}  # complex * np.float64 would give a Python complex


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
        if isinstance(x, Traced):
            xv = x._value
            if isinstance(y, Traced):
                yv = y._value
                lower = isinstance(xv, Traced) or isinstance(yv, Traced)
                if vjps[0] is ZERO:
                    parents = ((1, y._node),)
                elif vjps[1] is ZERO:
                    parents = ((0, x._node),)
                else:
                    parents = ((0, x._node), (1, y._node))
            else:
                yv = y
                lower = isinstance(xv, Traced)
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
            tx = type(xv)
            ty = type(yv)
            if tx in _QUICK and ty in _QUICK and (tx in _NUMPY_SCALARS or ty in _NUMPY_SCALARS):
                ans = prim.fast(xv, yv)  # numpy scalars: Python's operators skip the ufunc
            else:
                ans = prim.impl(xv, yv)
            kwargs = None
        if not parents:
            return ans
        if not prim.save_args:
            if type(xv) is np.ndarray and xv.nbytes > _KEEP_BYTES:
                xv = ShapeDtype(xv.shape, xv.dtype)
            if type(yv) is np.ndarray and yv.nbytes > _KEEP_BYTES:
                yv = ShapeDtype(yv.shape, yv.dtype)
        saved_ans = ans
        if not prim.save_ans and type(ans) is np.ndarray and ans.nbytes > _KEEP_BYTES:
            saved_ans = ShapeDtype(ans.shape, ans.dtype)
        return Traced(ans, self, Node(prim, (xv, yv), kwargs, saved_ans, parents))

    def new_leaf(self, value):
        return Traced(value, self, Node(None, (), None, value, ()))


def backward_pass(roots, seeds, targets, add, consume=False, record=None):
    """Propagate cotangents from ``roots`` back to ``targets``; iterative.

    Args:
        roots: output nodes; seeds: their cotangents (same order; repeats add up).
        targets: nodes whose cotangents are wanted.
        add: the function that sums two cotangents (funcgrad.numpy.add, so that the
            backward pass records at outer levels).
        consume: the graph is used this once: each node lets go of its saved values
            as soon as its rules have run, so memory is returned as the pass goes.
        record: a live reverse trace (the one that recorded the graph) to record the
            backward pass itself into, so that its results can be differentiated
            again (PyTorch's ``create_graph``): the rules see the saved values as
            traced values of that trace, linked to the nodes that produced them.

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
    ready = [r for r in stack]  # only roots can have no consumer
    while stack:
        n = stack.pop()
        while True:
            parents = n.parents
            if len(parents) == 1:  # along a chain: no stack
                p = parents[0][1]
                c = pending.get(p)
                if c is None:
                    pending[p] = 1
                    n = p
                    continue
                pending[p] = c + 1
                break
            for _, p in parents:
                c = pending.get(p)
                if c is None:
                    pending[p] = 1
                    stack.append(p)
                else:
                    pending[p] = c + 1
            break
    ready = [r for r in ready if pending[r] == 0]

    # 2. Pop nodes whose consumers are all done; push cotangents to their parents.
    cts: dict[Node, Any] = {}
    for r, s in zip(roots, seeds):
        if s is not None:
            prev = cts.get(r)
            cts[r] = s if prev is None else add(prev, s)
    keep = set(targets)
    owned = set()  # nodes whose cotangent is a fresh sum nobody else holds
    while ready:
        n = ready.pop()
        g = cts.get(n) if n in keep else cts.pop(n, None)
        while True:
            prim = n.prim
            if prim is None:  # a leaf: nothing above it
                break
            if record is None:
                ans = n.ans
                args = n.args
                if args is None:  # a consumed node: its values are gone
                    raise RuntimeError(_errors.GRAPH_FREED)
            else:
                ans, args = _reboxed(n, record)
            if g.__class__ is tuple and prim.multiple_results:
                g = _fill(g, n.ans)
            kw = n.kwargs
            parents = n.parents
            if g is not None and len(parents) == 1:
                # Along a chain (one parent, consumed by n alone) the cotangent is
                # handed straight on, without the bookkeeping below.
                argnum, p = parents[0]
                # (p in cts: its other consumers, done already, left cotangents there)
                if pending[p] == 1 and p not in keep and p not in cts:
                    if kw:
                        gp = prim.vjps[argnum](g, ans, *args, **kw)
                    else:
                        gp = prim.vjps[argnum](g, ans, *args)
                    if consume:
                        n.args = n.ans = n.kwargs = None
                    if gp is None:
                        pending[p] = 0
                        ready.append(p)
                        break
                    pa = p.ans
                    cls = gp.__class__
                    if not (  # the common case inline; anything else gets the full check
                        cls is pa.__class__
                        and cls is not tuple
                        and gp.shape == pa.shape
                        and gp.dtype is pa.dtype
                    ):
                        gp = _settle(prim, argnum, gp, pa)
                    n = p
                    g = gp
                    continue
            for argnum, p in parents:
                left = pending[p] - 1
                pending[p] = left
                if left == 0:
                    ready.append(p)
                if g is None:
                    continue
                if kw:
                    gp = prim.vjps[argnum](g, ans, *args, **kw)
                else:
                    gp = prim.vjps[argnum](g, ans, *args)
                if gp is None:
                    continue
                pa = p.ans
                cls = gp.__class__
                if not (
                    cls is pa.__class__
                    and cls is not tuple
                    and gp.shape == pa.shape
                    and gp.dtype is pa.dtype
                ):
                    gp = _settle(prim, argnum, gp, pa)
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


def _reboxed(n, trace):
    """A node's saved values as traced values of ``trace``, linked to their nodes."""
    args = list(n.args)
    for argnum, p in n.parents:
        if argnum >= len(args):  # a select node reads no arguments
            continue
        v = args[argnum]
        if not isinstance(v, ShapeDtype):  # stand-ins are never read: leave them
            args[argnum] = Traced(v, trace, p)
    ans = n.ans
    if type(ans) is tuple:  # several outputs: each linked through a select node
        k = len(ans)
        ans = tuple(
            a
            if isinstance(a, ShapeDtype)
            else Traced(a, trace, Node(SELECT, (), {"index": i, "n": k}, _spec(a), ((0, n),)))
            for i, a in enumerate(ans)
        )
    elif not isinstance(ans, ShapeDtype):
        ans = Traced(ans, trace, n)
    return ans, tuple(args)


class _Select:
    """The node kind that picks output k of a multiple-results node.

    Its VJP hands the cotangent to the group node as a tuple with ``None`` (zero)
    for the other outputs; tuples accumulate entry by entry.
    """

    __slots__ = ()
    name = "select"
    multiple_results = False
    unbroadcast = False

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


def _settle(prim, argnum, g, primal):
    """A cotangent whose type, shape or dtype is not its argument's (the uncommon case).

    An op that broadcasts (``Primitive.unbroadcast``) has its cotangent summed back
    over the broadcast axes and cast to the argument's dtype; then every cotangent is
    checked.
    """
    if prim.unbroadcast and type(g) is not tuple and hasattr(g, "shape"):
        from funcgrad.numpy._util import unbroadcast

        if len(g.shape) >= len(primal.shape):
            g = unbroadcast(g, primal)
    _check(prim, argnum, g, primal)
    return g


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
