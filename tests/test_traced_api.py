"""Traced values behave like ndarrays: attributes, methods, indexing, operators, numpy dispatch."""

import re

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.extend import is_traced


def _sum_to(g, shape):
    """Sum a broadcast gradient back to ``shape`` (plain numpy, for expected values)."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(axis=i, keepdims=True)
    return g


def _inspect(fn):
    """Run ``fn`` on a traced value inside grad; return what it returned, and the grad."""
    seen = {}

    def f(x):
        seen["out"] = fn(x)
        return fnp.sum(x) * 0.0

    return f, seen


# --- attributes, len, iteration, repr ---------------------------------------------------


def test_attributes(rng):
    x0 = rng.standard_normal((2, 3))
    seen = {}

    def f(x):
        assert is_traced(x)
        seen.update(
            shape=x.shape, ndim=x.ndim, dtype=x.dtype, size=x.size, len=len(x), T_shape=x.T.shape
        )
        return fnp.sum(x.T * np.arange(6.0).reshape(3, 2))

    g = fg.grad(f)(x0)
    assert seen == dict(shape=(2, 3), ndim=2, dtype=np.float64, size=6, len=2, T_shape=(3, 2))
    np.testing.assert_array_equal(g, np.arange(6.0).reshape(3, 2).T)


def test_float32_dtype_attribute():
    seen = []
    fg.grad(lambda x: seen.append(x.dtype) or fnp.sum(x))(np.ones(2, np.float32))
    assert seen == [np.float32]


def test_iteration_yields_rows_with_gradients(rng):
    x0 = rng.standard_normal((3, 2))
    w = np.array([1.0, 2.0, 3.0])

    def f(x):
        rows = list(x)
        assert len(rows) == 3 and all(is_traced(r) and r.shape == (2,) for r in rows)
        return sum(wi * fnp.sum(r**2) for wi, r in zip(w, rows))

    np.testing.assert_allclose(fg.grad(f)(x0), 2 * x0 * w[:, None], rtol=1e-14)


def test_repr_shows_concrete_value_and_level():
    reprs = []

    def inner(y):
        reprs.append(repr(y))
        return y * 2.0

    def outer(x):
        reprs.append(repr(x))
        return fg.grad(lambda y: fnp.sum(inner(y * x)))(np.array([1.0, 2.0])).sum()

    fg.grad(outer)(3.0)
    outer_repr, inner_repr = reprs
    assert outer_repr.startswith("Traced(array(3.), level=")
    # the inner value is traced at two levels; repr shows the plain number, not a box
    assert inner_repr.startswith("Traced(array([3., 6.]), level=")
    levels = [int(re.search(r"level=(\d+)\)$", r).group(1)) for r in reprs]
    assert levels[1] > levels[0]


# --- comparisons and control flow -------------------------------------------------------


def test_comparisons_return_plain_bool_arrays(rng):
    x0 = np.array([-1.0, 0.0, 2.0])
    f, seen = _inspect(lambda x: (x > 0, x >= 0, x < 0, x <= 0, x == 0, x != 0, x > x * 0.5))
    fg.grad(f)(x0)
    out = seen["out"]
    expected = (x0 > 0, x0 >= 0, x0 < 0, x0 <= 0, x0 == 0, x0 != 0, x0 > x0 * 0.5)
    for o, e in zip(out, expected):
        assert not is_traced(o) and o.dtype == bool
        np.testing.assert_array_equal(o, e)


def test_if_on_traced_scalar_comparison():
    def f(x):
        if x > 0:
            return fnp.sin(x)
        return x**3

    np.testing.assert_allclose(fg.grad(f)(0.5), np.cos(0.5))
    np.testing.assert_allclose(fg.grad(f)(-0.5), 3 * 0.25)


def test_truth_of_multi_element_traced_is_ambiguous_like_numpy():
    def f(x):
        with pytest.raises(ValueError, match="ambiguous"):
            bool(x > 0)
        return fnp.sum(x)

    fg.grad(f)(np.ones(2))


# --- methods ----------------------------------------------------------------------------

X0 = np.array([[0.5, -1.25, 2.0], [1.5, 0.75, -0.5]])  # distinct values: no ties
W23 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

# (id, method applied to the (2, 3) input X0, the gradient of sum(method(x) * weights),
#  with weights = arange(1, n + 1) shaped like the output)
METHODS = [
    ("sum", lambda x: x.sum(), lambda x: np.ones_like(x)),
    ("sum_axis", lambda x: x.sum(axis=0), lambda x: np.tile([1.0, 2.0, 3.0], (2, 1))),
    ("mean", lambda x: x.mean(), lambda x: np.full_like(x, 1 / 6)),
    ("mean_axis", lambda x: x.mean(axis=1), lambda x: np.array([[0.5] * 3, [1.0] * 3]) / 1.5),
    ("max", lambda x: x.max(), lambda x: (x == x.max()).astype(float)),
    ("min", lambda x: x.min(), lambda x: (x == x.min()).astype(float)),
    ("prod", lambda x: x.prod(), lambda x: np.prod(x) / x),
    ("reshape_ab", lambda x: x.reshape(3, 2), lambda x: W23),
    ("reshape_tuple", lambda x: x.reshape((3, 2)), lambda x: W23),
    ("reshape_minus1", lambda x: x.reshape(-1), lambda x: W23),
    ("ravel", lambda x: x.ravel(), lambda x: W23),
    ("flatten", lambda x: x.flatten(), lambda x: W23),
    ("squeeze", lambda x: x[None, :, None].squeeze(), lambda x: W23),
    ("transpose", lambda x: x.transpose(), lambda x: np.arange(1.0, 7).reshape(3, 2).T),
    ("transpose_args", lambda x: x.transpose(1, 0), lambda x: np.arange(1.0, 7).reshape(3, 2).T),
    ("transpose_tuple", lambda x: x.transpose((1, 0)), lambda x: np.arange(1.0, 7).reshape(3, 2).T),
    ("T", lambda x: x.T, lambda x: np.arange(1.0, 7).reshape(3, 2).T),
    (
        "dot",
        lambda x: x.dot(np.array([1.0, -1.0, 2.0])),
        lambda x: np.outer([1.0, 2.0], [1.0, -1.0, 2.0]),
    ),
    ("astype32", lambda x: x.astype(np.float32), lambda x: W23),
    ("clip", lambda x: x.clip(-1.0, 1.0), lambda x: W23 * ((x >= -1) & (x <= 1))),
    ("swapaxes", lambda x: x.swapaxes(0, 1), lambda x: np.arange(1.0, 7).reshape(3, 2).T),
]


@pytest.mark.parametrize(
    "method, expected", [(m[1], m[2]) for m in METHODS], ids=[m[0] for m in METHODS]
)
def test_methods(method, expected):
    out_shape = np.shape(method(X0))  # the method on a plain ndarray gives the shape

    def f(x):
        out = method(x)
        assert is_traced(out) and out.shape == out_shape
        w = np.arange(1.0, np.prod(out_shape) + 1).reshape(out_shape)
        return fnp.sum(out * w)

    g = fg.grad(f)(X0)
    assert g.shape == X0.shape and g.dtype == X0.dtype
    np.testing.assert_allclose(g, expected(X0), rtol=1e-14)


def test_astype_float32_keeps_input_dtype_in_gradient():
    g = fg.grad(lambda x: fnp.sum(x.astype(np.float32) * 2.0))(np.ones(3))
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, 2.0)


def test_astype_to_int_is_a_constant():
    g = fg.grad(lambda x: fnp.sum(x.astype(np.int64) * x))(np.array([1.7, 2.2]))
    np.testing.assert_array_equal(g, [1.0, 2.0])


# --- indexing ---------------------------------------------------------------------------

V = np.arange(1.0, 13.0).reshape(3, 4)

INDEXES = [
    ("int", 1),
    ("negative_int", -1),
    ("int_pair", (2, 3)),
    ("slice", slice(1, None)),
    ("step_slice", (slice(None), slice(None, None, -2))),
    ("none", (None, 0)),
    ("ellipsis", (Ellipsis, 2)),
    ("ellipsis_none", (Ellipsis, None, slice(0, 2))),
    ("int_array", np.array([0, 2])),
    ("int_array_repeated", np.array([0, 2, 0, 0])),
    ("int_array_2d", (np.array([0, 1, 1]), np.array([3, 3, 0]))),
    ("list_index", [2, 2, 1]),
    ("bool_mask", V > 6.5),
    ("bool_rows", np.array([True, False, True])),
]


@pytest.mark.parametrize("index", [i[1] for i in INDEXES], ids=[i[0] for i in INDEXES])
def test_indexing_gradient_counts_picks(index):
    picked = V[index]
    w = np.arange(1.0, picked.size + 1).reshape(picked.shape)

    def f(x):
        out = x[index]
        assert out.shape == picked.shape
        return fnp.sum(out * w)

    # expected: each element of V gets the weights of every place it was picked at
    # (repeats accumulate), found by indexing an array of flat positions the same way
    positions = np.arange(V.size).reshape(V.shape)[index]
    expected = np.bincount(np.ravel(positions), weights=w.ravel(), minlength=V.size)
    np.testing.assert_array_equal(fg.grad(f)(V), expected.reshape(V.shape))


def test_repeated_indices_accumulate():
    g = fg.grad(lambda x: fnp.sum(x[np.array([0, 0, 2, 0])]))(np.zeros(3))
    np.testing.assert_array_equal(g, [3.0, 0.0, 1.0])


def test_index_by_traced_comparison_mask():
    x0 = np.array([-1.0, 2.0, -3.0, 4.0])
    g = fg.grad(lambda x: fnp.sum(x[x > 0] ** 2))(x0)
    np.testing.assert_array_equal(g, [0.0, 4.0, 0.0, 8.0])


# --- numpy functions dispatch to the rules ----------------------------------------------


def test_numpy_functions_on_traced_values(rng):
    x0 = rng.standard_normal((2, 3))

    def f(x):
        parts = [
            np.sum(np.sin(x)),  # cos x
            np.sum(np.sum(x, axis=0) * np.array([1.0, 2.0, 3.0])),  # column weights
            np.mean(x) * 6.0,  # 1
            np.sum(np.reshape(x, (6,)) * np.arange(6.0)),  # arange reshaped
            np.sum(np.concatenate([x, 2.0 * x], axis=0)),  # 3
            np.sum(np.maximum(x, 0.0)),  # 1 where x > 0
            np.sum(np.where(x > 0, x**2, 0.0)),  # 2x where x > 0
            np.sum(np.ones((2, 3)) + x),  # 1 (ndarray + traced)
            np.sum(np.float64(2.5) * x),  # 2.5 (numpy scalar * traced)
            np.sum(np.exp(x) - np.exp(x)),  # 0
        ]
        for p in parts:
            assert is_traced(p), "a numpy call on a traced value must stay traced"
        return sum(parts)

    expected = (
        np.cos(x0)
        + np.array([1.0, 2.0, 3.0])
        + 1.0
        + np.arange(6.0).reshape(2, 3)
        + 3.0
        + (x0 > 0)
        + 2 * x0 * (x0 > 0)
        + 1.0
        + 2.5
    )
    np.testing.assert_allclose(fg.grad(f)(x0), expected, rtol=1e-13)


def test_ndarray_on_the_left_of_every_operator(rng):
    x0 = rng.uniform(0.5, 2.0, size=3)
    a = rng.uniform(0.5, 2.0, size=3)

    def f(x):
        return fnp.sum(a + x) + fnp.sum(a - x) + fnp.sum(a * x) + fnp.sum(a / x) + fnp.sum(a**x)

    expected = 1 - 1 + a - a / x0**2 + np.log(a) * a**x0
    np.testing.assert_allclose(fg.grad(f)(x0), expected, rtol=1e-13)
    g = fg.grad(lambda x: a @ x)(x0)
    np.testing.assert_allclose(g, a)


def test_numpy_scalars_with_traced_values():
    def f(x):
        return np.float32(2.0) * x + x * np.int64(3) + np.float64(1.0) / x

    np.testing.assert_allclose(fg.grad(f)(2.0), 2.0 + 3.0 - 1.0 / 4.0)


# --- fnp.array / fnp.asarray of mixed lists ---------------------------------------------


def test_array_of_list_mixing_traced_and_plain():
    def f(x):
        a = fnp.array([x, 2.0 * x, 1.0])
        assert a.shape == (3,)
        return fnp.sum(a * np.array([1.0, 10.0, 100.0]))

    np.testing.assert_allclose(fg.grad(f)(3.0), 1.0 + 20.0)


def test_asarray_of_nested_list_mixing_traced_and_plain():
    def f(v):
        m = fnp.asarray([[v[0], 1.0], [2.0, v[1] * v[0]]])
        assert m.shape == (2, 2)
        return fnp.sum(m * np.array([[1.0, 0.0], [0.0, 5.0]]))

    # d/dv [v0 + 5 v0 v1] = (1 + 5 v1, 5 v0)
    np.testing.assert_allclose(fg.grad(f)(np.array([2.0, 3.0])), [16.0, 10.0])


def test_asarray_of_plain_values_is_plain():
    assert not is_traced(fnp.asarray([1.0, 2.0]))
    x = np.ones(2)
    assert fnp.asarray(x) is x


# --- broadcasting in every binary operator ----------------------------------------------

SHAPE_PAIRS = [((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 2)), ((2, 1, 3), (4, 1)), ((3,), (3,))]
BINARY = {
    "add": (lambda x, y: x + y, lambda x, y: (np.ones_like(x + y), np.ones_like(x + y))),
    "sub": (lambda x, y: x - y, lambda x, y: (np.ones_like(x + y), -np.ones_like(x + y))),
    "mul": (lambda x, y: x * y, lambda x, y: (y + 0 * x, x + 0 * y)),
    "div": (lambda x, y: x / y, lambda x, y: (1 / y + 0 * x, -x / y**2)),
    "pow": (lambda x, y: x**y, lambda x, y: (y * x ** (y - 1), np.log(x) * x**y)),
    "maximum": (fnp.maximum, lambda x, y: ((x > y) + 0 * y, (y > x) + 0 * x)),
    "minimum": (fnp.minimum, lambda x, y: ((x < y) + 0 * y, (y < x) + 0 * x)),
    "arctan2": (fnp.arctan2, lambda x, y: (y / (x**2 + y**2), -x / (x**2 + y**2))),
}


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_broadcasting_gradients(op, shapes, rng):
    fn, partials = BINARY[op]
    xs, ys = shapes
    x0 = rng.uniform(0.5, 2.0, size=xs)
    y0 = rng.uniform(0.5, 2.0, size=ys)
    w = rng.standard_normal(np.broadcast_shapes(xs, ys))
    gx, gy = fg.grad(lambda x, y: fnp.sum(fn(x, y) * w), argnums=(0, 1))(x0, y0)
    assert np.shape(gx) == xs and np.shape(gy) == ys
    dx, dy = partials(x0, y0)
    np.testing.assert_allclose(gx, _sum_to(w * dx, xs), rtol=1e-12)
    np.testing.assert_allclose(gy, _sum_to(w * dy, ys), rtol=1e-12)


@pytest.mark.parametrize(
    "xs, ys",
    [
        ((2, 3), (3, 4)),
        ((3,), (3, 2)),
        ((2, 3), (3,)),
        ((5, 2, 3), (3, 4)),
        ((2, 1, 2, 3), (4, 3, 2)),
    ],
)
def test_matmul_broadcasting_gradients(xs, ys, rng):
    x0, y0 = rng.standard_normal(xs), rng.standard_normal(ys)
    out = x0 @ y0
    u = rng.standard_normal(out.shape)
    gx, gy = fg.grad(lambda x, y: fnp.sum((x @ y) * u), argnums=(0, 1))(x0, y0)
    assert np.shape(gx) == xs and np.shape(gy) == ys
    # closed form via the promoted 2-D view: dX = U Y^T, dY = X^T U, summed over batches
    X = x0[None, :] if x0.ndim == 1 else x0
    Y = y0[:, None] if y0.ndim == 1 else y0
    U = u.reshape(np.broadcast_shapes(X.shape[:-2], Y.shape[:-2]) + (X.shape[-2], Y.shape[-1]))
    dX = _sum_to(U @ np.swapaxes(Y, -1, -2), X.shape).reshape(xs)
    dY = _sum_to(np.swapaxes(X, -1, -2) @ U, Y.shape).reshape(ys)
    np.testing.assert_allclose(gx, dX, rtol=1e-12)
    np.testing.assert_allclose(gy, dY, rtol=1e-12)


def test_unary_operators():
    x0 = np.array([-2.0, 0.5, 3.0])
    g = fg.grad(lambda x: fnp.sum(-x * 2.0) + fnp.sum(+x) + fnp.sum(abs(x) * 3.0))(x0)
    np.testing.assert_array_equal(g, -2.0 + 1.0 + 3.0 * np.sign(x0))


# --- power edge cases -------------------------------------------------------------------


def test_power_zero_exponent_at_zero():
    assert fg.grad(lambda x: x**0)(0.0) == 0.0
    assert fg.grad(lambda x: x**0.0)(0.0) == 0.0
    np.testing.assert_array_equal(fg.grad(lambda x: fnp.sum(x**0))(np.zeros(3)), np.zeros(3))


def test_power_square_at_zero():
    assert fg.grad(lambda x: x**2)(0.0) == 0.0
    assert fg.grad(fg.grad(lambda x: x**2))(0.0) == 2.0


def test_power_traced_zero_exponent_at_zero_base():
    # exponent traced too: d/dx x**y at x = 0, y = 0 is 0 (not 0 * inf = nan)
    gx, gy = fg.grad(lambda x, y: x**y, argnums=(0, 1))(0.0, 0.0)
    assert gx == 0.0 and gy == 0.0


def test_power_array_zero_exponent_at_zero_base_orders_1_and_2():
    y = np.array([0.0, 2.0, 0.0])

    def f(x):
        return fnp.sum(x**y)

    x0 = np.zeros(3)
    np.testing.assert_array_equal(fg.grad(f)(x0), [0.0, 0.0, 0.0])
    # d2/dx2: 0 where y == 0, y (y - 1) x**(y - 2) = 2 where y == 2
    np.testing.assert_array_equal(fg.grad(lambda x: fnp.sum(fg.grad(f)(x)))(x0), [0.0, 2.0, 0.0])
    # and with the exponent traced at an outer level
    g2 = fg.grad(lambda y: fg.grad(lambda x: x**y)(0.0))(0.0)
    assert g2 == 0.0  # the rule's convention where y == 0 (was 0 * inf = nan)


def test_power_grad_wrt_exponent_at_base_zero_is_zero_not_nan():
    g = fg.grad(lambda y: fnp.power(0.0, y))(2.0)
    assert g == 0.0
    g = fg.grad(lambda x, y: fnp.sum(x**y), argnums=1)(np.array([0.0, 2.0]), np.array([3.0, 3.0]))
    np.testing.assert_allclose(g, [0.0, np.log(2.0) * 8.0])
    assert np.all(np.isfinite(g))


def test_power_grad_wrt_exponent_second_order_at_base_zero():
    g2 = fg.grad(fg.grad(lambda y: fnp.power(0.0, y)))(2.0)
    assert g2 == 0.0


def test_power_with_python_scalar_base():
    np.testing.assert_allclose(fg.grad(lambda x: 2.0**x)(3.0), np.log(2.0) * 8.0)


# --- clip and where ---------------------------------------------------------------------


def test_clip_gradient_is_one_at_the_bounds():
    x0 = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    g = fg.grad(lambda x: fnp.sum(fnp.clip(x, 0.0, 1.0)))(x0)
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_clip_one_sided():
    x0 = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(
        fg.grad(lambda x: fnp.sum(fnp.clip(x, 0.0, None)))(x0), [0.0, 1.0, 1.0]
    )
    np.testing.assert_array_equal(
        fg.grad(lambda x: fnp.sum(fnp.clip(x, None, 0.0)))(x0), [1.0, 1.0, 0.0]
    )


def test_clip_gradient_flows_to_traced_bounds():
    x0 = np.array([-1.0, 0.5, 2.0])
    glo, ghi = fg.grad(lambda lo, hi: fnp.sum(fnp.clip(x0, lo, hi)), argnums=(0, 1))(0.0, 1.0)
    assert glo == 1.0 and ghi == 1.0


def test_where_with_traced_condition():
    x0 = np.array([0.0, 2.0, -3.0])
    # the traced value itself as the condition: nonzero is True; no gradient through it
    g = fg.grad(lambda x: fnp.sum(fnp.where(x, x**2, 10.0 * x)))(x0)
    np.testing.assert_array_equal(g, [10.0, 4.0, -6.0])


def test_where_gradient_goes_to_both_branches():
    x0 = np.array([-1.0, 2.0])
    y0 = np.array([5.0, 7.0])
    gx, gy = fg.grad(lambda x, y: fnp.sum(fnp.where(x > 0, x * y, y**2)), argnums=(0, 1))(x0, y0)
    np.testing.assert_array_equal(gx, [0.0, 7.0])
    np.testing.assert_array_equal(gy, [10.0, 2.0])


def test_where_gradient_follows_the_chosen_branch_only():
    x0 = np.array([4.0, 1.0])
    g = fg.grad(lambda x: fnp.sum(fnp.where(x > 2.0, fnp.sqrt(x), x**3)))(x0)
    np.testing.assert_allclose(g, [1 / (2 * 2.0), 3 * 1.0**2])
