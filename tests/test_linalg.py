"""funcgrad.numpy.linalg beyond the registry table.

The table checks each primitive's rules on its own drawn inputs; these tests check
numpy's values on both paths (plain and traced), gradients on constructed
well-conditioned / SPD / distinct-spectrum and batched inputs in both modes at order
2, closed forms, float32, complex inputs, the documented conventions (symmetrized
input, degenerate spectra, the 2-norm at 0) and the errors.
"""

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.testing import assert_trees_allclose, check_grads

la = fnp.linalg


def traced(fn, *arrays):
    """``fn`` run on traced ``arrays`` (funcgrad's rules path, not numpy's): its value."""
    return fg.vjp(fn, *arrays)[0]


def well_conditioned(rng, *shape):
    """Matrices of full rank with singular values far apart."""
    m, n = shape[-2:]
    d = np.zeros((m, n))
    k = min(m, n)
    d[range(k), range(k)] = 2.0 + 1.5 * np.arange(k)
    return rng.standard_normal(shape) * 0.3 + d


def spd(rng, *shape):
    """Symmetric positive definite matrices with distinct eigenvalues."""
    x = well_conditioned(rng, *shape)
    return x @ np.swapaxes(x, -1, -2)


def symmetric(rng, *shape):
    x = rng.standard_normal(shape)
    return x + np.swapaxes(x, -1, -2) + np.diag(3.0 * np.arange(shape[-1]))


@pytest.fixture
def A(rng):
    return well_conditioned(rng, 2, 3, 3)  # a batch of two 3x3 matrices


# --- values ---------------------------------------------------------------------------
def test_values_equal_numpys(rng, A):
    S, B, W = spd(rng, 2, 3, 3), well_conditioned(rng, 2, 4, 3), well_conditioned(rng, 2, 3, 5)
    b, bm = rng.standard_normal(3), rng.standard_normal((2, 3, 2))
    cases = [
        (la.inv, np.linalg.inv, (A,)),
        (la.det, np.linalg.det, (A,)),
        (la.slogdet, np.linalg.slogdet, (A,)),
        (la.solve, np.linalg.solve, (A, b)),
        (la.solve, np.linalg.solve, (A, bm)),
        (la.solve, np.linalg.solve, (A[0], bm)),
        (la.cholesky, np.linalg.cholesky, (S,)),
        (la.qr, np.linalg.qr, (B,)),
        (la.qr, np.linalg.qr, (W,)),  # wide
        (lambda a: la.qr(a, "r"), lambda a: np.linalg.qr(a, "r"), (W + 1j * W[..., ::-1],)),
        (la.eigh, np.linalg.eigh, (S,)),
        (la.eigvalsh, np.linalg.eigvalsh, (S,)),
        (lambda a: la.svd(a, full_matrices=False), lambda a: np.linalg.svd(a, False), (B,)),
        (la.svdvals, np.linalg.svdvals, (B,)),
        (la.pinv, np.linalg.pinv, (B,)),
        (la.norm, np.linalg.norm, (A,)),
    ]
    for fn, np_fn, args in cases:
        want = np_fn(*args)
        for got in (fn(*args), traced(fn, *args)):
            want_t = tuple(want) if isinstance(want, tuple) else want
            got_t = tuple(got) if isinstance(got, tuple) else got
            assert_trees_allclose(got_t, want_t, rtol=1e-10, atol=1e-12)


def test_cholesky_upper_and_result_types(rng):
    S = spd(rng, 3, 3)
    assert np.allclose(traced(lambda s: la.cholesky(s, upper=True), S), np.linalg.cholesky(S).T)
    assert traced(la.eigh, S).eigenvalues.shape == (3,)
    assert la.slogdet(S).logabsdet == traced(la.slogdet, S).logabsdet
    q, r = traced(la.qr, S)
    assert np.allclose(q @ r, S)
    assert np.allclose(traced(lambda s: la.qr(s, mode="r"), S), np.linalg.qr(S, mode="r"))
    U, s, Vh = traced(lambda a: la.svd(a), S)  # square: full_matrices makes no difference
    assert np.allclose((U * s) @ Vh, S)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -2, -3])
def test_matrix_power_values_and_gradients(rng, A, n):
    assert np.allclose(traced(lambda a: la.matrix_power(a, n), A), np.linalg.matrix_power(A, n))
    if n:
        check_grads(lambda a: la.matrix_power(a, n), (A,), order=2)
    else:
        assert np.all(fg.grad(lambda a: fnp.sum(la.matrix_power(a, 0)))(A) == 0)


def test_lstsq_returns_numpys_four_tuple_and_differentiates(rng):
    a, b = well_conditioned(rng, 5, 3), rng.standard_normal((5, 2))
    for rhs in (b, b[:, 0]):
        want = np.linalg.lstsq(a, rhs)
        got = traced(lambda a, b: la.lstsq(a, b), a, rhs)
        for g, w in zip(got, want):
            assert np.allclose(g, w, rtol=1e-10) and np.shape(g) == np.shape(w)
        check_grads(lambda a, b: la.lstsq(a, b)[:2], (a, rhs), order=2)
    x, res, rank, s = traced(lambda a, b: la.lstsq(a, b), a[:3], b[:3])  # square: no residuals
    assert res.shape == (0,) and rank == 3


# --- gradients on constructed inputs, batched, both modes, order 2 ----------------------
def test_gradients_invertible(rng, A):
    b, bm = rng.standard_normal(3), rng.standard_normal((2, 3, 2))
    check_grads(la.inv, (A,), order=2)
    check_grads(la.det, (A,), order=2)
    check_grads(lambda a: la.slogdet(a)[1], (A,), order=2)
    check_grads(la.solve, (A, b), order=2)
    check_grads(la.solve, (A, bm), order=2)
    check_grads(la.solve, (A[0], bm), order=2)  # b's stack broadcasts against a


def test_gradients_decompositions(rng):
    S, T = spd(rng, 2, 3, 3), symmetric(rng, 3, 3)
    check_grads(la.cholesky, (S,), order=2)
    check_grads(lambda s: la.cholesky(s, upper=True), (S,), order=2)
    check_grads(la.eigh, (S,), order=2)
    check_grads(la.eigh, (T,), order=2)  # indefinite
    check_grads(la.eigvalsh, (T,), order=2)
    for shape in [(3, 3), (2, 4, 3), (3, 5)]:
        X = well_conditioned(rng, *shape)
        check_grads(lambda a: la.svd(a, full_matrices=False), (X,), order=2)
        check_grads(la.svdvals, (X,), order=2)
        check_grads(la.pinv, (X,), order=2)
        check_grads(la.qr, (X,), order=2)  # wide ones too: Q, [R_X | Q^T Y]


NORMS = [
    (None, None),
    (2, None),
    (1, 0),
    (-1, 1),
    (np.inf, -1),
    (-np.inf, 0),
    (3, 1),
    (0.5, 0),
    (-2, 1),
    ("fro", None),
    ("nuc", None),
    (2, None),
    (-2, (0, 1)),
    (1, (1, 0)),
    (-1, None),
    (np.inf, (0, 1)),
    (-np.inf, (1, 0)),
]


@pytest.mark.parametrize("ord, axis", NORMS)
@pytest.mark.parametrize("keepdims", [False, True])
def test_norm_every_order(rng, ord, axis, keepdims):
    x = well_conditioned(rng, 3, 4)

    def f(x):
        return la.norm(x, ord, axis, keepdims)

    want = np.linalg.norm(x, ord, axis, keepdims)
    assert np.allclose(traced(f, x), want) and np.shape(traced(f, x)) == np.shape(want)
    check_grads(f, (x,), order=2)


def test_norm_vectors_batches_and_zero_count(rng):
    v, x = rng.standard_normal(4), rng.standard_normal((2, 3, 4))
    for ord in (None, 1, 2, np.inf, -np.inf, 3, -1.5):
        check_grads(lambda v, ord=ord: la.norm(v, ord), (v,), order=2)
    check_grads(lambda x: la.norm(x, axis=(0, 2), keepdims=True), (x,), order=2)
    check_grads(lambda x: la.norm(x, "nuc", axis=(2, 0)), (x,), order=2)
    assert np.allclose(traced(lambda x: la.norm(x, 2, (2, 0)), x), np.linalg.norm(x, 2, (2, 0)))
    assert traced(lambda v: la.norm(v, 0), v) == 4.0
    assert np.all(fg.grad(lambda v: la.norm(v, 0))(v) == 0)


def test_norm_errors_match_numpy():
    with pytest.raises(ValueError, match="Invalid norm order 'fro' for vectors"):
        fg.grad(lambda v: la.norm(v, "fro"))(np.ones(3))
    with pytest.raises(ValueError, match="Invalid norm order for matrices"):
        fg.grad(lambda m: la.norm(m, 3))(np.ones((2, 2)))
    with pytest.raises(ValueError, match="Improper number of dimensions"):
        fg.grad(lambda m: la.norm(m, axis=(0, 1, 2)))(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="Duplicate axes"):
        fg.grad(lambda m: la.norm(m, axis=(0, -2)))(np.ones((2, 2)))


# --- closed forms and conventions ------------------------------------------------------
def test_closed_forms(rng, A):
    S = spd(rng, 3, 3)
    inv_t = np.swapaxes(np.linalg.inv(A), -1, -2)
    assert np.allclose(
        fg.grad(lambda a: fnp.sum(la.det(a)))(A), np.linalg.det(A)[:, None, None] * inv_t
    )
    assert np.allclose(fg.grad(lambda s: la.slogdet(s)[1])(S), np.linalg.inv(S))
    assert np.allclose(
        fg.grad(lambda s: 2 * fnp.sum(fnp.log(fnp.diagonal(la.cholesky(s)))))(S), np.linalg.inv(S)
    )
    w, V = np.linalg.eigh(S)
    assert np.allclose(fg.grad(lambda s: la.eigvalsh(s)[2])(S), np.outer(V[:, 2], V[:, 2]))
    X = well_conditioned(rng, 4, 3)
    U, _, Vh = np.linalg.svd(X, full_matrices=False)
    assert np.allclose(fg.grad(lambda x: la.norm(x, "nuc"))(X), U @ Vh)
    assert np.allclose(fg.grad(lambda x: la.norm(x, 2))(X), np.outer(U[:, 0], Vh[0]))
    assert np.allclose(fg.grad(la.norm)(X), X / np.linalg.norm(X))
    assert np.allclose(fg.grad(lambda x: fnp.sum(la.inv(x)))(A), -inv_t @ np.ones((3, 3)) @ inv_t)


def test_two_norm_at_the_origin_is_zero_like_jax():
    for f in (la.norm, lambda x: la.norm(x, "fro"), lambda x: fnp.sum(la.norm(x, axis=1))):
        g = fg.grad(f)(np.zeros((2, 3)))
        assert np.all(g == 0)
    t = fg.jvp(la.norm, (np.zeros(3),), (np.ones(3),))[1]
    assert t == 0


def test_slogdet_negative_determinant(rng):
    a = np.array([[0.0, 2.0], [3.0, 1.0]])
    sign, logdet = traced(la.slogdet, a)
    assert sign == -1 and np.isclose(logdet, np.log(6.0))
    assert np.allclose(fg.grad(lambda a: la.slogdet(a)[1])(a), np.linalg.inv(a).T)
    assert np.all(fg.grad(lambda a: la.slogdet(a)[0])(a) == 0)  # the sign has no gradient


def test_symmetrized_input_and_symmetric_gradient(rng):
    S = spd(rng, 3, 3)
    N = S + np.triu(rng.standard_normal((3, 3)), 1)  # not symmetric
    sym = (N + N.T) / 2
    assert np.allclose(traced(la.cholesky, N), np.linalg.cholesky(sym))
    assert np.allclose(traced(la.eigvalsh, N), np.linalg.eigvalsh(sym))
    for f in (lambda a: fnp.sum(la.cholesky(a) ** 3), lambda a: fnp.sum(la.eigh(a)[1] ** 3)):
        g = fg.grad(f)(N)
        assert np.allclose(g, g.T)


def test_degenerate_eigenvalues_keep_eigenvalue_gradients_finite():
    a = np.diag([1.0, 1.0, 2.0])
    g = fg.grad(lambda a: fnp.sum(la.eigvalsh(a) ** 2))(a)
    assert np.allclose(g, 2 * a)
    h = fg.grad(lambda a: fnp.sum(la.svdvals(a)))(np.eye(3))
    assert np.allclose(h, np.eye(3))


# --- dtypes -----------------------------------------------------------------------------
def test_float32_preserved(rng):
    S = spd(rng, 3, 3).astype(np.float32)
    X = well_conditioned(rng, 4, 3).astype(np.float32)
    fns = [
        (la.inv, S), (la.det, S), (lambda s: la.slogdet(s)[1], S),
        (lambda s: la.solve(s, np.ones(3, np.float32)), S), (la.cholesky, S),
        (lambda s: la.eigh(s)[1], S), (lambda x: la.qr(x)[0], X),
        (lambda x: la.svd(x, full_matrices=False)[0], X), (la.pinv, X),
        (lambda x: la.norm(x, "nuc"), X), (la.norm, X), (lambda s: la.matrix_power(s, -2), S),
        (lambda x: la.lstsq(x, np.ones(4, np.float32))[0], X),
    ]  # fmt: skip
    for f, x in fns:
        out, pullback = fg.vjp(f, x)
        assert out.dtype == np.float32
        (g,) = pullback(np.ones_like(out))
        assert g.dtype == np.float32 and g.shape == x.shape


def test_complex_inputs(rng):
    n = 3
    A = well_conditioned(rng, 2, n, n) + 0.3j * rng.standard_normal((2, n, n))
    X = well_conditioned(rng, 4, 3) + 0.3j * rng.standard_normal((4, 3))
    b = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    assert np.allclose(traced(la.inv, A), np.linalg.inv(A))
    assert np.allclose(traced(la.pinv, X), np.linalg.pinv(X))
    assert np.allclose(traced(la.slogdet, A)[0], np.linalg.slogdet(A)[0])
    for f, args in [
        (la.inv, (A,)),
        (la.det, (A,)),
        (la.slogdet, (A,)),
        (la.solve, (A, b)),
        (la.pinv, (X,)),
        (la.norm, (X,)),
        (lambda a: la.matrix_power(a, -2), (A,)),
        (lambda a: la.lstsq(a, b)[:2], (X.T,)),
        (lambda a: la.lstsq(a, X[:, :2])[:2], (X,)),
    ]:
        check_grads(f, args, order=2)
    H = A @ np.conj(np.swapaxes(A, -1, -2))  # Hermitian positive definite
    assert np.allclose(la.cholesky(H), np.linalg.cholesky(H))
    assert np.allclose(traced(la.cholesky, H), np.linalg.cholesky(H))
    assert np.allclose(traced(la.eigvalsh, H), np.linalg.eigvalsh(H))
    check_grads(la.cholesky, (H,), order=2)
    check_grads(lambda h: la.cholesky(h, upper=True), (H,), order=2)
    check_grads(la.qr, (X,), order=2)
    q, r = traced(la.qr, X)
    assert np.allclose(q @ r, X) and np.all(np.diagonal(r).imag == 0)
    with pytest.raises(NotImplementedError, match="real matrices only"):
        fg.grad(lambda a: fnp.real(fnp.sum(la.eigvalsh(a))))(H[0])
    with pytest.raises(NotImplementedError, match="real matrices only"):
        fg.grad(lambda a: fnp.sum(la.svdvals(a)))(X)


# --- errors and dispatch ----------------------------------------------------------------
def test_errors(rng):
    wide = well_conditioned(rng, 2, 4)
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        fg.grad(lambda a: fnp.sum(la.svd(a)[0]))(wide)
    with pytest.raises(NotImplementedError, match="mode='reduced'"):
        fg.grad(lambda a: fnp.sum(la.qr(a, mode="complete")[0]))(wide.T)
    with pytest.raises(TypeError, match="integer"):
        fg.grad(lambda a: fnp.sum(la.matrix_power(a, 1.5)))(np.eye(2))
    with pytest.raises(np.linalg.LinAlgError):
        fg.grad(lambda a: fnp.sum(la.matrix_power(a, 2)))(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError):
        fg.grad(lambda a: la.det(a))(np.ones((2, 2)))  # singular: A^-T does not exist


def test_numpy_linalg_functions_dispatch_on_traced_values(rng, A):
    g = fg.grad(lambda a: np.sum(np.linalg.inv(a)) + np.linalg.norm(a))(A)
    assert np.allclose(g, fg.grad(lambda a: fnp.sum(la.inv(a)) + la.norm(a))(A))
