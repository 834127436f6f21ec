"""Forward mode and derivative matrices: jvp, linearize, jacfwd, jacrev, hessian, hvp.

All of them are built on the two primitives of the library: ``jvp`` (a forward trace)
and ``vjp`` (a reverse tape). ``jacrev`` of f: R^n -> R^m runs the forward pass once
and the backward pass m times; ``jacfwd`` runs n forward passes (one per input
element; there is no batching of tangents). ``hessian`` is ``jacfwd(jacrev(f))``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from funcgrad import _core, _tree
from funcgrad._forward import Dual, JVPTrace
from funcgrad._tape import check_differentiable, check_seed
from funcgrad._transforms import _arg_label, _vjp, split_args

__all__ = ["jvp", "linearize", "jacfwd", "jacrev", "hessian", "hvp"]


def _strip(x, trace):
    return x._value if isinstance(x, _core.Traced) and x._trace is trace else x


def _tangent_of(x, trace):
    import funcgrad.numpy as fnp

    if isinstance(x, Dual) and x._trace is trace:
        return x._tangent
    return fnp.zeros_like(_core.concrete(x) if not isinstance(x, _core.Traced) else x)


def _jvp(f, primals, tangents, has_aux, name):
    if not callable(f):
        raise TypeError(f"{name} needs a callable as its first argument; got {type(f).__name__}.")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(
            f"{name}: primals and tangents must be tuples (one entry per argument of f), "
            f"got {type(primals).__name__} and {type(tangents).__name__}; write "
            f"{name}(f, (x,), (v,)) for a function of one argument."
        )
    paths, in_def = _tree.flatten_with_path(tuple(primals))
    t_leaves, t_def = _tree.flatten(tuple(tangents))
    if t_def != in_def:
        raise ValueError(
            f"{name}: the tangents' structure {t_def} does not match the primals' "
            f"{in_def}; pass one tangent per primal leaf, shaped alike."
        )
    p_leaves, t_checked = [], []
    for (path, p), t in zip(paths, t_leaves):
        where = _arg_label(path, len(primals), None)
        p = check_differentiable(p, where, name)
        t_checked.append(check_seed(t, p, f"{name}: the tangent of {where}", "tangent", "primal"))
        p_leaves.append(p)
    return _push_forward(f, in_def, p_leaves, t_checked, has_aux, name)


def _push_forward(f, in_def, p_leaves, t_leaves, has_aux, name):
    """jvp on checked leaves: ``(output, output tangent, aux)``."""
    trace = JVPTrace(name)
    try:
        boxes = [Dual(p, trace, t) for p, t in zip(p_leaves, t_leaves)]
        out = f(*_tree.unflatten(in_def, boxes))
    finally:
        trace.alive = False
    aux = None
    if has_aux:
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise TypeError(f"{name}: with has_aux=True the function must return (output, aux).")
        out, aux = out
        aux = _tree.map(lambda v: _strip(v, trace), aux)
    out_primal = _tree.map(lambda v: _strip(v, trace), out)
    out_tangent = _tree.map(lambda v: _tangent_of(v, trace), out)
    return out_primal, out_tangent, aux


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], has_aux=False):
    """Evaluate ``f`` and its directional derivative (forward mode).

    Args:
        f: a function of arrays (or pytrees of arrays).
        primals: a tuple with ``f``'s arguments.
        tangents: a tuple shaped like ``primals``: the direction.
        has_aux: ``f`` returns ``(output, aux)``; aux is returned undifferentiated.

    Returns:
        ``(output, tangent)`` where ``tangent`` is the Jacobian of ``f`` times
        ``tangents``, shaped like ``output`` (``(output, tangent, aux)`` with aux).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> y, dy = fg.jvp(fnp.sin, (np.array([0.0, np.pi]),), (np.array([1.0, 2.0]),))
        >>> dy
        array([ 1., -2.])
    """
    out, tangent, aux = _jvp(f, primals, tangents, has_aux, "jvp")
    return (out, tangent, aux) if has_aux else (out, tangent)


def linearize(f: Callable[..., Any], *primals: Any):
    """Evaluate ``f`` once and return its linear map ``t -> J t`` at ``primals``.

    ``f`` is not run again: the map transposes the recorded VJP (the VJP is linear
    in its cotangent, so its own VJP is the JVP). Each call of the map costs about
    two backward passes.

    Returns:
        ``(output, f_jvp)`` with ``f_jvp(*tangents)`` shaped like ``output``.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> y, f_jvp = fg.linearize(lambda x: x ** 2, np.array([1.0, 3.0]))
        >>> f_jvp(np.array([1.0, 1.0]))
        array([2., 6.])
    """
    import funcgrad.numpy as fnp

    out, pullback = _vjp(f, primals, False, "linearize")
    zero_ct = _tree.map(lambda o: fnp.zeros_like(o), out)
    in_paths, in_def = _tree.flatten_with_path(primals)

    def f_jvp(*tangents):
        t_leaves, t_def = _tree.flatten(tangents)
        if t_def != in_def:
            raise ValueError(
                f"linearize: the tangents' structure {t_def} does not match the primals' "
                f"{in_def}; pass one tangent per primal, shaped alike."
            )
        for (path, p), t in zip(in_paths, t_leaves):
            where = f"linearize: the tangent of {_arg_label(path, len(primals), None)}"
            check_seed(t, p, where, "tangent", "primal")
        # pullback is linear in its argument; the VJP of that linear map is J t.
        _, pull_of_pullback = _vjp(lambda ct: pullback(ct), (zero_ct,), False, "linearize")
        return pull_of_pullback(tuple(tangents))[0]

    return out, f_jvp


def _basis(leaves):
    """(leaf index, flat position, one-hot leaves) for every element of ``leaves``."""
    import funcgrad.numpy as fnp

    for i, leaf in enumerate(leaves):
        size = int(np.prod(np.shape(leaf), dtype=np.int64))
        for k in range(size):
            onehot = [fnp.zeros_like(x) for x in leaves]
            e = np.zeros(size, dtype=np.asarray(_core.concrete(leaf)).dtype)
            e[k] = 1
            onehot[i] = e.reshape(np.shape(leaf))
            yield i, k, onehot


def _assemble(out_leaves, out_def, in_leaves, in_def, rows, out_major):
    """Nest blocks like JAX: the output's structure, each leaf the input's structure.

    ``rows[(i, j)]`` is the list of slices for output leaf i and input leaf j, one per
    element of the leaf that was iterated over (output elements for jacrev, input
    elements for jacfwd).
    """
    import funcgrad.numpy as fnp

    blocks = []
    for i, o in enumerate(out_leaves):
        row = []
        for j, x in enumerate(in_leaves):
            o_shape, x_shape = np.shape(_core.concrete(o)), np.shape(_core.concrete(x))
            parts = rows[(i, j)]
            if out_major:  # each part: one output element, shaped like input j
                if parts:
                    block = fnp.stack(parts, axis=0)
                else:
                    block = fnp.zeros((0,) + x_shape)
                block = fnp.reshape(block, o_shape + x_shape)
            else:  # each part: one input element, shaped like output i
                block = fnp.stack(parts, axis=-1) if parts else fnp.zeros(o_shape + (0,))
                block = fnp.reshape(block, o_shape + x_shape)
            row.append(block)
        blocks.append(_tree.unflatten(in_def, row))
    return _tree.unflatten(out_def, blocks)


def jacrev(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
):
    """Jacobian of ``f`` by reverse mode: one forward pass, one backward pass per output element.

    The result nests like JAX's: the output's structure, each leaf holding the
    argument's structure, each block of shape ``output.shape + input.shape``. With
    ``holomorphic=True`` (complex inputs) the blocks are complex derivatives.

    Example:
        >>> import numpy as np, funcgrad as fg
        >>> fg.jacrev(lambda x: x ** 2)(np.array([1.0, 2.0]))
        array([[2., 0.],
               [0., 4.]])
    """

    @functools.wraps(f)
    def jac_f(*args, **kwargs):
        single, nums, partial_f, dyn = split_args(f, args, kwargs, argnums, "jacrev", holomorphic)
        res = _vjp(partial_f, dyn, has_aux, "jacrev", nums)
        out, pullback = res[0], res[1]
        out_leaves, out_def = _tree.flatten(out)
        in_leaves, in_def = _tree.flatten(dyn[0] if single else dyn)
        rows = {(i, j): [] for i in range(len(out_leaves)) for j in range(len(in_leaves))}
        for i, _, onehot in _basis(out_leaves):
            grads = pullback(_tree.unflatten(out_def, onehot))
            for j, g in enumerate(_tree.leaves(grads[0] if single else grads)):
                rows[(i, j)].append(g)
        jac = _assemble(out_leaves, out_def, in_leaves, in_def, rows, out_major=True)
        return (jac, res[2]) if has_aux else jac

    return jac_f


def jacfwd(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
):
    """Jacobian of ``f`` by forward mode: one forward pass per input element.

    Nested like :func:`jacrev`'s result.

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.jacfwd(lambda x: fnp.sum(x) * x)(np.array([1.0, 2.0]))
        array([[4., 1.],
               [2., 5.]])
    """

    @functools.wraps(f)
    def jac_f(*args, **kwargs):
        single, nums, partial_f, dyn = split_args(f, args, kwargs, argnums, "jacfwd", holomorphic)
        in_leaves, in_def = _tree.flatten(dyn)
        in_leaves = [
            check_differentiable(x, _arg_label(p, len(dyn), nums), "jacfwd")
            for p, x in _tree.flatten_with_path(dyn)[0]
        ]
        out_leaves = out_def = aux = None
        rows: dict = {}
        for j, _, onehot in _basis(in_leaves):
            out, tangent, aux = _push_forward(
                partial_f, in_def, in_leaves, onehot, has_aux, "jacfwd"
            )
            if out_leaves is None:
                out_leaves, out_def = _tree.flatten(out)
            for i, t in enumerate(_tree.leaves(tangent)):
                rows.setdefault((i, j), []).append(t)
        if out_leaves is None:  # no input elements at all: one pass for the output
            out, _, aux = _jvp(partial_f, dyn, dyn, has_aux, "jacfwd")
            out_leaves, out_def = _tree.flatten(out)
        for i in range(len(out_leaves)):
            for j in range(len(in_leaves)):
                rows.setdefault((i, j), [])
        arg_leaves, arg_def = _tree.flatten(dyn[0] if single else dyn)
        jac = _assemble(out_leaves, out_def, arg_leaves, arg_def, rows, out_major=False)
        return (jac, aux) if has_aux else jac

    return jac_f


def hessian(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
):
    """Hessian of scalar ``f``: ``jacfwd(jacrev(f))`` (forward over reverse).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.hessian(lambda x: fnp.sum(x ** 3))(np.array([1.0, 2.0]))
        array([[ 6.,  0.],
               [ 0., 12.]])
    """
    return jacfwd(jacrev(f, argnums, has_aux, holomorphic), argnums, has_aux, holomorphic)


def hvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]):
    """Hessian-vector product of scalar ``f`` without forming the Hessian.

    Forward over reverse: ``jvp(grad(f), primals, tangents)``; costs about one
    gradient evaluation with tangents carried along.

    Returns:
        ``H v``, shaped like the first argument (a tuple when f has several).

    Example:
        >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
        >>> fg.hvp(lambda x: fnp.sum(x ** 3), (np.array([1.0, 2.0]),), (np.array([1.0, 1.0]),))
        array([ 6., 12.])
    """
    from funcgrad._transforms import grad

    n = len(primals)
    g = grad(f, argnums=tuple(range(n)) if n > 1 else 0)
    return _jvp(g, primals, tangents, False, "hvp")[1]
