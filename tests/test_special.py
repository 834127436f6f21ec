"""funcgrad.scipy.special: values (closed forms, the math module, scipy when installed),
edge cases (-inf, 1e4, poles, x == 0), float32, and derivatives past the table's order 2.

The registry table checks every function's rules at orders 1 and 2; this file checks
what the table cannot: values, special points, and stability.
"""

import math
import warnings

import numpy as np
import pytest

import funcgrad as fg
from funcgrad.extend import primitive_of
from funcgrad.scipy import special
from funcgrad.testing import check_grads

EULER = 0.5772156649015329
ZETA3 = 1.2020569031595942


def test_every_public_name_is_registered():
    missing = [n for n in special.__all__ if primitive_of(getattr(special, n)) is None]
    assert not missing


# --- values -------------------------------------------------------------------------


def test_erf_erfc_match_math():
    x = np.linspace(-6, 27, 331)
    np.testing.assert_array_equal(special.erf(x), [math.erf(v) for v in x])
    np.testing.assert_array_equal(special.erfc(x), [math.erfc(v) for v in x])
    assert special.erfc(27.0) > 0  # no cancellation: 1 - erf would give 0


def test_gammaln_matches_math_and_poles():
    x = np.concatenate([np.linspace(-9.7, 40, 200), [1e-300, 1e300]])
    np.testing.assert_array_equal(special.gammaln(x), [math.lgamma(v) for v in x])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        poles = special.gammaln(np.array([0.0, -1.0, -7.0]))
    assert np.all(poles == np.inf)


@pytest.mark.parametrize(
    "n, x, expected",
    [
        (0, 1.0, -EULER),
        (0, 0.5, -EULER - 2 * math.log(2)),
        (0, 5.0, 1 + 1 / 2 + 1 / 3 + 1 / 4 - EULER),
        (0, -0.5, 2 - EULER - 2 * math.log(2)),
        (0, 1e10, math.log(1e10) - 0.5e-10),
        (1, 1.0, math.pi**2 / 6),
        (1, 0.5, math.pi**2 / 2),
        (1, -0.5, math.pi**2 / 2 + 4),
        (2, 1.0, -2 * ZETA3),
        (3, 1.0, math.pi**4 / 15),
        (1, 1e300, 1e-300),
    ],
)
def test_polygamma_closed_forms(n, x, expected):
    assert special.polygamma(n, x) == pytest.approx(expected, rel=2e-15, abs=1e-300)


def test_digamma_near_its_positive_zero():
    x0 = 1.4616321449683622  # the zero, rounded: psi(x0) = psi'(x0) (x0 - zero)
    assert special.digamma(x0) == pytest.approx(-9.241265521729427e-17, rel=1e-12)
    assert special.digamma(1.3) == pytest.approx(-0.1691908888667996, rel=1e-14)


def test_polygamma_poles_and_infinities_follow_scipy():
    x = np.array([0.0, -0.0, -3.0, np.inf, -np.inf, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        psi0 = special.digamma(x)
        psi1 = special.polygamma(1, x)
        psi2 = special.polygamma(2, x)
    np.testing.assert_array_equal(psi0, [-np.inf, np.inf, np.nan, np.inf, np.nan, np.nan])
    np.testing.assert_array_equal(psi1, [np.inf, np.inf, np.inf, 0.0, np.inf, np.nan])
    np.testing.assert_array_equal(psi2, [-np.inf, -np.inf, -np.inf, 0.0, -np.inf, np.nan])


def test_polygamma_needs_a_static_non_negative_int():
    with pytest.raises(ValueError, match="non-negative integer"):
        special.polygamma(-1, 1.0)
    with pytest.raises(ValueError, match="non-negative integer"):
        special.polygamma(1.5, 1.0)


def test_expit_logit_extremes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
        y = special.expit(x)
        np.testing.assert_array_equal(y, [0.0, math.exp(-40) / (1 + math.exp(-40)), 0.5, 1.0, 1.0])
        g = fg.grad(lambda v: special.expit(v).sum())(x)
        assert np.all(np.isfinite(g)) and g[0] == 0.0 and g[-1] == 0.0
        assert g[1] == pytest.approx(math.exp(-40), rel=1e-12)  # not 0: no cancellation
        assert g[3] == pytest.approx(math.exp(-40), rel=1e-12)
        logits = special.logit(np.array([0.0, 1.0, 1.5]))
        np.testing.assert_array_equal(logits, [-np.inf, np.inf, np.nan])
    p = np.linspace(0.01, 0.99, 9)
    np.testing.assert_allclose(special.expit(special.logit(p)), p, rtol=1e-14)


def test_xlogy_is_zero_where_x_is_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = np.array([0.0, 0.0, 0.0, 2.0, 1.0])
        out = special.xlogy(x, np.array([0.0, -1.0, np.nan, 0.0, -1.0]))
        np.testing.assert_array_equal(out, [0.0, 0.0, np.nan, -np.inf, np.nan])
        # d/dy is x / y: 0 where x == 0, even at y == 0
        assert fg.grad(lambda y: special.xlogy(0.0, y))(0.0) == 0.0
        assert fg.grad(special.xlogy)(0.0, 2.0) == pytest.approx(math.log(2.0))
        assert fg.grad(special.xlogy, argnums=1)(3.0, 2.0) == pytest.approx(1.5)


# --- logsumexp and the softmax family -------------------------------------------------


def test_logsumexp_is_stable_at_1e4():
    x = np.array([1e4, 1e4 + 1.0, 1e4 - 2.0])
    shifted = np.array([0.0, 1.0, -2.0])
    p = np.exp(shifted) / np.exp(shifted).sum()
    assert special.logsumexp(x) == pytest.approx(1e4 + math.log(np.exp(shifted).sum()), rel=1e-15)
    np.testing.assert_allclose(fg.grad(special.logsumexp)(x), p, rtol=1e-12)
    q = np.exp(-shifted) / np.exp(-shifted).sum()
    np.testing.assert_allclose(fg.grad(special.logsumexp)(-x), q, rtol=1e-12)
    h = fg.hessian(special.logsumexp)(x)
    np.testing.assert_allclose(h, np.diag(p) - np.outer(p, p), atol=1e-12)
    np.testing.assert_allclose(special.softmax(x), p, rtol=1e-12)
    np.testing.assert_allclose(special.log_softmax(x), np.log(p), rtol=1e-12)
    np.testing.assert_allclose(
        fg.grad(lambda v: special.log_softmax(v)[1])(x), np.eye(3)[1] - p, atol=1e-12
    )


def test_logsumexp_with_minus_infinity_entries():
    x = np.array([0.0, -np.inf, np.log(3.0)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert special.logsumexp(x) == pytest.approx(math.log(4.0))
        np.testing.assert_allclose(fg.grad(special.logsumexp)(x), [0.25, 0.0, 0.75])
        h = fg.hessian(special.logsumexp)(x)
        assert np.all(np.isfinite(h)) and np.all(h[1] == 0) and np.all(h[:, 1] == 0)
        # a slice of -inf only: the result is -inf and the gradient 0
        y = np.array([[-np.inf, -np.inf], [0.0, 0.0]])
        np.testing.assert_array_equal(special.logsumexp(y, axis=1), [-np.inf, math.log(2.0)])
        g = fg.grad(lambda v: special.logsumexp(v, axis=1)[1])(y)
        np.testing.assert_array_equal(g, [[0.0, 0.0], [0.5, 0.5]])
        np.testing.assert_array_equal(special.softmax(x), [0.25, 0.0, 0.75])
        assert special.log_softmax(x)[1] == -np.inf


def test_logsumexp_scaled_and_signed():
    a = np.array([1.0, 2.0, 0.5])
    b = np.array([2.0, -1.0, 0.0])
    s = np.sum(b * np.exp(a))  # negative
    out, sign = special.logsumexp(a, b=b, return_sign=True)
    assert out == pytest.approx(math.log(abs(s))) and sign == -1.0
    assert np.isnan(special.logsumexp(a, b=b))

    def signed(a, b):
        return special.logsumexp(a, b=b, return_sign=True)[0]

    ga, gb = fg.grad(signed, argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ga, b * np.exp(a) / s)
    np.testing.assert_allclose(gb, np.exp(a) / s)
    check_grads(signed, (a, b), order=2)
    # b == 0 removes the term, even an infinite one (as scipy)
    assert special.logsumexp(np.array([np.inf, 0.0]), b=np.array([0.0, 1.0])) == 0.0


def test_logsumexp_axes_and_keepdims():
    x = np.arange(24.0).reshape(2, 3, 4) / 7
    ref = np.log(np.exp(x).sum(axis=(0, 2), keepdims=True))
    np.testing.assert_allclose(special.logsumexp(x, axis=(0, 2), keepdims=True), ref)
    np.testing.assert_allclose(special.logsumexp(x, axis=(0, 2)), ref.ravel())
    np.testing.assert_allclose(special.softmax(x, axis=1).sum(axis=1), 1.0)
    check_grads(lambda v: special.logsumexp(v, axis=-1, b=np.full(4, 0.5)), (x,), order=2)


# --- float32 and higher orders ------------------------------------------------------

_UNARY = [
    ("erf", special.erf),
    ("erfc", special.erfc),
    ("gammaln", special.gammaln),
    ("digamma", special.digamma),
    ("trigamma", lambda x: special.polygamma(1, x)),
    ("expit", special.expit),
    ("logit", special.logit),
    ("softmax", special.softmax),
    ("log_softmax", special.log_softmax),
    ("logsumexp", special.logsumexp),
]


@pytest.mark.parametrize("name, f", _UNARY, ids=[n for n, _ in _UNARY])
def test_float32_in_float32_out(name, f):
    x = np.array([0.2, 0.5, 0.7], np.float32)
    out = f(x)
    assert out.dtype == np.float32
    g = fg.grad(lambda v: f(v).sum())(x)
    assert g.dtype == np.float32
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(out, f(x64), rtol=1e-6)
    np.testing.assert_allclose(g, fg.grad(lambda v: f(v).sum())(x64), rtol=1e-5, atol=1e-6)


def test_integers_become_float64():
    assert special.gammaln(np.array([1, 2, 3])).dtype == np.float64
    assert special.expit(np.int32(0)) == 0.5


def test_gamma_family_third_derivatives():
    x = np.array([0.4, 1.3, 2.9, 7.5])
    check_grads(special.gammaln, (x,), order=3)
    check_grads(special.digamma, (x,), order=3)
    # gammaln'' = trigamma, gammaln''' = polygamma(2, .)
    d2 = fg.grad(fg.grad(lambda v: special.gammaln(v)))
    assert d2(1.0) == pytest.approx(math.pi**2 / 6, rel=1e-14)
    d3 = fg.grad(d2)
    assert d3(1.0) == pytest.approx(-2 * ZETA3, rel=1e-14)


def test_erf_derivatives():
    d = fg.grad(special.erf)
    assert d(0.7) == pytest.approx(2 / math.sqrt(math.pi) * math.exp(-0.49), rel=1e-15)
    assert fg.grad(d)(0.7) == pytest.approx(-2 * 0.7 * d(0.7), rel=1e-14)


# --- against scipy, when it is installed ------------------------------------------


def test_values_match_scipy():
    sp = pytest.importorskip("scipy.special")
    x = np.concatenate([np.linspace(-7.3, 35, 400), np.geomspace(1e-6, 1e4, 60)])
    pos = x[x > 0]
    np.testing.assert_allclose(special.erf(x), sp.erf(x), rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(special.erfc(x), sp.erfc(x), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(special.gammaln(x), sp.gammaln(x), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(special.digamma(pos), sp.psi(pos), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(special.digamma(x), sp.psi(x), rtol=1e-10, atol=1e-12)
    for n in (1, 2, 3, 4):
        np.testing.assert_allclose(special.polygamma(n, pos), sp.polygamma(n, pos), rtol=1e-13)
        np.testing.assert_allclose(special.polygamma(n, x), sp.polygamma(n, x), rtol=1e-10)
    np.testing.assert_allclose(special.expit(x), sp.expit(x), rtol=1e-15)
    p = np.linspace(0.001, 0.999, 101)
    np.testing.assert_allclose(special.logit(p), sp.logit(p), rtol=1e-13, atol=1e-15)
    y = np.abs(x) + 0.1
    np.testing.assert_allclose(special.xlogy(x, y), sp.xlogy(x, y), rtol=1e-14)
    z = x.reshape(20, -1)[:, :20]
    for axis in (None, 0, 1, (0, 1)):
        np.testing.assert_allclose(
            special.logsumexp(z, axis=axis), sp.logsumexp(z, axis=axis), rtol=1e-14
        )
        np.testing.assert_allclose(
            special.softmax(z, axis=axis), sp.softmax(z, axis=axis), rtol=1e-13
        )
        np.testing.assert_allclose(
            special.log_softmax(z, axis=axis), sp.log_softmax(z, axis=axis), rtol=1e-13, atol=1e-13
        )
