"""Classic functions: gradients and second derivatives against closed forms derived by hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.testing import assert_trees_allclose, check_grads

RTOL = 1e-12
ATOL = 1e-14  # for entries that are zero in exact arithmetic


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --- the functions, written with funcgrad.numpy -----------------------------------------


def quadratic_form(x, A):
    return x @ A @ x


def least_squares(w, X, y):
    r = X @ w - y
    return 0.5 * fnp.sum(r * r)


def logistic_loss(w, X, y):  # labels y in {-1, +1}
    m = y * (X @ w)
    return fnp.mean(fnp.log1p(fnp.exp(-m)))


def softmax_cross_entropy(Z, onehot):
    m = fnp.max(Z, axis=1, keepdims=True)
    lse = fnp.log(fnp.sum(fnp.exp(Z - m), axis=1)) + m[:, 0]
    return fnp.mean(lse - fnp.sum(Z * onehot, axis=1))


def rosenbrock(x):
    return fnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def mlp_loss(p, X, Y):
    H = fnp.tanh(X @ p["W1"] + p["b1"])
    out = H @ p["W2"] + p["b2"]
    return 0.5 * fnp.sum((out - Y) ** 2) / X.shape[0]


def logsumexp(x):
    m = fnp.max(x)
    return m + fnp.log(fnp.sum(fnp.exp(x - m)))


def norm(x):
    return fnp.sqrt(fnp.sum(x**2))


def product(x):
    return fnp.prod(x)


def maximum(x):
    return fnp.max(x)


COEFFS = np.array([0.5, -1.0, 2.0, 0.25, -0.75])  # c0 + c1 x + ... + c4 x**4


def horner(x):
    acc = 0.0 * x + COEFFS[-1]
    for c in COEFFS[-2::-1]:
        acc = acc * x + c
    return fnp.sum(acc)


def sigmoid_sum(x):
    return fnp.sum(1.0 / (1.0 + fnp.exp(-x)))


# --- closed-form gradients, derived by hand ---------------------------------------------


def quadratic_form_grad(x, A):
    return (A + A.T) @ x


def least_squares_grad(w, X, y):
    return X.T @ (X @ w - y)


def logistic_loss_grad(w, X, y):
    m = y * (X @ w)
    return -X.T @ (y * _sigmoid(-m)) / len(y)


def softmax_cross_entropy_grad(Z, onehot):
    return (_softmax(Z, axis=1) - onehot) / Z.shape[0]


def rosenbrock_grad(x):
    g = np.zeros_like(x)
    d = x[1:] - x[:-1] ** 2
    g[:-1] += -400.0 * x[:-1] * d - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * d
    return g


def mlp_loss_grad(p, X, Y):
    n = X.shape[0]
    H = np.tanh(X @ p["W1"] + p["b1"])
    out = H @ p["W2"] + p["b2"]
    d_out = (out - Y) / n
    d_pre = (d_out @ p["W2"].T) * (1.0 - H**2)
    return {"W1": X.T @ d_pre, "b1": d_pre.sum(0), "W2": H.T @ d_out, "b2": d_out.sum(0)}


def logsumexp_grad(x):
    return _softmax(x)


def norm_grad(x):
    return x / np.sqrt(np.sum(x**2))


def product_grad(x):
    return np.array([np.prod(np.delete(x, i)) for i in range(x.size)])


def maximum_grad(x):
    chosen = (x == x.max()).astype(float)
    return chosen / chosen.sum()


def horner_grad(x):
    k = np.arange(1, len(COEFFS))
    return sum(kk * c * x ** (kk - 1) for kk, c in zip(k, COEFFS[1:]))


def sigmoid_sum_grad(x):
    s = _sigmoid(x)
    return s * (1.0 - s)


# --- the table --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    f: Callable[..., Any]
    args: Callable[[np.random.Generator], tuple]  # the first argument is differentiated
    grad: Callable[..., Any]


def _onehot(rng, n, k):
    return np.eye(k)[rng.integers(0, k, size=n)]


def _mlp_args(rng):
    p = {
        "W1": rng.standard_normal((3, 5)) * 0.7,
        "b1": rng.standard_normal(5) * 0.1,
        "W2": rng.standard_normal((5, 2)) * 0.7,
        "b2": rng.standard_normal(2) * 0.1,
    }
    return p, rng.standard_normal((6, 3)), rng.standard_normal((6, 2))


CASES = [
    Case(
        "quadratic_form",
        quadratic_form,
        lambda r: (r.standard_normal(4), r.standard_normal((4, 4))),
        quadratic_form_grad,
    ),
    Case(
        "least_squares",
        least_squares,
        lambda r: (r.standard_normal(3), r.standard_normal((8, 3)), r.standard_normal(8)),
        least_squares_grad,
    ),
    Case(
        "logistic_loss",
        logistic_loss,
        lambda r: (
            r.standard_normal(3),
            r.standard_normal((10, 3)),
            r.choice([-1.0, 1.0], size=10),
        ),
        logistic_loss_grad,
    ),
    Case(
        "softmax_cross_entropy",
        softmax_cross_entropy,
        lambda r: (r.standard_normal((5, 4)) * 3.0, _onehot(r, 5, 4)),
        softmax_cross_entropy_grad,
    ),
    Case("rosenbrock", rosenbrock, lambda r: (r.uniform(-1.5, 1.5, size=5),), rosenbrock_grad),
    Case("mlp_tanh_2_layer", mlp_loss, _mlp_args, mlp_loss_grad),
    Case("logsumexp", logsumexp, lambda r: (r.standard_normal(6) * 2.0,), logsumexp_grad),
    Case("norm", norm, lambda r: (r.standard_normal(5),), norm_grad),
    Case(
        "product",
        product,
        lambda r: (r.uniform(0.5, 2.0, size=5) * r.choice([-1, 1], 5),),
        product_grad,
    ),
    Case("max", maximum, lambda r: (r.permutation(7).astype(float) * 0.3,), maximum_grad),
    Case("horner_polynomial", horner, lambda r: (r.uniform(-2.0, 2.0, size=4),), horner_grad),
    Case("sigmoid", sigmoid_sum, lambda r: (r.standard_normal(5) * 2.0,), sigmoid_sum_grad),
]
IDS = [c.name for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_matches_closed_form(case, rng):
    args = case.args(rng)
    g = fg.grad(case.f)(*args)
    assert_trees_allclose(g, case.grad(*args), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_value_and_grad_value_is_the_function(case, rng):
    args = case.args(rng)
    value, _ = fg.value_and_grad(case.f)(*args)
    np.testing.assert_allclose(value, case.f(*args), rtol=1e-15)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_check_grads_order_2(case, rng):
    args = case.args(rng)
    x, rest = args[0], args[1:]
    check_grads(lambda x: case.f(x, *rest), (x,), order=2)


# --- special points ---------------------------------------------------------------------


def test_rosenbrock_minimum_has_zero_gradient():
    np.testing.assert_array_equal(fg.grad(rosenbrock)(np.ones(4)), np.zeros(4))


@pytest.mark.parametrize(
    "x, expected",
    [
        ([2.0, 0.0, 3.0], [0.0, 6.0, 0.0]),  # one zero: only its own slot is non-zero
        ([2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]),  # two zeros: everything vanishes
        ([-1.5], [1.0]),
    ],
)
def test_product_with_zeros(x, expected):
    np.testing.assert_array_equal(fg.grad(product)(np.array(x)), expected)


@pytest.mark.parametrize(
    "x, expected",
    [
        ([1.0, 3.0, 3.0, 2.0], [0.0, 0.5, 0.5, 0.0]),
        ([4.0, 4.0, 4.0], [1 / 3, 1 / 3, 1 / 3]),
        ([5.0, 1.0], [1.0, 0.0]),
    ],
)
def test_max_with_ties_splits_the_gradient_evenly(x, expected):
    np.testing.assert_allclose(fg.grad(maximum)(np.array(x)), expected, rtol=1e-15)


def test_max_along_an_axis_with_ties():
    x = np.array([[1.0, 2.0, 2.0], [7.0, 0.0, 7.0], [3.0, 3.0, 3.0]])
    g = fg.grad(lambda x: fnp.sum(fnp.max(x, axis=1) * np.array([1.0, 2.0, 3.0])))(x)
    expected = np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    np.testing.assert_allclose(g, expected, rtol=1e-15)


def test_logsumexp_is_stable_for_large_inputs():
    x = np.array([1000.0, 1000.0, 990.0])
    value, g = fg.value_and_grad(logsumexp)(x)
    assert np.isfinite(value) and np.all(np.isfinite(g))
    np.testing.assert_allclose(g, _softmax(x), rtol=RTOL)


# --- second derivatives -----------------------------------------------------------------


def _hvp(f, x, v, *rest):
    """grad of (grad f . v): a Hessian-vector product by reverse over reverse."""
    return fg.grad(lambda x: fnp.sum(fg.grad(f)(x, *rest) * v))(x)


def test_quadratic_form_hessian_vector_product(rng):
    x, A, v = rng.standard_normal(4), rng.standard_normal((4, 4)), rng.standard_normal(4)
    np.testing.assert_allclose(_hvp(quadratic_form, x, v, A), (A + A.T) @ v, rtol=RTOL)


def test_least_squares_hessian_vector_product(rng):
    w, X, y = rng.standard_normal(3), rng.standard_normal((8, 3)), rng.standard_normal(8)
    v = rng.standard_normal(3)
    np.testing.assert_allclose(_hvp(least_squares, w, v, X, y), X.T @ (X @ v), rtol=RTOL)


def test_logistic_loss_hessian_vector_product(rng):
    w, X = rng.standard_normal(3), rng.standard_normal((10, 3))
    y, v = rng.choice([-1.0, 1.0], size=10), rng.standard_normal(3)
    s = _sigmoid(y * (X @ w))
    expected = X.T @ (s * (1 - s) * (X @ v)) / len(y)  # X^T diag(s(1-s)) X v / n
    np.testing.assert_allclose(_hvp(logistic_loss, w, v, X, y), expected, rtol=RTOL)


def test_rosenbrock_hessian_vector_product(rng):
    x, v = rng.uniform(-1.5, 1.5, size=5), rng.standard_normal(5)
    n = x.size
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        H[i + 1, i + 1] += 200.0
        H[i, i + 1] = H[i + 1, i] = -400.0 * x[i]
    np.testing.assert_allclose(_hvp(rosenbrock, x, v), H @ v, rtol=1e-11)


def test_softmax_cross_entropy_hessian_vector_product(rng):
    Z, Y, V = rng.standard_normal((5, 4)), _onehot(rng, 5, 4), rng.standard_normal((5, 4))
    P = _softmax(Z, axis=1)
    # per row, (diag(p) - p p^T) v, averaged over rows
    expected = (P * V - P * np.sum(P * V, axis=1, keepdims=True)) / Z.shape[0]
    np.testing.assert_allclose(
        _hvp(softmax_cross_entropy, Z, V, Y), expected, rtol=1e-11, atol=1e-15
    )


@pytest.mark.parametrize("x", [-3.0, -0.4, 0.0, 1.7])
def test_sigmoid_second_and_third_derivative(x):
    s = _sigmoid(x)
    d2 = fg.grad(fg.grad(sigmoid_sum))(x)
    d3 = fg.grad(fg.grad(fg.grad(sigmoid_sum)))(x)
    np.testing.assert_allclose(d2, s * (1 - s) * (1 - 2 * s), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(d3, s * (1 - s) * (1 - 6 * s + 6 * s * s), rtol=1e-11, atol=1e-16)


def test_horner_second_derivative(rng):
    x = rng.uniform(-2.0, 2.0, size=4)
    d2 = fg.grad(lambda x: fnp.sum(fg.grad(horner)(x)))(x)
    expected = sum(k * (k - 1) * c * x ** (k - 2) for k, c in enumerate(COEFFS) if k >= 2)
    np.testing.assert_allclose(d2, expected, rtol=RTOL)


def test_product_hessian_with_a_zero():
    x = np.array([2.0, 0.0, 3.0, 4.0])
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                H[i, j] = np.prod([x[k] for k in range(n) if k not in (i, j)])
    for i in range(n):
        e = np.eye(n)[i]
        np.testing.assert_array_equal(_hvp(product, x, e), H[:, i])


def test_norm_hessian_vector_product(rng):
    x, v = rng.standard_normal(5), rng.standard_normal(5)
    r = np.sqrt(np.sum(x**2))
    u = x / r
    np.testing.assert_allclose(_hvp(norm, x, v), (v - u * (u @ v)) / r, rtol=1e-11)
