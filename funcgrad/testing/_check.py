"""Numerical gradient checks: central differences against the VJP, to any order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from funcgrad import _tree
from funcgrad._core import concrete
from funcgrad._transforms import vjp

__all__ = ["check_grads", "check_vjp", "assert_trees_allclose"]

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


def _vdot(a_leaves, b_leaves) -> float:
    total = 0.0
    for a, b in zip(a_leaves, b_leaves):
        a = np.asarray(concrete(a), dtype=np.float64)
        b = np.asarray(concrete(b), dtype=np.float64)
        total += float(np.sum(a * b))
    return total


def _random_like(rng, leaves):
    return [rng.standard_normal(np.shape(x)).astype(np.asarray(concrete(x)).dtype) for x in leaves]


def _label(path, n_args) -> str:
    if not path:
        return "the argument"
    idx = getattr(path[0], "idx", path[0])
    rest = _tree.keystr(path[1:])
    return f"argument {idx}" + (f" {rest}" if rest else "")


def check_vjp(
    f: Callable[..., Any],
    args: Sequence[Any],
    *,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    seed: int = 0,
    what: str = "order 1",
) -> None:
    """Check ``f``'s VJP at ``args`` against central differences (inner-product test).

    For a random direction ``v`` and a random output cotangent ``u`` it compares
    ``<u, (f(x + eps v) - f(x - eps v)) / (2 eps)>`` with ``<vjp(u), v>``. On failure
    it checks each argument leaf on its own, so the error names the key path.

    Raises:
        AssertionError: naming the argument's key path, both numbers and the
            relative error.
    """
    args = tuple(args)
    paths, in_def = _tree.flatten_with_path(args)
    leaves = [np.asarray(concrete(x)) if not hasattr(x, "shape") else x for _, x in paths]
    rng = np.random.default_rng(seed)
    out, pullback = vjp(f, *args)
    out_leaves, out_def = _tree.flatten(out)
    d_eps, d_atol, d_rtol = _defaults(leaves + out_leaves)  # the least precise decides
    eps = d_eps if eps is None else eps
    atol = d_atol if atol is None else atol
    rtol = d_rtol if rtol is None else rtol
    u = _random_like(rng, out_leaves)
    ct = pullback(_tree.unflatten(out_def, u))
    ct_leaves = _tree.leaves(ct)
    v = _random_like(rng, leaves)

    def directional(mask):
        def shifted(sign):
            moved = [x + sign * eps * d if m else x for x, d, m in zip(leaves, v, mask)]
            return _tree.leaves(f(*_tree.unflatten(in_def, moved)))

        plus, minus = shifted(1.0), shifted(-1.0)
        return [
            (np.asarray(p, np.float64) - np.asarray(m, np.float64)) / (2 * eps)
            for p, m in zip(plus, minus)
        ]

    def compare(mask):
        numeric = _vdot(u, directional(mask))
        analytic = _vdot([c for c, m in zip(ct_leaves, mask) if m], [d for d, m in zip(v, mask) if m])
        err = abs(numeric - analytic)
        scale = max(abs(numeric), abs(analytic))
        return numeric, analytic, err, err <= atol + rtol * scale

    everything = [True] * len(leaves)
    if compare(everything)[3]:
        return
    for i, (path, _) in enumerate(paths):
        mask = [j == i for j in range(len(leaves))]
        numeric, analytic, err, ok = compare(mask)
        if not ok:
            rel = err / max(abs(numeric), abs(analytic), 1e-300)
            raise AssertionError(
                f"check_grads ({what}, reverse mode): {_label(path, len(args))}: central "
                f"differences give {numeric!r}, the VJP gives {analytic!r}; relative "
                f"error {rel:.3g} (rtol={rtol}, atol={atol}, eps={eps})."
            )
    numeric, analytic, err, _ = compare(everything)
    raise AssertionError(
        f"check_grads ({what}, reverse mode): central differences give {numeric!r}, the "
        f"VJP gives {analytic!r} (every argument alone passes: the error is in how "
        "their contributions combine)."
    )


def check_grads(
    f: Callable[..., Any],
    args: Sequence[Any],
    order: int = 2,
    modes: Sequence[str] = ("rev",),
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    seed: int = 0,
) -> None:
    """Check ``f``'s derivatives at ``args`` numerically, up to ``order``.

    Order 1 is the VJP inner-product test against central differences; order 2
    applies the same test to the function ``x -> vjp(f, x)(u)`` for a fixed random
    ``u`` (reverse over reverse), and so on.

    Args:
        f: a function of arrays (or pytrees) returning arrays (or pytrees).
        args: the point: a tuple of arguments, every leaf floating-point.
        order: the highest derivative order to check.
        modes: ``("rev",)``: reverse mode (the VJP).
        eps: the finite-difference step (default by dtype: 1e-6 for float64).
        atol, rtol: tolerances on the compared inner products.
        seed: seeds the random directions.

    Raises:
        AssertionError: naming the failing argument's key path, both numbers and
            the relative error.

    Example:
        >>> import numpy as np, funcgrad.numpy as fnp
        >>> from funcgrad.testing import check_grads
        >>> check_grads(lambda x: fnp.sin(x) * x, (np.array([0.3, 1.2]),), order=2)
    """
    modes = tuple(modes)
    unknown = set(modes) - {"rev"}
    if unknown:
        raise ValueError(f"check_grads: unknown modes {sorted(unknown)}; this version checks 'rev'.")
    args = tuple(args)
    for k in range(1, order + 1):
        check_vjp(_nth_vjp(f, args, k - 1, seed), args, eps=eps, atol=atol, rtol=rtol,
                  seed=seed + k, what=f"order {k}")


def _nth_vjp(f, args, n, seed):
    """The function ``x -> u . d^n f(x)`` made of n nested VJPs with fixed cotangents."""
    g = f
    rng = np.random.default_rng(seed + 1000)
    for _ in range(n):
        g = _vjp_with_fixed_cotangent(g, args, rng)
    return g


def _vjp_with_fixed_cotangent(f, args, rng):
    out = f(*args)
    out_leaves, out_def = _tree.flatten(out)
    u = _tree.unflatten(out_def, _random_like(rng, out_leaves))

    def pulled(*xs):
        return vjp(f, *xs)[1](u)

    return pulled


def assert_trees_allclose(actual: Any, expected: Any, *, rtol: float = 1e-7, atol: float = 0.0) -> None:
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
