"""Complex numbers follow JAX's convention: a VJP is the transpose of the JVP, unconjugated."""

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.testing import check_grads

Z = np.array([3.0 + 4.0j, -1.0 + 0.5j])


def test_grad_of_a_real_function_of_complex_input_is_jax_s():
    # JAX: grad(lambda z: |z|^2)(z) == 2 conj(z) (d/dx - i d/dy)
    g = fg.grad(lambda z: fnp.sum(fnp.real(z * fnp.conj(z))))(Z)
    np.testing.assert_allclose(g, 2 * np.conj(Z))
    g_abs = fg.grad(lambda z: fnp.sum(fnp.abs(z)))(Z)
    np.testing.assert_allclose(g_abs, np.conj(Z) / np.abs(Z))


@pytest.mark.parametrize(
    "f, df",
    [
        (fnp.exp, np.exp),
        (fnp.sin, np.cos),
        (lambda z: z**3, lambda z: 3 * z**2),
        (fnp.log, lambda z: 1 / z),
    ],
)
def test_holomorphic_grad_and_jacobians_are_the_complex_derivative(f, df):
    for z in Z:
        assert np.allclose(fg.grad(f, holomorphic=True)(z), df(z))
    np.testing.assert_allclose(fg.jacrev(f, holomorphic=True)(Z), np.diag(df(Z)))
    np.testing.assert_allclose(fg.jacfwd(f, holomorphic=True)(Z), np.diag(df(Z)))


def test_complex_output_needs_holomorphic_or_vjp():
    with pytest.raises(TypeError, match="holomorphic=True"):
        fg.grad(lambda z: z**2)(Z[0])
    with pytest.raises(TypeError, match="needs complex inputs"):
        fg.grad(lambda x: x**2, holomorphic=True)(1.0)


def test_parts_and_angle_both_modes_order_2():
    check_grads(lambda z: fnp.real(z) * fnp.imag(z) + fnp.angle(z), (Z,), order=2)
    check_grads(lambda z: fnp.conj(z) * z, (Z,), order=2)
    check_grads(lambda z: fnp.abs(z) ** 3, (Z,), order=2)


def test_mixed_real_and_complex_arguments():
    x = np.array([0.5, -1.5])
    check_grads(lambda x, z: fnp.sum(fnp.real(x * z) + fnp.exp(z) * x), (x, Z), order=2)
    gx = fg.grad(lambda x: fnp.real(fnp.sum(x * Z)))(x)
    assert gx.dtype == np.float64  # a real argument gets a real cotangent
    np.testing.assert_allclose(gx, np.real(Z))
