"""Numerical gradient checks: central differences against the VJP, to any order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from funcgrad import _tree
from funcgrad._core import concrete
from funcgrad._jacobian import jvp
from funcgrad._transforms import vjp

__all__ = ["check_grads", "check_jvp", "check_vjp", "assert_trees_allclose"]

# Step and tolerances per input precision: float32 differences are far noisier.
_DEFAULTS = {
    np.dtype(np.float64): (1e-6, 1e-5, 1e-5),
    np.dtype(np.complex128): (1e-6, 1e-5, 1e-5),
    np.dtype(np.float32): (2e-3, 2e-2, 2e-2),
    np.dtype(np.complex64): (2e-3, 2e-2, 2e-2),
    np.dtype(np.float16): (1e-1, 1e-1, 1e-1),
}


def _defaults(leaves):
    dtypes = [np.asarray(concrete(x)).dtype for x in leaves] or [np.dtype(np.float64)]
    worst = max(_DEFAULTS.get(d, _DEFAULTS[np.dtype(np.float64)]) for d in dtypes)
    return worst


def _wide(x):
    """float64 or complex128 copy of a leaf, for exact-ish inner products."""
    x = np.asarray(concrete(x))
    return x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)


def _vdot(a_leaves, b_leaves) -> float:
    """The pairing of cotangents with tangents: Re(sum(a * b)), no conjugation.

    With JAX's convention (a VJP is the transpose of the JVP, without conjugates),
    <u, J v> equals <vjp(u), v> under this pairing, for real and complex values.
    """
    total = 0.0
    for a, b in zip(a_leaves, b_leaves):
        total += float(np.real(np.sum(_wide(a) * _wide(b))))
    return total


def _random_like(rng, leaves):
    out = []
    for x in leaves:
        dtype = np.asarray(concrete(x)).dtype
        r = rng.standard_normal(np.shape(x))
        if np.issubdtype(dtype, np.complexfloating):
            r = r + 1j * rng.standard_normal(np.shape(x))
        out.append(r.astype(dtype))
    return out


def _label(path, n_args) -> str:
    if not path:
        return "the argument"
    idx = getattr(path[0], "idx", path[0])
    rest = _tree.keystr(path[1:])
    return f"argument {idx}" + (f" {rest}" if rest else "")


def _check(f, args, mode, eps, atol, rtol, seed, what):
    """One inner-product test of ``f``'s derivative at ``args`` in ``mode``."""
    args = tuple(args)
    paths, in_def = _tree.flatten_with_path(args)
    leaves = [np.asarray(concrete(x)) if not hasattr(x, "shape") else x for _, x in paths]
    rng = np.random.default_rng(seed)
    out = f(*args)
    out_leaves, out_def = _tree.flatten(out)
    d_eps, d_atol, d_rtol = _defaults(leaves + out_leaves)  # the least precise decides
    eps = d_eps if eps is None else eps
    atol = d_atol if atol is None else atol
    rtol = d_rtol if rtol is None else rtol
    u = _random_like(rng, out_leaves)
    v = _random_like(rng, leaves)
    if mode == "rev":
        ct_leaves = _tree.leaves(vjp(f, *args)[1](_tree.unflatten(out_def, u)))

    def masked(mask):
        return [d if m else np.zeros_like(d) for d, m in zip(v, mask)]

    def analytic(mask):
        if mode == "rev":
            return _vdot(ct_leaves, masked(mask))
        tangents = _tree.unflatten(in_def, masked(mask))
        return _vdot(u, _tree.leaves(jvp(f, args, tangents)[1]))

    def numeric(mask):
        def shifted(sign):
            moved = [x + sign * eps * d if m else x for x, d, m in zip(leaves, v, mask)]
            return _tree.leaves(f(*_tree.unflatten(in_def, moved)))

        plus, minus = shifted(1.0), shifted(-1.0)
        diffs = [(_wide(p) - _wide(m)) / (2 * eps) for p, m in zip(plus, minus)]
        return _vdot(u, diffs)

    def compare(mask):
        num, ana = numeric(mask), analytic(mask)
        err = abs(num - ana)
        return num, ana, err, err <= atol + rtol * max(abs(num), abs(ana))

    name = {"rev": "reverse mode, the VJP", "fwd": "forward mode, the JVP"}[mode]
    # what: e.g. "order 2, differentiating the reverse derivative"
    everything = [True] * len(leaves)
    if compare(everything)[3]:
        return
    for i, (path, _) in enumerate(paths):
        num, ana, err, ok = compare([j == i for j in range(len(leaves))])
        if not ok:
            rel = err / max(abs(num), abs(ana), 1e-300)
            raise AssertionError(
                f"check_grads ({what}, {name}): {_label(path, len(args))}: central "
                f"differences give {num!r}, {name.split(', ')[1]} gives {ana!r}; relative "
                f"error {rel:.3g} (rtol={rtol}, atol={atol}, eps={eps})."
            )
    num, ana, _, _ = compare(everything)
    raise AssertionError(
        f"check_grads ({what}, {name}): central differences give {num!r}, "
        f"{name.split(', ')[1]} gives {ana!r} (every argument alone passes: the error is "
        "in how their contributions combine)."
    )


def check_vjp(f, args, *, eps=None, atol=None, rtol=None, seed=0, what="order 1") -> None:
    """Check ``f``'s VJP at ``args`` against central differences (inner-product test).

    For a random direction ``v`` and a random output cotangent ``u`` it compares
    ``<u, (f(x + eps v) - f(x - eps v)) / (2 eps)>`` with ``<vjp(u), v>``. On failure
    it checks each argument leaf on its own, so the error names the key path.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> from funcgrad.testing import check_vjp
        >>> check_vjp(lambda x: fnp.exp(x) * x, (np.array([0.1, 0.7]),))
    """
    _check(f, args, "rev", eps, atol, rtol, seed, what)


def check_jvp(f, args, *, eps=None, atol=None, rtol=None, seed=0, what="order 1") -> None:
    """Check ``f``'s JVP at ``args`` against central differences along a random direction.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> from funcgrad.testing import check_jvp
        >>> check_jvp(lambda x: fnp.sin(x) ** 2, (np.array([0.1, 0.7]),))
    """
    _check(f, args, "fwd", eps, atol, rtol, seed, what)


_MODES = {"rev": "reverse", "fwd": "forward"}


def check_grads(
    f: Callable[..., Any],
    args: Sequence[Any],
    order: int = 2,
    modes: Sequence[str] = ("fwd", "rev"),
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    seed: int = 0,
) -> None:
    """Check ``f``'s derivatives at ``args`` numerically, up to ``order``, in each mode.

    Order 1 compares central differences along a random direction with the JVP
    ("fwd") and, by the inner-product test, with the VJP ("rev"). Order 2 applies
    the same tests to the derivative functions ``x -> vjp(f, x)(u)`` and
    ``x -> jvp(f, x, v)`` for fixed random ``u`` and ``v``, so the modes mix: forward
    over reverse, reverse over reverse, reverse over forward, forward over forward.

    Args:
        f: a function of arrays (or pytrees) returning arrays (or pytrees).
        args: the point: a tuple of arguments, every leaf floating-point.
        order: the highest derivative order to check.
        modes: any of ``"fwd"`` and ``"rev"``.
        eps: the finite-difference step (default by dtype: 1e-6 for float64).
        atol, rtol: tolerances on the compared inner products.
        seed: seeds the random directions.

    Raises:
        AssertionError: naming the failing argument's key path, the modes, both
            numbers and the relative error.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> from funcgrad.testing import check_grads
        >>> check_grads(lambda x: fnp.sin(x) * x, (np.array([0.3, 1.2]),), order=2)
    """
    modes = tuple(modes)
    unknown = set(modes) - set(_MODES)
    if unknown or not modes:
        raise ValueError(f"check_grads: modes must be taken from ('fwd', 'rev'); got {modes}.")
    _check_recursive(f, tuple(args), order, modes, eps, atol, rtol, seed, "")


def _check_recursive(f, args, order, modes, eps, atol, rtol, seed, over):
    k = len(over.split(" over ")) if over else 0
    for mode in modes:
        what = f"order {k + 1}" + (f", differentiating the {over} derivative" if over else "")
        _check(f, args, mode, eps, atol, rtol, seed + 7 * k, what)
        if order > 1:
            rng = np.random.default_rng(seed + 1000 + k)
            derivative = _derivative(f, args, mode, rng)
            nested = _MODES[mode] + (f" over {over}" if over else "")
            _check_recursive(derivative, args, order - 1, modes, eps, atol, rtol, seed + 1, nested)


def _derivative(f, args, mode, rng):
    """``x -> vjp(f, x)(u)`` or ``x -> jvp(f, x, v)`` with fixed random u or v."""
    if mode == "rev":
        out_leaves, out_def = _tree.flatten(f(*args))
        u = _tree.unflatten(out_def, _random_like(rng, out_leaves))
        return lambda *xs: vjp(f, *xs)[1](u)
    in_leaves, in_def = _tree.flatten(args)
    v = _tree.unflatten(in_def, _random_like(rng, in_leaves))
    return lambda *xs: jvp(f, xs, v)[1]


def assert_trees_allclose(
    actual: Any, expected: Any, *, rtol: float = 1e-7, atol: float = 0.0
) -> None:
    """Assert two pytrees have one structure and close leaves; name the first bad path.

    Example:
        >>> import numpy as np
        >>> from funcgrad.testing import assert_trees_allclose
        >>> assert_trees_allclose({"w": np.ones(2)}, {"w": np.ones(2)})
    """
    _tree.assert_same_structure(actual, expected, names=("actual", "expected"))
    a_paths, _ = _tree.flatten_with_path(actual)
    e_leaves = _tree.leaves(expected)
    for (path, a), e in zip(a_paths, e_leaves):
        a, e = np.asarray(concrete(a)), np.asarray(concrete(e))
        if a.shape != e.shape:
            raise AssertionError(
                f"at {_tree.keystr(path) or '(root)'}: shape {a.shape} != expected {e.shape}"
            )
        if not np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True):
            worst = np.max(np.abs(a - e)) if a.size else 0.0
            raise AssertionError(
                f"at {_tree.keystr(path) or '(root)'}: values differ (max abs difference "
                f"{worst:.3g}, rtol={rtol}, atol={atol}):\nactual   {a!r}\nexpected {e!r}"
            )
