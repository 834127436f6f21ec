"""Values and documented special points of the elementwise ops, reductions and scans.

The registry table checks every rule at orders 1 and 2 on distinct, finite values;
this file checks values against numpy and the points the table never draws: zeros in
cumprod, constant slices in std, NaNs, ties, kinks, x == 0 in sinc.
"""

import math
import warnings

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.testing import check_grads

X = np.array([[0.3, -1.2, 2.5], [1.7, 0.4, -0.8]])
POS = np.abs(X) + 0.5


@pytest.fixture(autouse=True)
def _no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --- values match numpy ---------------------------------------------------------------

_UNARY = [
    "exp2",
    "cbrt",
    "deg2rad",
    "rad2deg",
    "radians",
    "degrees",
    "sinc",
    "arcsinh",
    "fabs",
    "reciprocal",
    "floor",
    "ceil",
    "trunc",
    "rint",
    "round",
    "around",
]
_BINARY = [
    "logaddexp",
    "logaddexp2",
    "hypot",
    "fmax",
    "fmin",
    "mod",
    "fmod",
    "remainder",
    "heaviside",
]


@pytest.mark.parametrize("name", _UNARY)
def test_unary_values(name):
    np.testing.assert_array_equal(getattr(fnp, name)(X), getattr(np, name)(X))


@pytest.mark.parametrize("name", ["log2", "log10", "arccosh"])
def test_unary_values_positive(name):
    np.testing.assert_array_equal(getattr(fnp, name)(POS + 1), getattr(np, name)(POS + 1))
    np.testing.assert_array_equal(fnp.arctanh(X / 3), np.arctanh(X / 3))


@pytest.mark.parametrize("name", _BINARY)
def test_binary_values(name):
    y = X[::-1, ::-1] + 0.05
    np.testing.assert_array_equal(getattr(fnp, name)(X, y), getattr(np, name)(X, y))
    np.testing.assert_array_equal(fnp.float_power(POS, X), np.float_power(POS, X))


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("var", {"axis": 1, "ddof": 1}),
        ("std", {"axis": 0, "keepdims": True}),
        ("median", {"axis": None}),
        ("median", {"axis": 1}),
        ("ptp", {"axis": 0}),
        ("nansum", {}),
        ("nanmean", {"axis": -1}),
        ("nanmax", {"axis": 0}),
        ("nanmin", {}),
        ("cumsum", {}),
        ("cumprod", {"axis": 1}),
        ("average", {"axis": 0}),
    ],
)
def test_reduction_values(name, kwargs):
    np.testing.assert_allclose(getattr(fnp, name)(X, **kwargs), getattr(np, name)(X, **kwargs))


def test_numpy_functions_dispatch_on_traced_values():
    def f(x):
        return np.var(x, ddof=1) + np.cumsum(x)[-1] + np.median(x) + np.floor(x).sum()

    g = fg.grad(f)(np.array([1.0, 2.0, 4.0]))
    # var: x - mean = [-4/3, -1/3, 5/3]; cumsum[-1]: 1 each; median: the middle, 2.0
    np.testing.assert_allclose(g, [-1 / 3, 5 / 3, 8 / 3])


# --- zero-gradient functions ----------------------------------------------------------


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "rint", "round", "around", "sign"])
def test_piecewise_constant_functions_have_zero_gradient(name):
    f = getattr(fnp, name)
    g = fg.grad(lambda x: fnp.sum(f(x) * x))(X)
    np.testing.assert_array_equal(g, getattr(np, name)(X))  # d/dx (c x) = c


def test_round_decimals_and_heaviside():
    np.testing.assert_array_equal(fnp.round(X, 1), np.round(X, 1))
    np.testing.assert_array_equal(fnp.heaviside(np.array([-1.0, 0.0, 2.0]), 0.5), [0.0, 0.5, 1.0])


# --- elementwise special points -------------------------------------------------------


def test_sinc_at_zero_orders_1_to_3():
    d1 = fg.grad(fnp.sinc)
    d2 = fg.grad(d1)
    d3 = fg.grad(d2)
    assert d1(0.0) == 0.0
    assert d2(0.0) == pytest.approx(-(math.pi**2) / 3, rel=1e-15)
    assert d3(0.0) == 0.0
    for x in (1e-3, 0.0999, 0.1, 0.1001, -0.7, 2.5):  # both sides of the series' edge
        check_grads(fnp.sinc, (np.array([x]),), order=3)
    assert fnp.sinc(np.float32(0.3)).dtype == np.float32


def test_nan_to_num_gradient_passes_where_finite():
    x = np.array([1.0, np.nan, np.inf, -np.inf, -2.0])
    out = fnp.nan_to_num(x, nan=-1.0, posinf=9.0, neginf=-9.0)
    np.testing.assert_array_equal(out, [1.0, -1.0, 9.0, -9.0, -2.0])
    g = fg.grad(lambda v: fnp.sum(fnp.nan_to_num(v, posinf=9.0, neginf=-9.0) * 3))(x)
    np.testing.assert_array_equal(g, [3.0, 0.0, 0.0, 0.0, 3.0])
    assert not x.flags.writeable or np.isnan(x[1])  # the input is untouched


def test_fmax_fmin_gradient_goes_to_the_number_not_the_nan():
    x = np.array([1.0, np.nan, 3.0, np.nan, 2.0])
    y = np.array([np.nan, 2.0, 1.0, np.nan, 2.0])
    gx, gy = fg.grad(lambda a, b: fnp.nansum(fnp.fmax(a, b)), argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, [1.0, 0.0, 1.0, 0.0, 0.5])
    np.testing.assert_array_equal(gy, [0.0, 1.0, 0.0, 0.0, 0.5])
    gx, gy = fg.grad(lambda a, b: fnp.nansum(fnp.fmin(a, b)), argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, [1.0, 0.0, 0.0, 0.0, 0.5])
    np.testing.assert_array_equal(gy, [0.0, 1.0, 1.0, 0.0, 0.5])


@pytest.mark.parametrize(
    "name, integer", [("mod", np.floor), ("remainder", np.floor), ("fmod", np.trunc)]
)
def test_mod_gradients(name, integer):
    x = np.array([5.3, -5.3, 5.3, -5.3, 0.7])
    y = np.array([2.0, 2.0, -2.0, -2.0, 3.0])
    gx, gy = fg.grad(lambda a, b: fnp.sum(getattr(fnp, name)(a, b)), argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, np.ones(5))
    np.testing.assert_array_equal(gy, -integer(x / y))
    check_grads(lambda a, b: getattr(fnp, name)(a, b), (x, y), order=2)


@pytest.mark.parametrize("f", [fnp.logaddexp, fnp.logaddexp2])
def test_logaddexp_of_two_minus_infinities(f):
    ninf = np.array([-np.inf, 0.0])
    assert f(ninf, ninf)[0] == -np.inf
    gx, gy = fg.grad(lambda a, b: fnp.sum(f(a, b)), argnums=(0, 1))(ninf, ninf)
    np.testing.assert_array_equal(gx, [0.0, 0.5])
    np.testing.assert_array_equal(gy, [0.0, 0.5])
    big = np.array([1e4, 1e4])
    np.testing.assert_allclose(fg.grad(lambda a: fnp.logaddexp(a[0], a[1]))(big), [0.5, 0.5])


def test_float_power_computes_in_float64_and_keeps_gradient_dtypes():
    x = np.array([1.5, 2.0], np.float32)
    assert fnp.float_power(x, 2.0).dtype == np.float64
    g = fg.grad(lambda v: fnp.sum(fnp.float_power(v, 3.0)))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 3 * x.astype(np.float64) ** 2)


# --- scans --------------------------------------------------------------------------


def _cumprod_jacobian(x):
    """d cumprod[i] / d x[j] = prod_{k <= i, k != j} x[k], by brute force."""
    n = len(x)
    jac = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1):
            jac[i, j] = np.prod([x[k] for k in range(i + 1) if k != j])
    return jac


@pytest.mark.parametrize(
    "x",
    [[2.0, 0.0, 3.0, 0.0, 1.5], [0.0, 0.0, 2.0], [1.5, -2.0, 0.0], [0.0], [3.0, 0.5, -1.0, 2.0]],
)
def test_cumprod_is_exact_with_zeros(x):
    x = np.array(x)
    jac = _cumprod_jacobian(x)
    np.testing.assert_allclose(fg.jacrev(fnp.cumprod)(x), jac, atol=1e-15)
    np.testing.assert_allclose(fg.jacfwd(fnp.cumprod)(x), jac, atol=1e-15)
    # order 2: the Hessian of the last product, d^2 / dx_j dx_k = prod of the others
    n = len(x)
    hess = np.array(
        [[0.0 if j == k else np.prod(np.delete(x, [j, k])) for k in range(n)] for j in range(n)]
    )
    np.testing.assert_allclose(fg.hessian(lambda v: fnp.cumprod(v)[-1])(x), hess, atol=1e-15)
    check_grads(fnp.cumprod, (x,), order=3)


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_scans_along_axes(axis):
    x = np.array([[1.0, 0.0, 2.0], [0.5, -1.0, 0.0]])
    np.testing.assert_array_equal(fnp.cumprod(x, axis=axis), np.cumprod(x, axis=axis))
    np.testing.assert_array_equal(fnp.cumsum(x, axis=axis), np.cumsum(x, axis=axis))
    check_grads(lambda v: fnp.cumprod(v, axis=axis), (x,), order=2)
    check_grads(lambda v: fnp.cumsum(v, axis=axis), (x,), order=2)
    assert fnp.cumsum(x, axis=axis, dtype=np.float32).dtype == np.float32


def test_scan_axis_must_be_an_int():
    with pytest.raises(TypeError, match="axis must be None or an int"):
        fnp.cumsum(np.ones((2, 2)), axis=(0, 1))


# --- statistics ---------------------------------------------------------------------


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_var_std_ddof_and_correction(ddof):
    np.testing.assert_allclose(fnp.var(X, ddof=ddof), np.var(X, ddof=ddof))
    np.testing.assert_allclose(fnp.std(X, axis=1, correction=ddof), np.std(X, axis=1, ddof=ddof))
    g = fg.grad(lambda v: fnp.var(v, ddof=ddof))(X)
    np.testing.assert_allclose(g, 2 * (X - X.mean()) / (X.size - ddof))
    with pytest.raises(ValueError, match="ddof and correction"):
        fnp.var(X, ddof=1, correction=1)
    assert fnp.var(X.astype(np.float32)).dtype == np.float32
    assert fnp.std(X, dtype=np.float32).dtype == np.float32


def test_std_at_a_constant_slice_has_zero_gradient():
    x = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
    g = fg.grad(lambda v: fnp.sum(fnp.std(v, axis=1)))(x)
    np.testing.assert_array_equal(g[0], [0.0, 0.0, 0.0])
    c = x[1] - x[1].mean()
    np.testing.assert_allclose(g[1], c / (3 * np.std(x[1])))
    h = fg.hessian(lambda v: fnp.std(v))(np.full(3, 5.0))
    np.testing.assert_array_equal(h, np.zeros((3, 3)))
    _, tangent = fg.jvp(lambda v: fnp.std(v), (np.full(3, 5.0),), (np.ones(3),))
    assert tangent == 0.0


def test_median_gradient_goes_to_the_middle():
    odd = np.array([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(fg.grad(fnp.median)(odd), [0.0, 0.0, 1.0])
    even = np.array([[4.0, 1.0, 3.0, 2.0], [0.0, 5.0, 6.0, 7.0]])
    g = fg.grad(lambda v: fnp.sum(fnp.median(v, axis=1)))(even)
    np.testing.assert_array_equal(g, [[0.0, 0.0, 0.5, 0.5], [0.0, 0.5, 0.5, 0.0]])
    g = fg.grad(lambda v: fnp.median(v, axis=(0, 1)))(even)  # 8 values: 3 and 4 in the middle
    np.testing.assert_array_equal(g, [[0.5, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(
        fnp.median(even, axis=0, keepdims=True), np.median(even, axis=0, keepdims=True)
    )


def test_average_with_weights():
    w = np.array([1.0, 2.0, 5.0])
    np.testing.assert_allclose(fnp.average(X, axis=1, weights=w), np.average(X, axis=1, weights=w))
    ga, gw = fg.grad(lambda a, w: fnp.sum(fnp.average(a, axis=1, weights=w)), argnums=(0, 1))(X, w)
    np.testing.assert_allclose(ga, np.broadcast_to(w / w.sum(), X.shape))
    avg = np.average(X, axis=1, weights=w)
    np.testing.assert_allclose(gw, ((X - avg[:, None]) / w.sum()).sum(axis=0))
    check_grads(lambda a, w: fnp.average(a, axis=1, weights=w), (X, w), order=2)
    # tuple axes with weights shaped like a along them (numpy 2)
    a = np.arange(24.0).reshape(2, 3, 4)
    w2 = np.arange(1.0, 9.0).reshape(2, 4)
    np.testing.assert_allclose(
        fnp.average(a, axis=(0, 2), weights=w2), np.average(a, axis=(0, 2), weights=w2)
    )
    avg, total = fnp.average(X, axis=0, weights=X * 0 + 2.0, returned=True)
    ref_avg, ref_total = np.average(X, axis=0, weights=X * 0 + 2.0, returned=True)
    np.testing.assert_allclose(avg, ref_avg)
    np.testing.assert_allclose(total, ref_total)
    avg, total = fnp.average(X, axis=1, returned=True)
    np.testing.assert_allclose(total, np.average(X, axis=1, returned=True)[1])
    with pytest.raises(TypeError, match="Axis must be specified"):
        fnp.average(X, weights=w)


def test_nan_reductions_ignore_nans():
    x = np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, 2.0]])
    g = fg.grad(lambda v: fnp.nansum(v) * 2)(x)
    np.testing.assert_array_equal(g, [[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])
    # (an op before the reduction whose derivative is NaN at the NaNs, such as v * v,
    # still gives NaN there: 0 * NaN, as in every framework)
    g = fg.grad(lambda v: fnp.sum(fnp.nanmean(v, axis=1)))(x)
    np.testing.assert_array_equal(g, [[0.5, 0.0, 0.5], [0.0, 0.5, 0.5]])
    g = fg.grad(lambda v: fnp.sum(fnp.nanmax(v, axis=1)))(x)
    np.testing.assert_array_equal(g, [[0.0, 0.0, 1.0], [0.0, 0.5, 0.5]])  # the tie splits
    g = fg.grad(lambda v: fnp.nanmin(v))(x)
    np.testing.assert_array_equal(g, [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    _, t = fg.jvp(lambda v: fnp.nanmean(v), (x,), (np.ones_like(x),))
    assert t == 1.0


def test_ptp_gradient():
    x = np.array([[1.0, 4.0, 2.0], [3.0, 3.0, 0.0]])
    g = fg.grad(lambda v: fnp.sum(fnp.ptp(v, axis=1)))(x)
    np.testing.assert_array_equal(g, [[-1.0, 1.0, 0.0], [0.5, 0.5, -1.0]])
    np.testing.assert_array_equal(fg.grad(fnp.ptp)(np.array([2.0])), [0.0])
