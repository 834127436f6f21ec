"""compat's autograd: ops record on one long-lived funcgrad Tape; backward asks it.

Every compat tensor that requires grad holds a value traced on ``TAPE``: a leaf's is
``TAPE.watch(array)``, an op result's is what the funcgrad function returned.
``backward()`` hands those values to ``TAPE.gradient`` (the forward pass never runs
again) and accumulates the gradients into the leaves' ``.grad``. Beside funcgrad's
graph compat keeps its own small one of ``grad_fn`` nodes: it gives PyTorch's names
(``MulBackward0``), ``next_functions``, finds the leaves a backward pass must fill,
and checks the version counters of the tensors each op saved, so that a tensor changed
in place after it was used fails as it does in PyTorch instead of giving a stale answer.
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


class Node:
    """A ``grad_fn``: the record of the op that produced a tensor.

    Subclassed per PyTorch name (``type(t.grad_fn).__name__ == "MulBackward0"``).
    """

    __slots__ = ("_next", "_saved", "_freed", "__weakref__")

    def __init__(self, nxt, saved):
        self._next = nxt  # per input: (tensor, value used, its grad_fn then) or None
        self._saved = saved  # ((storage, version then, tensor or None, grad_fn then), ...)
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


_TORCH_NAMES = {
    "multiply": "MulBackward0",
    "add": "AddBackward0",
    "subtract": "SubBackward0",
    "true_divide": "DivBackward0",
    "divide": "DivBackward0",
    "negative": "NegBackward0",
    "matmul": "MmBackward0",
    "sum": "SumBackward1",
    "power": "PowBackward0",
    "reshape": "ViewBackward0",
    "broadcast_to": "ExpandBackward0",
    "where": "WhereBackward0",
}


def _torch_name(prim_name) -> str:
    """PyTorch's grad_fn name for what funcgrad recorded as ``prim_name``."""
    if prim_name in _TORCH_NAMES:
        return _TORCH_NAMES[prim_name]
    if not prim_name:
        return "AliasBackward0"
    return "".join(p.capitalize() for p in prim_name.split("_")) + "Backward0"


# --- recording ---------------------------------------------------------------------------


def _tensor_types():
    from compat._tensor import Tensor

    return Tensor


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
    from compat._tensor import Tensor

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
    from compat._tensor import Tensor, from_value

    with np.errstate(all="ignore"):
        out = fn(*[a._s.array if isinstance(a, Tensor) else a for a in args], **kwargs)
    return from_value(out)


_CONSTANT_TYPES = (np.ndarray, np.generic, int, float, complex)


def _record(name, fn, args, kwargs, saves, saves_out, multi):
    from compat._tensor import Tensor, from_value

    vals = []
    nxt = []  # one entry per input: (tensor, value used, its grad_fn then), or None
    saved = []  # (storage, version then, tensor or None for the result, grad_fn then)
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
                saved.append((c, c.version, a, None))
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
            saved.append((t._s, t._s.version, None, None))
    node._saved = tuple(saved)
    return outs if multi else outs[0]


def apply_multi(name, fn, *args, saves=None, saves_out=False, **kwargs):
    """Like :func:`apply` for a function returning a tuple: a tuple of tensors."""
    from compat._tensor import Tensor, from_value

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


# --- backward --------------------------------------------------------------------------

FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


def _version_error(array, version_then, now, producer):
    from compat import _dtypes

    kind = (
        f"torch.{_dtypes.TENSOR_TYPE[_dtypes.from_numpy(array.dtype)]} "
        f"[{', '.join(map(str, array.shape))}]"
    )
    if producer:
        producer = producer.rstrip("0123456789")
        producer = producer[: -len("Backward")] if producer.endswith("Backward") else producer
    where = f", which is output 0 of {producer}," if producer else ""
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{kind}]{where} is at version {now}; expected version "
        f"{version_then} instead. Hint: enable anomaly detection to find the operation "
        "that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


def _walk(roots):
    """The grad_fn nodes reachable from ``roots`` (tensors), checked; and their entries.

    Returns (nodes, entries) where entries are every (tensor, value, fn) input record.
    Raises PyTorch's errors for freed graphs and for saved tensors changed in place.
    """
    seen = set()
    nodes = []
    stack = [t._fn for t in roots if t._fn is not None]
    entries = []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node._freed and node._saved:
            raise RuntimeError(FREED)
        for s, version, t, _ in node._saved:
            if s.version != version:
                if t is None:  # the op's own result
                    raise _version_error(s.array, version, s.version, node.name())
                # PyTorch names the tensor's current grad_fn (a leaf: none)
                now = t._fn if t._rg else None
                raise _version_error(s.array, version, s.version, now.name() if now else None)
        nodes.append(node)
        for entry in node._next:
            if entry is None:
                continue
            entries.append(entry)
            fn = entry[2]
            if fn is not None and id(fn) not in seen:
                stack.append(fn)
    return nodes, entries


def run_backward(
    outputs,
    grad_outputs,
    *,
    retain_graph,
    create_graph,
    inputs=None,
    accumulate=True,
    allow_unused=False,
    who="backward",
):
    """The engine behind ``Tensor.backward``, ``autograd.backward`` and ``autograd.grad``."""
    from compat._tensor import Tensor, from_value

    if retain_graph is None:
        retain_graph = create_graph
    roots, seeds = [], []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(out, Tensor):
            raise TypeError(f"expected a Tensor as output {i}, got {type(out).__name__}")
        if not out._rg:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        if g is None:
            if out._s.array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            seed = np.ones(out._s.array.shape, out._s.array.dtype)
        else:
            if isinstance(g, Tensor):
                gs = g
            else:
                from compat._creation import tensor as _tensor

                gs = _tensor(g, dtype=out.dtype)
            if tuple(gs.shape) != tuple(out.shape):
                from compat._tensor_types import Size

                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {Size(gs.shape)} and "
                    f"output[{i}] has a shape of {Size(out.shape)}."
                )
            seed = gs._traced() if (create_graph and gs._rg) else gs._s.array
            if seed.dtype != out._s.array.dtype:
                seed = seed.astype(out._s.array.dtype)
        roots.append(out)
        seeds.append(seed)
    nodes, entries = _walk(roots)
    # What to differentiate with respect to: tensor id -> (tensor, [values]).
    wanted: dict[int, tuple] = {}
    if inputs is None:
        for t, v, fn in entries:
            if fn is None or t._retain:
                wanted.setdefault(id(t), (t, []))[1].append(v)
        for t in roots:
            if t._fn is None or t._retain:
                wanted.setdefault(id(t), (t, []))[1].append(t._traced())
    else:
        ids = {id(t): t for t in inputs}
        for t, v, _fn in entries:
            if id(t) in ids:
                wanted.setdefault(id(t), (t, []))[1].append(v)
        for t in roots:
            if id(t) in ids:
                wanted.setdefault(id(t), (t, []))[1].append(t._traced())
    values, owners, seen_vals = [], [], set()
    for key, (_t, vs) in wanted.items():
        for v in vs:
            if id(v) not in seen_vals:
                seen_vals.add(id(v))
                values.append(v)
                owners.append(key)
    root_vals = [t._traced() for t in roots]
    previous = CREATE_GRAPH[0]
    CREATE_GRAPH[0] = create_graph
    try:
        with np.errstate(all="ignore"):
            grads = TAPE.gradient(
                root_vals,
                values,
                seeds,
                unused="none",
                create_graph=create_graph,
                # compat keeps funcgrad's graph (PyTorch frees only what ops saved, so a
                # graph of adds can be run twice); the graph goes when its tensors do
                retain_graph=True,
            )
    except RuntimeError as e:
        if "retain_graph" in str(e):
            raise RuntimeError(FREED) from None
        raise
    finally:
        CREATE_GRAPH[0] = previous
    if not retain_graph:
        for node in nodes:
            node._freed = True
    summed: dict[int, object] = {}
    for key, g in zip(owners, grads):
        if g is None:
            continue
        summed[key] = g if key not in summed else summed[key] + g
    result = {}
    for key, g in summed.items():
        t = wanted[key][0]
        if not TAPE.is_recorded(g):
            g = np.asarray(g)
            if g.dtype != t._s.array.dtype:
                g = g.astype(t._s.array.dtype)
            result[key] = from_value(g)
        else:
            result[key] = from_value(
                g,
                node_type(_torch_name(TAPE.producer(g)))(
                    tuple((n[0], n[1], n[2]) for n in entries if n[2] is None and n[0]._rg), ()
                ),
            )
    if accumulate:
        for key, gt in result.items():
            t = wanted[key][0]
            if inputs is None and t._fn is not None and not t._retain:
                continue
            t._accumulate(gt)
        return None
    return result
