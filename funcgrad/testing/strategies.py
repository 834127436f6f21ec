"""Hypothesis strategies for gradient tests: arrays in a domain, shapes, pytrees, op inputs.

Every array these strategies produce is read-only, so a function that writes into
its input fails the test that uses it. Values are drawn from a grid with spacing
far above finite-difference steps, and distinct within one draw, so no two
compared values tie (ties are where ``max``, ``abs`` and friends have kinks).

Requires hypothesis (the ``test`` extra).

Example:
    >>> from hypothesis import given
    >>> import funcgrad.numpy as fnp
    >>> from funcgrad.testing import check_grads, strategies as fst
    >>> @given(fst.arrays(domain="positive"))
    ... def test_log(x):
    ...     check_grads(fnp.log, (x,), order=1)
    >>> test_log()
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from funcgrad import _primitive

__all__ = [
    "arrays",
    "distinct_values",
    "shapes",
    "broadcastable_shapes",
    "pytrees",
    "op_inputs",
    "DOMAINS",
]

#: domain name -> (low, high, excluded interval around 0 or None)
DOMAINS = {
    _primitive.REAL: (-2.0, 2.0, None),
    _primitive.POSITIVE: (0.25, 3.0, None),
    _primitive.NONZERO: (-2.0, 2.0, 0.25),
    _primitive.UNIT: (-0.9, 0.9, None),
    _primitive.ABOVE_ONE: (1.25, 3.0, None),
    _primitive.OPEN_UNIT: (0.05, 0.95, None),
    # sqrt(3) is irrational, so no grid value is a rational multiple of a REAL grid value
    _primitive.DIVISOR: (-(3.0**0.5), 3.0**0.5, 0.3),
    # funcgrad.numpy.linalg's WELL_CONDITIONED: REAL values, then a diagonal added in
    # the last two axes by op_inputs (see _well_conditioned)
    # an asymmetric range: no two grid values are opposite, so a drawn matrix never has
    # an exactly diagonal symmetric part (where eigenvector signs jump between the two
    # evaluations of a central difference)
    _primitive.WELL_CONDITIONED: (-2.0, 2.0011, None),
}

_GRID = 4096  # grid points per domain: spacing ~1e-3, far above any FD step


def _grid(domain: str) -> np.ndarray:
    lo, hi, hole = DOMAINS[domain]
    pts = np.linspace(lo, hi, _GRID)
    if hole is not None:
        pts = pts[np.abs(pts) >= hole]
    return pts


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.flags.writeable = False
    return a


@st.composite
def distinct_values(draw, n: int, domain: str = _primitive.REAL, dtype=np.float64) -> np.ndarray:
    """``n`` distinct values from ``domain``'s grid (a 1-D read-only array).

    For a complex ``dtype`` the real parts come from the domain (distinct) and the
    imaginary parts from a grid on [-0.5, 0.5], which keeps them off the branch cuts
    of log, sqrt and arcsin for the domains those use.
    """
    pts = _grid(domain)
    idx = draw(st.lists(st.integers(0, len(pts) - 1), min_size=n, max_size=n, unique=True))
    values = pts[np.asarray(idx, dtype=np.int64)]
    if np.issubdtype(dtype, np.complexfloating):
        im = np.linspace(-0.5, 0.5, 1001)
        k = draw(st.lists(st.integers(0, len(im) - 1), min_size=n, max_size=n))
        values = values + 1j * im[np.asarray(k, dtype=np.int64)]
    return _readonly(values.astype(dtype))


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4):
    """Array shapes (tuples)."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def broadcastable_shapes(num_shapes: int = 2, max_dims: int = 3, max_side: int = 3):
    """Tuples of ``num_shapes`` shapes that broadcast together (numpy's rules)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=0, max_dims=max_dims, max_side=max_side
    ).map(lambda r: r.input_shapes)


@st.composite
def arrays(draw, shape=None, dtype=np.float64, domain: str = _primitive.REAL) -> np.ndarray:
    """A read-only float array with distinct values in ``domain``."""
    if shape is None:
        shape = draw(shapes())
    n = int(np.prod(shape, dtype=np.int64))
    return _readonly(draw(distinct_values(n, domain, dtype)).reshape(shape))


@st.composite
def _joint(draw, shapes_, domains, dtype):
    """Arrays for several arguments; values sharing a domain are distinct across them."""
    sizes = [int(np.prod(s, dtype=np.int64)) for s in shapes_]
    pools, used = {}, {}
    for dom in sorted(set(domains)):
        n = sum(size for size, d in zip(sizes, domains) if d == dom)
        pools[dom] = draw(distinct_values(n, dom, dtype))
        used[dom] = 0
    out = []
    for s, n, dom in zip(shapes_, sizes, domains):
        out.append(_readonly(pools[dom][used[dom] : used[dom] + n].reshape(s)))
        used[dom] += n
    return out


def pytrees(leaves=None, max_leaves: int = 6):
    """Pytrees (dicts, lists, tuples, None) of arrays from ``leaves``."""
    leaves = arrays() if leaves is None else leaves
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.tuples(children, children),
            st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), children, max_size=3),
        ),
        max_leaves=max_leaves,
    )


def _domains(prim, n) -> list:
    d = prim.domain
    return list(d) if isinstance(d, tuple) else [d] * n


_MATMUL_PATTERNS = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 2)),
    ((2, 3), (3, 4)),
    ((2, 2, 3), (3, 2)),
    ((3,), (2, 3, 2)),
    ((2, 1, 2, 3), (3, 3, 2)),
]


@st.composite
def op_inputs(draw, fn_or_prim: Any, dtype=np.float64):
    """Arguments for one registered op, from its declaration: ``(args, kwargs)``.

    Uses the op's ``domain`` and its ``check`` data (``"shapes"``: elementwise,
    unary, reduce, matmul, where; or explicit ``"cases"``).
    """
    prim = fn_or_prim
    if not isinstance(prim, _primitive.Primitive):
        prim = _primitive.primitive_of(fn_or_prim)
    check = prim.check
    kind = check.get("shapes", "unary")
    kwargs: dict = {}
    if "cases" in check:
        shapes_, kwargs = draw(st.sampled_from(check["cases"]))
        kwargs = dict(kwargs)
    elif kind == "elementwise":
        shapes_ = draw(broadcastable_shapes(max(prim.arity, 1)))
    elif kind == "where":
        shapes_ = draw(broadcastable_shapes(3))
    elif kind == "matmul":
        shapes_ = draw(st.sampled_from(_MATMUL_PATTERNS))
    elif kind == "reduce":
        shape = draw(shapes(min_dims=1))
        nd = len(shape)
        axis = draw(st.sampled_from([None, 0, -1, tuple(range(nd)), (0, nd - 1) if nd > 1 else 0]))
        kwargs = {"axis": axis, "keepdims": draw(st.booleans())}
        shapes_ = (shape,)
    else:
        shapes_ = (draw(shapes()),)
    domains = _domains(prim, len(shapes_))
    if kind == "where" and "cases" not in check:
        cond = draw(hnp.arrays(bool, shapes_[0]))
        xs = draw(_joint(shapes_[1:], domains[1:], dtype))
        return [_readonly(cond)] + xs, kwargs
    xs = draw(_joint(shapes_, domains, dtype))
    return [_PREPARE[d](x) if d in _PREPARE else x for x, d in zip(xs, domains)], kwargs


def _well_conditioned(x: np.ndarray) -> np.ndarray:
    """Matrices (last two axes) made well conditioned: ``x`` plus the diagonal s, 2s, ...

    With ``s = 3 (m + n)`` and entries of ``x`` in [-2, 2] (so ``|x|_2 <= m + n``), the
    result has full rank, singular values (and eigenvalues of its symmetric part) at
    least ``m + n`` apart, and a positive definite symmetric part: linalg rules are
    all defined there.
    """
    if x.ndim < 2:
        return x
    m, n = x.shape[-2:]
    k = min(m, n)
    d = np.zeros((m, n))
    d[np.arange(k), np.arange(k)] = 3.0 * (m + n) * np.arange(1, k + 1)
    return _readonly(x + d.astype(x.dtype))


#: Post-processing of drawn arguments, by domain name.
_PREPARE = {_primitive.WELL_CONDITIONED: _well_conditioned}
