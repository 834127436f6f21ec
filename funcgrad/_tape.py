"""The public recording API: a Tape watches values and differentiates what they fed.

``funcgrad.vjp`` (and so ``grad`` and every reverse-mode transform) is a Tape used for
the duration of one call; an imperative shell keeps a Tape open as long as it likes
and asks it for gradients whenever the user calls ``backward()``. Either way the
forward pass runs once: the tape keeps the graph it recorded.
"""

from __future__ import annotations

import numpy as np

from funcgrad import _core, _tree
from funcgrad._core import Traced
from funcgrad._reverse import ReverseTrace, backward_pass

_INEXACT = (np.floating, np.complexfloating)


_KEEP_OUT_DEFAULT = "leave it out of argnums if it is not a parameter"
#: Transforms without argnums: how to keep a non-float argument out of them.
_KEEP_OUT = {
    name: "pass it through a closure or functools.partial if it is not a parameter"
    for name in ("jvp", "vjp", "linearize", "hvp", "Tape")
}


def check_differentiable(value, where: str, transform: str, quiet: bool = False):
    """Return ``value`` as a numpy value fit to be differentiated, or raise.

    Args:
        value: a leaf the user asked to differentiate with respect to.
        where: its description for messages (``"argument 0 ['w']"``).
        transform: the transform's name, for messages.
        quiet: raise a bare TypeError (the caller builds the message).
    """
    if isinstance(value, Traced):
        dtype = value.dtype
    elif isinstance(value, (bool, np.bool_)):
        dtype = np.dtype(bool)
    elif isinstance(value, (int, float, complex, np.ndarray, np.generic)):
        value = np.asarray(value)
        dtype = value.dtype
    else:
        if quiet:
            raise TypeError
        raise TypeError(
            f"{transform}: {where} is {_a(type(value).__name__)}, which funcgrad cannot "
            "differentiate. Differentiated arguments must be arrays, numpy scalars or "
            "Python floats, or pytrees (tuples, lists, dicts, namedtuples, dataclasses, "
            "attrs records) of them. Pass other values through a closure or through "
            "an argument that is not in argnums."
        )
    if not np.issubdtype(dtype, np.inexact):
        if quiet:
            raise TypeError
        raise TypeError(
            f"{transform}: {where} has dtype {np.dtype(dtype).name}; only floating-point "
            "(or complex) values can be differentiated. Convert it, e.g. x.astype(float) "
            f"or 3.0 instead of 3, or {_KEEP_OUT.get(transform, _KEEP_OUT_DEFAULT)}."
        )
    return value


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


class Tape:
    """Records operations on watched values, and differentiates what they fed.

    A tape opens a trace; values passed to :meth:`watch` become traced values, and
    every funcgrad.numpy op applied to them is recorded. :meth:`gradient` then runs
    the backward pass over the recorded graph, as often as you like, without running
    the forward computation again. Closing the tape (leaving the ``with`` block)
    ends recording: using its traced values in new ops is then an error.

    Args:
        name: the name used in error messages.

    Example:
        >>> import funcgrad as fg
        >>> import funcgrad.numpy as fnp
        >>> with fg.Tape() as tape:
        ...     x = tape.watch(2.0)
        ...     y = x * fnp.sin(x)
        >>> dx = tape.gradient(y, x)
        >>> round(float(dx), 6)  # sin(2) + 2 cos(2)
        0.077004
    """

    __slots__ = ("_trace",)

    def __init__(self, name: str = "Tape"):
        self._trace = ReverseTrace(name)

    def __enter__(self) -> Tape:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop recording; gradients of what was recorded stay available."""
        self._trace.alive = False

    @property
    def closed(self) -> bool:
        """Whether recording has stopped."""
        return not self._trace.alive

    def __repr__(self) -> str:
        return f"Tape({self._trace.name!r}, level={self._trace.level}, closed={self.closed})"

    def watch(self, value):
        """Return ``value`` as a traced value of this tape (a leaf of the graph).

        Args:
            value: an array, numpy scalar or Python float (or complex).

        Returns:
            A traced value; ops on it are recorded until the tape is closed.
        """
        trace = self._trace
        if not trace.alive:
            raise RuntimeError(f"{trace.name}: the tape is closed; open a new Tape to record.")
        value = check_differentiable(value, "the value to watch", trace.name)
        if isinstance(value, Traced) and value._trace.level >= trace.level:
            raise ValueError(
                f"{trace.name}: cannot watch a value traced by {value._trace.name}, "
                "which was opened after this tape; open the tape first, then the "
                "transform that runs inside it."
            )
        return trace.new_leaf(value)

    def is_watched(self, x) -> bool:
        """Whether ``x`` was returned by :meth:`watch` of this tape."""
        return isinstance(x, Traced) and x._trace is self._trace and x._node.prim is None

    def is_recorded(self, x) -> bool:
        """Whether ``x`` is a value this tape traces (watched, or computed from one)."""
        return isinstance(x, Traced) and x._trace is self._trace

    def producer(self, x) -> str | None:
        """The name of the primitive that computed ``x`` on this tape.

        ``None`` for a watched value (a leaf) and for values this tape did not record.
        """
        if not self.is_recorded(x):
            return None
        node = x._node
        if node.prim is not None and node.prim.name == "select":  # an output of several
            node = node.parents[0][1]
        return None if node.prim is None else node.prim.name

    def primal(self, x):
        """The value of ``x`` with this tape's tracing removed (pytrees too)."""
        trace = self._trace
        if isinstance(x, Traced):
            return x._value if x._trace is trace else x

        def strip(v):
            return v._value if isinstance(v, Traced) and v._trace is trace else v

        return _tree.map(strip, x)

    def gradient(
        self,
        outputs,
        inputs,
        cotangents=None,
        *,
        unused: str = "zeros",
        create_graph: bool = False,
        retain_graph: bool = True,
    ):
        """Differentiate ``outputs`` with respect to ``inputs`` (reverse mode).

        Args:
            outputs: a recorded value, or a pytree of them.
            inputs: a value of this tape (watched or intermediate), or a pytree of them.
            cotangents: one per output leaf, with its shape and dtype (the vector
                in the vector-Jacobian product); may be omitted when every output
                is a scalar, which then counts as 1.
            unused: what to return for an input the outputs do not depend on:
                ``"zeros"`` (zeros of its shape) or ``"none"`` (``None``).
            create_graph: record the backward pass on this tape too, so that the
                gradients are traced values that can be differentiated again
                (PyTorch's ``create_graph=True``). The tape must still be open.
            retain_graph: keep the values the backward pass reads, so the same graph
                can be differentiated again (the default). With ``False`` each node
                lets go of them as the pass runs, and a later pass through those
                nodes raises an error instead of computing a wrong gradient.

        Returns:
            The cotangents of ``inputs``, in the structure of ``inputs``.
        """
        import funcgrad.numpy as fnp

        trace = self._trace
        name = trace.name
        out_leaves, out_def = _tree.flatten(outputs)
        if cotangents is None:
            for i, o in enumerate(out_leaves):
                if np.shape(_core.concrete(o)) != ():
                    raise ValueError(
                        f"{name}: output {i} has shape {np.shape(_core.concrete(o))}, so its "
                        "cotangent cannot be implied; pass cotangents (one per output, "
                        "with its shape), or reduce the output to a scalar first."
                    )
            ct_leaves = [fnp.ones_like(_primal_of(o, trace)) for o in out_leaves]
        else:
            ct_leaves = _tree.leaves(cotangents)
            if len(ct_leaves) != len(out_leaves):
                raise ValueError(
                    f"{name}: got {len(ct_leaves)} cotangents for {len(out_leaves)} outputs; "
                    "pass one cotangent per output leaf, in the same structure."
                )
        roots, seeds = [], []
        for i, (o, ct) in enumerate(zip(out_leaves, ct_leaves)):
            ct = check_seed(ct, _primal_of(o, trace), f"{name}: cotangent {i}")
            if isinstance(o, Traced) and o._trace is trace:
                roots.append(o._node)
                seeds.append(ct)
        in_paths, in_def = _tree.flatten_with_path(inputs)
        targets = []
        for path, x in in_paths:
            if not (isinstance(x, Traced) and x._trace is trace):
                raise ValueError(
                    f"{name}: input {_tree.keystr(path) or '(root)'} is not a value "
                    f"recorded by this tape ({_describe(x)}); pass values returned by "
                    "tape.watch or computed from them."
                )
            targets.append(x._node)
        if create_graph and not trace.alive:
            raise RuntimeError(
                f"{name}: create_graph=True records the backward pass on the tape, which "
                "is closed; compute the gradient before leaving the tape's `with` block."
            )
        grads = backward_pass(
            roots,
            seeds,
            targets,
            fnp.add,
            consume=not (retain_graph or create_graph),
            record=trace if create_graph else None,
        )
        if unused == "zeros":
            grads = [
                fnp.zeros_like(x._value) if g is None else g for (_, x), g in zip(in_paths, grads)
            ]
        elif unused != "none":
            raise ValueError(f"{name}: unused must be 'zeros' or 'none', got {unused!r}")
        return _tree.unflatten(in_def, grads)


def _primal_of(x, trace):
    return x._value if isinstance(x, Traced) and x._trace is trace else x


def _describe(x) -> str:
    if isinstance(x, Traced):
        return f"traced by {x._trace.name}"
    return type(x).__name__


def check_seed(ct, out, where, kind="cotangent", of="output"):
    """Check a cotangent against its output (or a tangent against its primal).

    Python scalars are cast to the expected dtype.
    """
    out_shape = np.shape(_core.concrete(out))
    out_dtype = getattr(out, "dtype", None)
    if out_dtype is None:
        out_dtype = np.asarray(out).dtype
    if isinstance(ct, (int, float, complex)) and not isinstance(ct, bool):
        ct = np.asarray(ct, dtype=out_dtype)
    shape = getattr(ct, "shape", None)
    dtype = getattr(ct, "dtype", None)
    if shape is None or dtype is None:
        raise TypeError(f"{where} is {_a(type(ct).__name__)}; expected an array like its {of}.")
    if tuple(shape) != tuple(out_shape) or dtype != out_dtype:
        raise ValueError(
            f"{where} is a {np.dtype(dtype).name} array of shape {tuple(shape)}, but its "
            f"{of} is {np.dtype(out_dtype).name} of shape {tuple(out_shape)}; a "
            f"{kind} must match its {of}'s shape and dtype (cast with .astype)."
        )
    return ct
