"""compat's autograd: ops record on one long-lived funcgrad Tape; backward asks it.

Every compat tensor that requires grad holds a value traced on ``TAPE``: a leaf's is
``TAPE.watch(array)``, an op result's is what the funcgrad function returned.
``backward()`` (``compat._backward``) hands those values to ``TAPE.gradient``. Beside
funcgrad's graph compat keeps its own small one of ``grad_fn`` nodes, made here: they
give PyTorch's names (``MulBackward0``) and ``next_functions``, lead the backward pass to
the leaves it must fill, and record the version counters of the tensors each op saved.
"""

from __future__ import annotations

import weakref

import numpy as np

from funcgrad import Tape

TAPE = Tape("compat")

#: Grad mode: ``_MODE[0]`` is True while operations are recorded.
_MODE = [True]
#: True while a backward pass runs with create_graph=True (custom Functions read it).
CREATE_GRAPH = [False]

# compat._tensor imports this module; it hands over its Tensor class and from_value
# once it has defined them (see bind_tensor), so the hot path needs no import.
Tensor = from_value = None


def bind_tensor(tensor_class, from_value_fn) -> None:
    """Called by compat._tensor at import: the classes the recording functions build."""
    global Tensor, from_value
    Tensor, from_value = tensor_class, from_value_fn


class Node:
    """A ``grad_fn``: the record of the op that produced a tensor.

    Subclassed per PyTorch name (``type(t.grad_fn).__name__ == "MulBackward0"``).
    """

    __slots__ = ("_next", "_saved", "_freed", "__weakref__")

    def __init__(self, nxt, saved):
        self._next = nxt  # per input: (tensor, value used, its grad_fn then) or None
        self._saved = saved  # ((storage, version then, tensor or None for the result), ...)
        self._freed = False

    def name(self) -> str:
        """The node's PyTorch name, e.g. ``"MulBackward0"``."""
        return type(self).__name__

    @property
    def next_functions(self):
        """``((node, 0), ...)`` for the inputs: their grad_fn, AccumulateGrad, or None."""
        out = []
        for entry in self._next:
            if entry is None:
                out.append((None, 0))
            elif entry[2] is not None:
                out.append((entry[2], 0))
            else:
                out.append((AccumulateGrad(entry[0]), 0))
        return tuple(out)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class AccumulateGrad:
    """The node PyTorch shows where a leaf's gradient is accumulated."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    next_functions = ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


_NODE_TYPES: dict[str, type] = {}


def node_type(name: str) -> type:
    """The Node subclass called ``name`` (made once)."""
    cls = _NODE_TYPES.get(name)
    if cls is None:
        cls = _NODE_TYPES[name] = type(name, (Node,), {"__slots__": ()})
    return cls


# --- recording ---------------------------------------------------------------------------


def apply(name, fn, *args, saves=None, saves_out=False, view=False, **kwargs):
    """Run ``fn`` (a funcgrad function) on the tensors' values, recording when needed.

    Args:
        name: the grad_fn name PyTorch gives the result (``"ExpBackward0"``).
        fn: a function written with funcgrad.numpy (or funcgrad.nn.functional).
        *args: tensors (replaced by their values) and anything else (passed as is).
        saves: positions of the tensor arguments the op saves for its backward pass
            (their in-place modification then breaks backward, as in PyTorch);
            ``None`` means all of them, ``()`` none.
        saves_out: the op saves its result (``exp``, ``tanh``...): changing the result
            in place breaks backward.
        view: the result is a view of the first argument (``fn`` maps the base to it):
            in-place ops on the result write through to the base, as in PyTorch.
        **kwargs: passed to ``fn``.

    Returns:
        A Tensor (requiring grad when grad mode is on and an argument requires it).
    """
    if _MODE[0]:
        for a in args:
            if isinstance(a, Tensor) and a._rg:
                t = _record(name, fn, args, kwargs, saves, saves_out, False)
                break
        else:
            t = _plain(fn, args, kwargs)
    else:
        t = _plain(fn, args, kwargs)
    if view:
        t._view_of = (args[0], fn)
    return t


def _plain(fn, args, kwargs):
    """``fn`` on the arrays, unrecorded (a view of an input stays a view, as in PyTorch)."""
    with np.errstate(all="ignore"):
        out = fn(*[a._s.array if isinstance(a, Tensor) else a for a in args], **kwargs)
    return from_value(out)


_CONSTANT_TYPES = (np.ndarray, np.generic, int, float, complex)


def _record(name, fn, args, kwargs, saves, saves_out, multi):
    vals = []
    nxt = []  # one entry per input: (tensor, value used, its grad_fn then), or None
    saved = []  # (storage, version then, tensor or None for the result)
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            s = a._s
            if a._rg:
                v = a._traced()
                nxt.append((a, v, a._fn))
            else:
                v = s.array
                nxt.append(None)
            hold(s.array)
            if saves is None or i in saves:
                c = s if a._view_of is None else a._counter()
                saved.append((c, c.version, a))
            vals.append(v)
        else:
            if isinstance(a, _CONSTANT_TYPES):
                nxt.append(None)
            vals.append(a)
    with np.errstate(all="ignore"):  # PyTorch computes inf and nan without warnings
        out = fn(*vals, **kwargs)
    node = node_type(name)(tuple(nxt), saved)
    outs = tuple(from_value(o, node) for o in out) if multi else (from_value(out, node),)
    for t in outs:
        hold(t._s.array)
        if saves_out:
            saved.append((t._s, t._s.version, None))
    node._saved = tuple(saved)
    return outs if multi else outs[0]


def apply_multi(name, fn, *args, saves=None, saves_out=False, **kwargs):
    """Like :func:`apply` for a function returning a tuple: a tuple of tensors."""
    recording = _MODE[0] and any(isinstance(a, Tensor) and a._rg for a in args)
    if not recording:
        with np.errstate(all="ignore"):
            outs = fn(*[a._s.array if isinstance(a, Tensor) else a for a in args], **kwargs)
        return tuple(from_value(o) for o in outs)
    return _record(name, fn, args, kwargs, saves, saves_out, True)


# The memory recorded graphs may hold (root arrays by id, until they are garbage):
# in-place ops write into other arrays (so views alias their base, as in PyTorch) but
# replace these (copy on write), so a recorded graph never sees its values change.
_HELD: dict = {}


def _release(ref, _pop=_HELD.pop):
    _pop(ref.key, None)


def _root(a):
    base = a.base
    while isinstance(base, np.ndarray):
        a, base = base, base.base
    return a


def hold(a) -> None:
    """Mark the memory of ``a`` (an ndarray) as possibly held by a recorded graph."""
    r = _root(a)
    k = id(r)
    if k not in _HELD:
        _HELD[k] = weakref.KeyedRef(r, _release, k)


def is_held(a) -> bool:
    """Whether ``a``'s memory may be held by a recorded graph."""
    return id(_root(a)) in _HELD
