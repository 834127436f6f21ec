"""User-facing transforms, all built on one Tape per call: vjp, then grad on vjp."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from funcgrad import _core, _tree
from funcgrad._core import Traced
from funcgrad._reverse import backward_pass
from funcgrad._tape import Tape, check_differentiable, check_seed

_LEAF = _tree.structure(0)

__all__ = ["vjp", "grad", "value_and_grad", "stop_gradient"]

HAS_AUX_NOT_PAIR = (
    "{name}: with has_aux=True the function must return a pair (output, aux); it returned {got}."
)


def _arg_label(path, n_args: int, argnums: Sequence[int] | None) -> str:
    """``"argument 1 ['w']"`` from a path into the tuple of differentiated args."""
    if not path:
        return "the argument"
    first, rest = path[0], path[1:]
    idx = first.idx if hasattr(first, "idx") else first
    if argnums is not None:
        idx = argnums[idx]
    return f"argument {idx}" + (f" {_tree.keystr(rest)}" if rest else "")


def _differentiable_leaf(x, i, primals, name, argnums):
    """Leaf i of the primals, checked; the key path is worked out only for errors."""
    try:
        return check_differentiable(x, "", name, quiet=True)
    except (TypeError, ValueError):
        path = _tree.flatten_with_path(primals)[0][i][0]
        return check_differentiable(x, _arg_label(path, len(primals), argnums), name)


class _Recording:
    """What one traced call left behind: enough to run the backward pass again."""

    __slots__ = ("tape", "boxes", "in_def", "out_leaves", "out_def")

    def __init__(self, tape, boxes, in_def, out_leaves, out_def):
        self.tape = tape
        self.boxes = boxes
        self.in_def = in_def
        self.out_leaves = out_leaves
        self.out_def = out_def

    def pull(self, ct_leaves, consume=False):
        """Cotangents of the inputs (a pytree like the primals) from the outputs'.

        With ``consume`` the recording is used up: memory goes back as the pass runs.
        """
        import funcgrad.numpy as fnp

        trace = self.tape._trace
        roots, seeds = [], []
        for o, ct in zip(self.out_leaves, ct_leaves):
            if isinstance(o, Traced) and o._trace is trace:
                roots.append(o._node)
                seeds.append(ct)
        grads = backward_pass(roots, seeds, [b._node for b in self.boxes], fnp.add, consume)
        grads = [fnp.zeros_like(b._value) if g is None else g for b, g in zip(self.boxes, grads)]
        return _tree.unflatten(self.in_def, grads)


def _record(f, primals, has_aux, name, argnums=None):
    """Run ``f`` on traced primals: ``(output primal, aux, recording)``."""
    if not callable(f):
        raise TypeError(f"{name} needs a callable as its first argument; got {type(f).__name__}.")
    leaves, in_def = _tree.flatten(primals)
    tape = Tape(name)
    trace = tape._trace
    boxes = []
    try:
        for i, x in enumerate(leaves):
            if type(x) is np.ndarray and x.dtype.kind in "fc":
                boxes.append(trace.new_leaf(x))
            else:
                boxes.append(tape.watch(_differentiable_leaf(x, i, primals, name, argnums)))
        out = f(*_tree.unflatten(in_def, boxes))
    finally:
        tape.close()
    aux = None
    if has_aux:
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise TypeError(HAS_AUX_NOT_PAIR.format(name=name, got=_describe_out(out)))
        out, aux = out
        aux = tape.primal(aux)
    if isinstance(out, Traced):  # the common case: one traced array
        out_leaves, out_def = [out], _LEAF
        out_primal = out._value if out._trace is trace else out
    else:
        out_leaves, out_def = _tree.flatten(out)
        for leaf in out_leaves:
            _check_output_leaf(leaf, name)
        out_primal = tape.primal(out)
    return out_primal, aux, _Recording(tape, boxes, in_def, out_leaves, out_def)


def _vjp(f, primals, has_aux, name, argnums=None):
    """vjp with a transform name and argnum labels for messages."""
    out_primal, aux, rec = _record(f, primals, has_aux, name, argnums)

    def vjp_fn(cotangent):
        ct_leaves, ct_def = _tree.flatten(cotangent)
        if ct_def != rec.out_def:
            raise ValueError(
                f"{name}: the cotangent's structure {ct_def} does not match the "
                f"output's {rec.out_def}; pass one cotangent per output leaf, shaped alike."
            )
        trace = rec.tape._trace
        ct_leaves = [
            check_seed(ct, _strip(o, trace), f"{name}: cotangent {i}")
            for i, (o, ct) in enumerate(zip(rec.out_leaves, ct_leaves))
        ]
        return rec.pull(ct_leaves)

    if has_aux:
        return out_primal, vjp_fn, aux
    return out_primal, vjp_fn


def _strip(x, trace):
    return x._value if isinstance(x, Traced) and x._trace is trace else x


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False):
    """Evaluate ``f(*primals)`` and return a function for vector-Jacobian products.

    Args:
        f: a function of arrays (or pytrees of arrays) returning arrays (or pytrees).
        *primals: the point at which to differentiate; every leaf is differentiated.
        has_aux: ``f`` returns ``(output, aux)``; ``aux`` is returned as is, not
            differentiated.

    Returns:
        ``(output, vjp_fn)`` or ``(output, vjp_fn, aux)``. ``vjp_fn(cotangent)`` takes
        a cotangent shaped like ``output`` and returns a tuple with one cotangent per
        primal. It can be called many times; the forward pass is not run again.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> y, pullback = fg.vjp(lambda x: fnp.sin(x) * 2.0, np.array([0.0, np.pi]))
        >>> pullback(np.array([1.0, 1.0]))
        (array([ 2., -2.]),)
    """
    return _vjp(f, primals, has_aux, "vjp")


def _normalize_argnums(argnums, n_args, name):
    single = isinstance(argnums, int) and not isinstance(argnums, bool)
    nums = (argnums,) if single else argnums
    if not (
        isinstance(nums, (tuple, list))
        and nums
        and all(isinstance(i, int) and not isinstance(i, bool) for i in nums)
    ):
        raise TypeError(
            f"{name}: argnums must be an int or a non-empty tuple of ints; got {argnums!r}."
        )
    out = []
    for i in nums:
        if not -n_args <= i < n_args:
            raise ValueError(
                f"{name}: argnums={argnums!r} refers to argument {i}, but the function "
                f"was called with {n_args} positional argument(s). Pass arguments to "
                "differentiate positionally, or change argnums."
            )
        out.append(i % n_args)
    return single, tuple(out)


def _check_output_leaf(leaf, name):
    v = _core.concrete(leaf)
    if not isinstance(v, (np.ndarray, np.generic, int, float, complex)):
        raise TypeError(
            f"{name}: the function returned a {type(v).__name__}; outputs must be "
            "arrays or numbers (or pytrees of them). Return auxiliary data with has_aux=True."
        )


def _describe_out(out) -> str:
    if isinstance(out, tuple):
        return f"a tuple of length {len(out)}"
    if isinstance(out, (list, dict)):
        return f"a {type(out).__name__} of length {len(out)}"
    v = _core.concrete(out)
    return f"an array of shape {np.shape(v)}" if hasattr(v, "shape") else f"a {type(v).__name__}"


_REAL_SCALARS = (np.float64, np.float32, np.float16)


def _check_scalar_output(out, name, holomorphic=False):
    if type(out) in _REAL_SCALARS or (
        type(out) is np.ndarray and out.shape == () and out.dtype.kind == "f"
    ):
        return
    if isinstance(out, (tuple, list, dict)):
        hint = (
            " If it returns (loss, aux), pass has_aux=True."
            if isinstance(out, tuple) and len(out) == 2
            else " Use funcgrad.vjp or jacrev for several outputs."
        )
        raise TypeError(
            f"{name} needs a function with a scalar output; it returned {_describe_out(out)}.{hint}"
        )
    v = _core.concrete(out)
    shape = np.shape(v)
    if shape != ():
        raise TypeError(
            f"{name} needs a function with a scalar output; the output had shape {shape}. "
            "Use jacrev for Jacobians, or reduce the output (.sum(), .mean()) first."
        )
    dtype = np.asarray(v).dtype
    if holomorphic and np.issubdtype(dtype, np.complexfloating):
        return
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(
            f"{name} needs a real floating-point output; the output has dtype {dtype.name}. "
            "Integer and boolean outputs have no gradient; for a complex output of a "
            "holomorphic function pass holomorphic=True, otherwise use vjp."
        )


def split_args(f, args, kwargs, argnums, name, holomorphic=False):
    """The arguments a transform differentiates, and ``f`` as a function of them alone.

    Returns:
        ``(single, argnums as a tuple, partial_f, differentiated args)``.
    """
    single, nums = _normalize_argnums(argnums, len(args), name)

    def partial_f(*dyn):
        full = list(args)
        for i, a in zip(nums, dyn):
            full[i] = a
        return f(*full, **kwargs)

    dyn = tuple(args[i] for i in nums)
    if holomorphic:
        _check_holomorphic_inputs(dyn, name)
    return single, nums, partial_f, dyn


def _check_holomorphic_inputs(dyn_args, name):
    for x in _tree.leaves(dyn_args):
        dtype = x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype
        if not np.issubdtype(dtype, np.complexfloating):
            raise TypeError(
                f"{name} with holomorphic=True needs complex inputs; got {np.dtype(dtype).name}. "
                "Convert them (x.astype(complex)) or drop holomorphic=True."
            )


def value_and_grad(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """Return a function computing ``f``'s value and its gradient in one pass.

    Args:
        f: a function returning a scalar (or ``(scalar, aux)`` with ``has_aux``).
        argnums: which positional argument(s) to differentiate: an int or a tuple.
        has_aux: ``f`` returns ``(value, aux)``; aux is passed through.
        holomorphic: ``f`` is a holomorphic function of complex inputs with a complex
            output; the gradient is then the complex derivative ``f'(z)``.

    Returns:
        A function returning ``(value, grad)``, or ``((value, aux), grad)``. ``grad``
        has the structure of the differentiated argument (a tuple of them when
        ``argnums`` is a tuple).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> def loss(params, x):
        ...     return fnp.sum((x * params["w"] + params["b"]) ** 2)
        >>> value, grads = fg.value_and_grad(loss)({"w": 2.0, "b": 1.0}, np.array([1.0, 2.0]))
        >>> float(value), float(grads["w"]), float(grads["b"])
        (34.0, 26.0, 16.0)
    """
    return _value_and_grad(f, argnums, has_aux, "value_and_grad", holomorphic)


def _value_and_grad(f, argnums, has_aux, transform, holomorphic=False):
    @functools.wraps(f)
    def value_and_grad_f(*args, **kwargs):
        single, nums, partial_f, dyn_args = split_args(
            f, args, kwargs, argnums, transform, holomorphic
        )
        out, aux, rec = _record(partial_f, dyn_args, has_aux, transform, nums)
        _check_scalar_output(out, transform, holomorphic)
        dtype = out.dtype if hasattr(out, "dtype") else np.asarray(out).dtype
        grads = rec.pull([dtype.type(1)], consume=True)
        g = grads[0] if single else grads
        return ((out, aux), g) if has_aux else (out, g)

    return value_and_grad_f


def grad(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """Return a function computing the gradient of scalar-valued ``f``.

    Python control flow inside ``f`` works as usual: the derivative is taken along
    the path the concrete values took. ``grad`` nests: ``grad(grad(f))`` is exact.

    Args:
        f: a function returning a scalar (or ``(scalar, aux)`` with ``has_aux``).
        argnums: which positional argument(s) to differentiate: an int or a tuple.
        has_aux: ``f`` returns ``(value, aux)``; the gradient function then returns
            ``(grad, aux)``.
        holomorphic: ``f`` is holomorphic in complex inputs, with a complex output:
            the result is ``f'(z)``. Without it, complex inputs are allowed for a
            real-valued ``f`` and the result follows JAX's convention
            (``grad(lambda z: abs(z)**2)(z) == 2 * conj(z)``).

    Returns:
        A function with ``f``'s arguments returning the gradient, shaped like the
        differentiated argument(s).

    Example:
        >>> import funcgrad as fg, funcgrad.numpy as fnp
        >>> float(fg.grad(fnp.tanh)(0.0))
        1.0
        >>> float(fg.grad(fg.grad(lambda x: x**3))(2.0))
        12.0
        >>> complex(fg.grad(lambda z: z**2, holomorphic=True)(1j))
        2j
    """
    vg = _value_and_grad(f, argnums, has_aux, "grad", holomorphic)

    @functools.wraps(f)
    def grad_f(*args, **kwargs):
        value, g = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return grad_f


def stop_gradient(x: Any) -> Any:
    """Return ``x`` (any pytree) as a constant: no gradient flows through it, at any level.

    Args:
        x: a value or pytree of values, traced or not.

    Returns:
        The same structure with plain numpy values.

    Example:
        >>> import funcgrad as fg
        >>> float(fg.grad(lambda x: x * fg.stop_gradient(x))(3.0))
        3.0
    """
    return _tree.map(_core.concrete, x)
