"""compat's backward pass: check the recorded graph, ask the tape, fill ``.grad``.

``run_backward`` walks compat's ``grad_fn`` nodes from the outputs: it refuses freed
graphs and saved tensors changed in place (PyTorch's errors), collects the leaves (and
``retain_grad`` tensors, or the requested inputs), then calls ``TAPE.gradient`` once;
the forward pass never runs again. With ``create_graph=True`` the gradients are
themselves recorded, so they differentiate again.
"""

from __future__ import annotations

import numpy as np

from compat._autograd import CREATE_GRAPH, TAPE, node_type

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
        for s, version, t in node._saved:
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
    """The engine behind ``Tensor.backward``, ``autograd.backward`` and ``autograd.grad``.

    Example:
        >>> import compat as torch
        >>> from compat._backward import run_backward
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> _ = run_backward([(x ** 2).sum()], [None], retain_graph=False, create_graph=False)
        >>> x.grad
        tensor([2., 4.])
    """
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
