"""funcgrad.numpy.fft beyond the registry table.

Values equal numpy's on both paths (plain and traced) for every function and many
parameter combinations; the VJP is the exact transpose of the JVP (the inner-product
test, to rounding, not finite differences), in particular for rfft / irfft's
Hermitian halving; gradients at order 2 for real and complex inputs; dtypes.
"""

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.testing import check_grads

ft = fnp.fft

ONE_D = [
    {},
    {"n": 3},
    {"n": 8},
    {"n": 7, "norm": "ortho"},
    {"axis": 0, "norm": "forward"},
    {"n": 4, "axis": -2, "norm": "backward"},
]
N_D = [
    {},
    {"axes": (0,)},
    {"s": (3, 6), "axes": (0, 1), "norm": "ortho"},
    {"s": (2, -1), "axes": (1, 0), "norm": "forward"},
    {"s": (4, 3), "axes": (1, 1)},  # a repeated axis: two transforms, two resizes
]
COMPLEX_IN = ["fft", "ifft", "irfft", "hfft", "fftn", "ifftn", "irfftn", "fft2", "ifft2", "irfft2"]
CASES = [(name, kw) for name in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft") for kw in ONE_D]
CASES += [(name, kw) for name in ("fftn", "ifftn", "rfftn", "irfftn") for kw in N_D[:4]]
CASES += [("fftn", N_D[4]), ("ifftn", N_D[4])]
CASES += [(name, {}) for name in ("fft2", "ifft2", "rfft2", "irfft2", "fftshift", "ifftshift")]
CASES += [("fftshift", {"axes": 1}), ("ifftshift", {"axes": (0,)})]


def _inputs(rng, name):
    x = rng.standard_normal((5, 6))
    yield x
    if name in COMPLEX_IN or name.endswith("shift"):
        yield x + 1j * rng.standard_normal((5, 6))


def _id(case):
    name, kw = case
    return name + "".join(f"-{k}={v}" for k, v in kw.items())


@pytest.mark.parametrize("case", CASES, ids=map(_id, CASES))
def test_values_equal_numpys_and_gradients(rng, case):
    name, kw = case
    fn, np_fn = getattr(ft, name), getattr(np.fft, name)
    for x in _inputs(rng, name):
        want = np_fn(x, **kw)
        for got in (fn(x, **kw), fg.vjp(lambda x: fn(x, **kw), x)[0]):
            assert got.shape == want.shape and got.dtype == want.dtype
            assert np.allclose(got, want, rtol=1e-12, atol=1e-12)
        check_grads(lambda x: fn(x, **kw), (x,), order=2)


def _pair(a, b):
    return np.real(np.sum(a * b))


@pytest.mark.parametrize("case", CASES, ids=map(_id, CASES))
def test_vjp_is_the_exact_transpose_of_the_jvp(rng, case):
    """<u, J v> == <J^T u, v> to rounding, under the pairing Re(sum(a * b))."""
    name, kw = case
    fn = getattr(ft, name)
    for x in _inputs(rng, name):
        f = lambda x: fn(x, **kw)  # noqa: E731
        out = f(x)
        v = rng.standard_normal(x.shape) + (
            1j * rng.standard_normal(x.shape) if np.iscomplexobj(x) else 0
        )
        u = rng.standard_normal(out.shape) + (
            1j * rng.standard_normal(out.shape) if np.iscomplexobj(out) else 0
        )
        jv = fg.jvp(f, (x,), (v,))[1]
        (ju,) = fg.vjp(f, x)[1](u)
        assert ju.dtype == x.dtype
        assert np.isclose(_pair(u, jv), _pair(ju, v), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [4, 5])
def test_irfft_ignores_imaginary_parts_of_zero_and_nyquist_terms(rng, n):
    x = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    (g,) = fg.vjp(lambda x: ft.irfft(x, n), x)[1](rng.standard_normal(n))
    assert g[0].imag == 0
    assert (g[-1].imag == 0) == (n % 2 == 0)  # the Nyquist term exists for even n only


def test_closed_forms(rng):
    x = rng.standard_normal(6)
    # Parseval: sum |fft(x)|^2 = n sum x^2
    g = fg.grad(lambda x: fnp.sum(fnp.real(ft.fft(x) * fnp.conj(ft.fft(x)))))(x)
    assert np.allclose(g, 2 * 6 * x)
    g = fg.grad(
        lambda x: fnp.sum(fnp.real(ft.fft(x, norm="ortho") * fnp.conj(ft.fft(x, norm="ortho"))))
    )(x)
    assert np.allclose(g, 2 * x)
    # ifft(fft(x)) is the identity, so its Jacobian is too
    jac = fg.jacfwd(lambda x: fnp.real(ft.ifft(ft.fft(x))))(x)
    assert np.allclose(jac, np.eye(6))
    jac = fg.jacrev(lambda x: ft.irfft(ft.rfft(x), n=6))(x)
    assert np.allclose(jac, np.eye(6))
    # d fft(x)[k] / dx = exp(-2 pi i jk / n): the DFT matrix (holomorphic)
    z = x + 1j * rng.standard_normal(6)
    cols = [fg.jvp(ft.fft, (z,), (e.astype(complex),))[1] for e in np.eye(6)]
    assert np.allclose(np.stack(cols, axis=1), np.fft.fft(np.eye(6), axis=0))


@pytest.mark.parametrize(
    "dtype, out_dtype", [(np.float32, np.complex64), (np.complex64, np.complex64)]
)
def test_single_precision_preserved(rng, dtype, out_dtype):
    x = rng.standard_normal((3, 4)).astype(dtype)
    for name in ("fft", "ifft", "fftn", "ifftn", "fft2", "rfft", "rfftn", "ihfft"):
        if np.iscomplexobj(x) and name in ("rfft", "rfftn", "ihfft"):
            continue
        out, pullback = fg.vjp(getattr(ft, name), x)
        assert out.dtype == out_dtype, name
        (g,) = pullback(np.ones_like(out))
        assert g.dtype == dtype, name
    for name in ("irfft", "irfftn", "hfft"):
        out, pullback = fg.vjp(getattr(ft, name), x)
        assert out.dtype == np.float32, name
        (g,) = pullback(np.ones_like(out))
        assert g.dtype == dtype, name


def test_frequencies_are_constants_and_numpy_dispatch(rng):
    assert np.array_equal(ft.fftfreq(5, 0.1), np.fft.fftfreq(5, 0.1))
    assert np.array_equal(ft.rfftfreq(6), np.fft.rfftfreq(6))
    x = rng.standard_normal(8)
    g = fg.grad(lambda x: np.sum(np.real(np.fft.fft(x)) * ft.fftfreq(8)))(x)
    assert np.allclose(g, np.real(np.fft.fft(np.fft.fftfreq(8))))


def test_invalid_norm_is_numpys_error():
    with pytest.raises(ValueError, match="Invalid norm value"):
        fg.grad(lambda x: fnp.sum(ft.hfft(x, norm="sideways")))(np.ones(3))
    with pytest.raises(ValueError, match="Invalid norm value"):
        fg.grad(lambda x: fnp.sum(fnp.real(ft.fft(x, norm="sideways"))))(np.ones(3))
