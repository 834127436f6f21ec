"""Forward mode and derivative matrices: jvp, linearize, jacrev, jacfwd, hessian, hvp.

Expectations are central differences or hand-derived closed forms; the cost claims
(jacrev: one forward pass and m backward passes; jacfwd: n forward passes) are checked
by counting calls of the function and of a rule.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad import _primitive
from funcgrad.extend import is_traced
from funcgrad.testing import assert_trees_allclose, check_grads, strategies as fst

EPS = 1e-6  # central-difference step for float64
FD_TOL = {"rtol": 1e-6, "atol": 1e-8}


def _fd_jvp(f, x, t, eps=EPS):
    """(f(x + eps t) - f(x - eps t)) / (2 eps) for an array x."""
    plus = np.asarray(f(np.asarray(x) + eps * t), dtype=float)
    minus = np.asarray(f(np.asarray(x) - eps * t), dtype=float)
    return (plus - minus) / (2 * eps)


def _fd_jacobian(f, x, eps=EPS):
    """Central-difference Jacobian of shape f(x).shape + x.shape."""
    x = np.asarray(x, dtype=float)
    out_shape = np.shape(f(x))
    jac = np.zeros(out_shape + x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = 1.0
        jac[(Ellipsis,) + idx] = _fd_jvp(f, x, e, eps)
    return jac


# --- the table: functions R^n -> R^m (any shapes, 0-d included) -----------------------
# Each entry makes (f, x) from the test's generator.


def _elementwise(rng):
    return (lambda x: fnp.sin(x) * fnp.exp(x)), rng.standard_normal(4)


def _tanh_layer(rng):
    W = rng.standard_normal((3, 4))
    return (lambda x: fnp.tanh(W @ x)), rng.standard_normal(4)


def _outer_product(rng):
    return (lambda x: x[:, None] * x[None, :]), rng.standard_normal(3)


def _matrix_to_matrix(rng):
    return (lambda X: X @ fnp.transpose(X)), rng.standard_normal((2, 3))


def _softmax(rng):
    def f(x):
        e = fnp.exp(x - 1.0)
        return e / fnp.sum(e)

    return f, rng.standard_normal(5)


def _index_and_concatenate(rng):
    def f(x):
        return fnp.concatenate([x[1:, ::-1] * x[0, 1], fnp.reshape(x, (-1,))[:2] ** 2], axis=None)

    return f, rng.standard_normal((2, 3))


def _piecewise(rng):
    # values kept away from the kinks at 0 and 0.5
    x = rng.uniform(0.1, 0.4, 6) * np.array([1, -1, 1, -1, 1, -1]) + np.array([0, 0, 0.5, 0, 0, 0])
    return (lambda x: fnp.where(x > 0, x**2, -x) + fnp.maximum(x, 0.5)), x


def _vector_to_scalar(rng):
    return (lambda x: fnp.sum(fnp.sin(x)) ** 2), rng.standard_normal(3)


def _scalar_to_vector(rng):
    return (lambda x: fnp.stack([x, x**2, fnp.cos(x)])), np.float64(rng.standard_normal())


def _scalar_to_scalar(rng):
    return (lambda x: fnp.exp(x) * x**3), np.float64(rng.standard_normal())


FUNCTIONS = [
    pytest.param(_elementwise, id="elementwise"),
    pytest.param(_tanh_layer, id="tanh_layer"),
    pytest.param(_outer_product, id="outer_product"),
    pytest.param(_matrix_to_matrix, id="matrix_to_matrix"),
    pytest.param(_softmax, id="softmax"),
    pytest.param(_index_and_concatenate, id="index_and_concatenate"),
    pytest.param(_piecewise, id="piecewise"),
    pytest.param(_vector_to_scalar, id="vector_to_scalar"),
    pytest.param(_scalar_to_vector, id="scalar_to_vector"),
    pytest.param(_scalar_to_scalar, id="scalar_to_scalar"),
]


# --- jvp ------------------------------------------------------------------------------


@pytest.mark.parametrize("make", FUNCTIONS)
def test_jvp_matches_central_differences(make, rng):
    f, x = make(rng)
    for _ in range(3):
        t = rng.standard_normal(np.shape(x))
        out, tangent = fg.jvp(f, (x,), (t,))
        np.testing.assert_allclose(out, f(x), rtol=1e-14)
        assert np.shape(tangent) == np.shape(out)
        np.testing.assert_allclose(tangent, _fd_jvp(f, x, t), **FD_TOL)
        assert not is_traced(out) and not is_traced(tangent)


def test_jvp_is_linear_in_the_tangent(rng):
    f, x = _tanh_layer(rng)
    t1, t2 = rng.standard_normal(4), rng.standard_normal(4)
    _, d1 = fg.jvp(f, (x,), (t1,))
    _, d2 = fg.jvp(f, (x,), (t2,))
    _, d12 = fg.jvp(f, (x,), (2.0 * t1 - 3.0 * t2,))
    np.testing.assert_allclose(d12, 2.0 * d1 - 3.0 * d2, rtol=1e-12, atol=1e-14)


def test_jvp_with_pytree_primals_and_outputs(rng):
    p = {"w": rng.standard_normal((2, 3)), "b": rng.standard_normal(2)}
    a, b, c = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(4)
    tp = {"w": rng.standard_normal((2, 3)), "b": rng.standard_normal(2)}
    ta, tb, tc = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(4)

    def f(p, xs):
        a, (b, c) = xs
        return {"lin": p["w"] @ a + p["b"], "pair": (a * b, fnp.sum(c**2))}

    out, tangent = fg.jvp(f, (p, (a, (b, c))), (tp, (ta, (tb, tc))))
    assert type(tangent) is dict and type(tangent["pair"]) is tuple
    assert_trees_allclose(out, f(p, (a, (b, c))), rtol=1e-14)
    expected = {
        "lin": tp["w"] @ a + p["w"] @ ta + tp["b"],
        "pair": (ta * b + a * tb, 2 * np.sum(c * tc)),
    }
    assert_trees_allclose(tangent, expected, rtol=1e-12)


def test_jvp_of_several_arguments_sums_their_contributions(rng):
    x, y = rng.standard_normal(3), rng.standard_normal(3)
    tx, ty = rng.standard_normal(3), rng.standard_normal(3)
    _, tangent = fg.jvp(lambda x, y: fnp.sin(x) * y, (x, y), (tx, ty))
    np.testing.assert_allclose(tangent, np.cos(x) * tx * y + np.sin(x) * ty, rtol=1e-12)
    # a zero tangent for one argument leaves only the other's contribution
    _, only_y = fg.jvp(lambda x, y: fnp.sin(x) * y, (x, y), (np.zeros(3), ty))
    np.testing.assert_allclose(only_y, np.sin(x) * ty, rtol=1e-12)


def test_jvp_has_aux(rng):
    x, t = rng.standard_normal(3), rng.standard_normal(3)

    def f(x):
        h = fnp.tanh(x)
        return fnp.sum(h**2), {"h": h, "label": "hidden", "n": 3}

    out, tangent, aux = fg.jvp(f, (x,), (t,), has_aux=True)
    h = np.tanh(x)
    np.testing.assert_allclose(out, np.sum(h**2), rtol=1e-14)
    np.testing.assert_allclose(tangent, np.sum(2 * h * (1 - h**2) * t), rtol=1e-12)
    np.testing.assert_allclose(aux["h"], h, rtol=1e-14)
    assert aux["label"] == "hidden" and aux["n"] == 3
    assert not is_traced(aux["h"]), "aux must come back as plain values"


def test_jvp_has_aux_needs_a_pair():
    with pytest.raises(TypeError, match=r"has_aux=True.*\(output, aux\)"):
        fg.jvp(lambda x: x * 2.0, (1.0,), (1.0,), has_aux=True)


def test_jvp_outputs_not_depending_on_inputs_get_zero_tangents(rng):
    x, t = rng.standard_normal(3), rng.standard_normal(3)
    W = rng.standard_normal((2, 2))

    def f(x):
        return {"closure": W, "created": fnp.ones(2), "python": 3.0, "used": x * 2.0}

    out, tangent = fg.jvp(f, (x,), (t,))
    np.testing.assert_array_equal(tangent["closure"], np.zeros((2, 2)))
    np.testing.assert_array_equal(tangent["created"], np.zeros(2))
    assert np.shape(tangent["python"]) == () and tangent["python"] == 0.0
    np.testing.assert_allclose(tangent["used"], 2.0 * t)
    np.testing.assert_array_equal(out["closure"], W)


def test_jvp_of_an_unused_argument_does_not_reach_the_output(rng):
    x, y = rng.standard_normal(3), rng.standard_normal(2)
    _, tangent = fg.jvp(lambda x, y: x * 3.0, (x, y), (np.zeros(3), rng.standard_normal(2)))
    np.testing.assert_array_equal(tangent, np.zeros(3))


def test_jvp_keeps_float32(rng):
    x = rng.standard_normal(3).astype(np.float32)
    t = rng.standard_normal(3).astype(np.float32)
    out, tangent = fg.jvp(lambda x: fnp.sin(x) * fnp.exp(x) + x**2, (x,), (t,))
    assert out.dtype == np.float32 and tangent.dtype == np.float32
    expected = (np.cos(x) * np.exp(x) + np.sin(x) * np.exp(x) + 2 * x) * t
    np.testing.assert_allclose(tangent, expected, rtol=1e-5)


def test_jvp_tangent_dtype_follows_the_output_dtype(rng):
    # float32 input promoted to float64 by a float64 constant: the tangent follows
    x = rng.standard_normal(3).astype(np.float32)
    c = rng.standard_normal(3)
    out, tangent = fg.jvp(lambda x: x * c, (x,), (np.ones(3, np.float32),))
    assert out.dtype == np.float64 and tangent.dtype == np.float64
    np.testing.assert_allclose(tangent, c)


def test_jvp_through_stop_gradient(rng):
    x, t = rng.standard_normal(3), rng.standard_normal(3)
    _, tangent = fg.jvp(lambda x: x * fg.stop_gradient(x), (x,), (t,))
    np.testing.assert_allclose(tangent, x * t, rtol=1e-15)


def test_jvp_python_float_primals():
    out, tangent = fg.jvp(lambda x, y: x * y + x**2, (2.0, 5.0), (1.0, 0.0))
    assert float(out) == 14.0 and float(tangent) == 9.0


# --- jvp errors -----------------------------------------------------------------------


def test_jvp_tangent_structure_mismatch_names_both_structures():
    x = np.ones(3)
    with pytest.raises(ValueError) as err:
        fg.jvp(lambda d: d["a"] * 2.0, ({"a": x},), ({"b": x},))
    msg = str(err.value)
    assert "jvp" in msg and "structure" in msg
    assert "'a'" in msg and "'b'" in msg
    assert "one tangent per primal leaf" in msg


def test_jvp_tangent_count_mismatch():
    with pytest.raises(ValueError, match="structure") as err:
        fg.jvp(lambda a, b: a * b, (np.ones(2), np.ones(2)), (np.ones(2),))
    assert "one tangent per primal leaf" in str(err.value)


def test_jvp_tuple_versus_list_tangents_is_a_structure_mismatch():
    with pytest.raises(ValueError, match="structure"):
        fg.jvp(lambda a: a[0] * a[1], ((1.0, 2.0),), ([1.0, 2.0],))


def test_jvp_tangent_shape_mismatch_names_the_argument():
    x = np.ones(3)
    with pytest.raises(ValueError) as err:
        fg.jvp(lambda y, d: y * d["a"], (x, {"a": x}), (x, {"a": np.ones(2)}))
    msg = str(err.value)
    assert "jvp" in msg and "tangent of argument 1 ['a']" in msg
    assert "shape (2,)" in msg and "shape (3,)" in msg


def test_jvp_tangent_dtype_mismatch_names_the_argument():
    x = np.ones(3)
    with pytest.raises(ValueError) as err:
        fg.jvp(fnp.sin, (x,), (np.ones(3, np.float32),))
    msg = str(err.value)
    assert "tangent of argument 0" in msg
    assert "float32" in msg and "float64" in msg
    assert ".astype" in msg


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: fg.jvp(fnp.sin, (np.ones(3),), (np.ones(2),)), id="jvp"),
        pytest.param(lambda: fg.linearize(fnp.sin, np.ones(3))[1](np.ones(2)), id="linearize"),
    ],
)
def test_tangent_shape_error_describes_the_primal_not_an_output(call):
    # A tangent must match its primal (the input). The message must not call the
    # primal an "output" nor the tangent a "cotangent": that is the reverse-mode wording.
    with pytest.raises(ValueError) as err:
        call()
    msg = str(err.value)
    assert "shape (2,)" in msg and "shape (3,)" in msg
    assert "primal" in msg, msg
    assert "cotangent" not in msg, msg
    assert "output" not in msg, msg


@pytest.mark.parametrize(
    "primals, tangents, got",
    [
        (np.ones(3), np.ones(3), "ndarray and ndarray"),
        (1.0, 1.0, "float and float"),
    ],
)
def test_jvp_primals_must_be_a_tuple(primals, tangents, got):
    with pytest.raises(TypeError) as err:
        fg.jvp(fnp.sin, primals, tangents)
    msg = str(err.value)
    assert "must be tuples" in msg and got in msg
    assert "jvp(f, (x,), (v,))" in msg


@pytest.mark.parametrize(
    "primal, where",
    [
        (np.arange(3), "argument 0 has dtype int64"),
        ({"w": np.arange(2)}, "argument 0 ['w'] has dtype int64"),
    ],
)
def test_jvp_integer_primal_names_the_argument_and_dtype(primal, where):
    tangent = {"w": np.ones(2)} if isinstance(primal, dict) else np.ones(3)
    with pytest.raises(TypeError) as err:
        fg.jvp(lambda p: p, (primal,), (tangent,))
    msg = str(err.value)
    assert where in msg and "floating-point" in msg
    assert "astype(float)" in msg


def test_jvp_integer_primal_advice_applies_to_jvp():
    # jvp has no argnums: the way out is to close over the integer (or functools.partial)
    with pytest.raises(TypeError) as err:
        fg.jvp(lambda x, n: x**n, (2.0, 3), (1.0, 0))
    msg = str(err.value)
    assert "argument 1 has dtype int64" in msg
    assert "argnums" not in msg, msg


def test_jvp_needs_a_callable():
    with pytest.raises(TypeError, match="jvp needs a callable.*got int"):
        fg.jvp(3, (1.0,), (1.0,))


# --- linearize ------------------------------------------------------------------------


def test_linearize_agrees_with_jvp_and_runs_f_once(rng):
    calls = []
    W = rng.standard_normal((3, 4))

    def f(x):
        calls.append(1)
        return fnp.tanh(W @ x) * x[0]

    x = rng.standard_normal(4)
    tangents = [rng.standard_normal(4) for _ in range(3)]
    expected = []
    for t in tangents:
        expected.append(fg.jvp(f, (x,), (t,))[1])
    calls.clear()

    out, f_jvp = fg.linearize(f, x)
    assert len(calls) == 1
    np.testing.assert_allclose(out, np.tanh(W @ x) * x[0], rtol=1e-14)
    for t, e in zip(tangents, expected):
        np.testing.assert_allclose(f_jvp(t), e, rtol=1e-12, atol=1e-15)
    assert len(calls) == 1, "the linear map must not run f again"


@pytest.mark.parametrize("make", FUNCTIONS)
def test_linearize_matches_jvp_on_the_table(make, rng):
    f, x = make(rng)
    out, f_jvp = fg.linearize(f, x)
    np.testing.assert_allclose(out, f(x), rtol=1e-14)
    for _ in range(2):
        t = rng.standard_normal(np.shape(x))
        np.testing.assert_allclose(f_jvp(t), fg.jvp(f, (x,), (t,))[1], rtol=1e-12, atol=1e-15)


def test_linearize_of_a_constant_output_gives_zero(rng):
    x = rng.standard_normal(3)
    _, f_jvp = fg.linearize(lambda x: (x * 2.0, fnp.ones(2)), x)
    t = rng.standard_normal(3)
    doubled, zero = f_jvp(t)
    np.testing.assert_allclose(doubled, 2.0 * t)
    np.testing.assert_array_equal(zero, np.zeros(2))


def test_linearize_several_pytree_arguments(rng):
    p = {"w": rng.standard_normal(3), "b": rng.standard_normal()}
    x = rng.standard_normal(3)

    def f(p, x):
        return {"y": fnp.sin(p["w"] * x) + p["b"]}

    out, f_jvp = fg.linearize(f, p, x)
    for _ in range(2):
        tp = {"w": rng.standard_normal(3), "b": np.float64(rng.standard_normal())}
        tx = rng.standard_normal(3)
        assert_trees_allclose(f_jvp(tp, tx), fg.jvp(f, (p, x), (tp, tx))[1], rtol=1e-12)


# --- jacrev and jacfwd ----------------------------------------------------------------


@pytest.mark.parametrize("make", FUNCTIONS)
def test_jacrev_and_jacfwd_match_finite_differences(make, rng):
    f, x = make(rng)
    expected = _fd_jacobian(f, x)
    j_rev, j_fwd = fg.jacrev(f)(x), fg.jacfwd(f)(x)
    assert np.shape(j_rev) == np.shape(f(x)) + np.shape(x)
    assert np.shape(j_fwd) == np.shape(f(x)) + np.shape(x)
    np.testing.assert_allclose(j_rev, expected, **FD_TOL)
    np.testing.assert_allclose(j_fwd, j_rev, rtol=1e-12, atol=1e-15)


@given(x=fst.shapes(min_dims=0, max_dims=2, max_side=3).flatmap(lambda s: fst.arrays(shape=s)))
def test_jacrev_equals_jacfwd_on_drawn_shapes(x):
    def f(x):
        return fnp.sin(x) * fnp.sum(x**2) + fnp.exp(x)

    j_rev, j_fwd = fg.jacrev(f)(x), fg.jacfwd(f)(x)
    np.testing.assert_allclose(j_fwd, j_rev, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(j_rev, _fd_jacobian(f, x), **FD_TOL)


def test_jacobian_of_a_linear_map_is_the_matrix(rng):
    A = rng.standard_normal((3, 5))
    x = rng.standard_normal(5)
    np.testing.assert_allclose(fg.jacrev(lambda x: A @ x)(x), A, rtol=1e-15)
    np.testing.assert_allclose(fg.jacfwd(lambda x: A @ x)(x), A, rtol=1e-15)


@pytest.mark.parametrize("jac", [fg.jacrev, fg.jacfwd])
def test_jacobian_of_dict_to_dict_nests_like_jax(jac, rng):
    d = {"a": rng.standard_normal(2), "b": rng.standard_normal((2, 3))}

    def f(d):
        return {"u": d["a"][:, None] * d["b"], "v": fnp.sum(d["b"] ** 2)}

    J = jac(f)(d)
    assert set(J) == {"u", "v"} and set(J["u"]) == {"a", "b"} and set(J["v"]) == {"a", "b"}
    assert np.shape(J["u"]["a"]) == (2, 3, 2)
    assert np.shape(J["u"]["b"]) == (2, 3, 2, 3)
    assert np.shape(J["v"]["a"]) == (2,)
    assert np.shape(J["v"]["b"]) == (2, 3)
    a, b = d["a"], d["b"]
    # u[i,j] = a[i] b[i,j]: du/da[i,j,k] = delta_ik b[i,j]; du/db[i,j,k,l] = a[i] delta_ik delta_jl
    du_da = np.einsum("ik,ij->ijk", np.eye(2), b)
    du_db = np.einsum("i,ik,jl->ijkl", a, np.eye(2), np.eye(3))
    np.testing.assert_allclose(J["u"]["a"], du_da, rtol=1e-14)
    np.testing.assert_allclose(J["u"]["b"], du_db, rtol=1e-14)
    np.testing.assert_array_equal(J["v"]["a"], np.zeros(2))
    np.testing.assert_allclose(J["v"]["b"], 2 * b, rtol=1e-14)


@pytest.mark.parametrize("jac", [fg.jacrev, fg.jacfwd])
def test_jacobian_of_array_to_tuple_and_dict_to_array(jac, rng):
    x = rng.standard_normal(3)
    J = jac(lambda x: (x**2, fnp.sum(x)))(x)
    assert type(J) is tuple and len(J) == 2
    np.testing.assert_allclose(J[0], np.diag(2 * x), rtol=1e-14)
    np.testing.assert_allclose(J[1], np.ones(3))

    d = {"w": rng.standard_normal((2, 3)), "x": rng.standard_normal(3)}
    J = jac(lambda d: d["w"] @ d["x"])(d)
    assert set(J) == {"w", "x"}
    np.testing.assert_allclose(J["x"], d["w"], rtol=1e-14)
    np.testing.assert_allclose(J["w"], np.einsum("ik,l->ikl", np.eye(2), d["x"]), rtol=1e-14)


def _outer(a, b):
    return a[:, None] * b[None, :]


@pytest.mark.parametrize("jac", [fg.jacrev, fg.jacfwd])
@pytest.mark.parametrize("argnums", [0, 1, -1, (0, 1), (1, 0), (1,)])
def test_jacobian_argnums(jac, argnums, rng):
    a, b = rng.standard_normal(3), rng.standard_normal(2)
    # out[i,j] = a[i] b[j]
    by_arg = {
        0: np.einsum("ik,j->ijk", np.eye(3), b),
        1: np.einsum("i,jk->ijk", a, np.eye(2)),
    }
    J = jac(_outer, argnums=argnums)(a, b)
    if isinstance(argnums, tuple):
        assert type(J) is tuple and len(J) == len(argnums)
        for j, i in zip(J, argnums):
            np.testing.assert_allclose(j, by_arg[i], rtol=1e-14)
    else:
        assert not isinstance(J, tuple)
        np.testing.assert_allclose(J, by_arg[argnums % 2], rtol=1e-14)


@pytest.mark.parametrize("jac", [fg.jacrev, fg.jacfwd])
def test_jacobian_of_tuple_output_with_tuple_argnums_nests_output_first(jac, rng):
    a, b = rng.standard_normal(2), rng.standard_normal(2)
    J = jac(lambda a, b: (a * b, fnp.sum(a)), argnums=(0, 1))(a, b)
    assert type(J) is tuple and type(J[0]) is tuple and type(J[1]) is tuple
    np.testing.assert_allclose(J[0][0], np.diag(b), rtol=1e-14)
    np.testing.assert_allclose(J[0][1], np.diag(a), rtol=1e-14)
    np.testing.assert_allclose(J[1][0], np.ones(2))
    np.testing.assert_array_equal(J[1][1], np.zeros(2))


@pytest.mark.parametrize("jac", [fg.jacrev, fg.jacfwd])
def test_jacobian_has_aux(jac, rng):
    x = rng.standard_normal(3)

    def f(x):
        y = fnp.tanh(x)
        return y * 2.0, {"y": y, "tag": "aux"}

    J, aux = jac(f, has_aux=True)(x)
    y = np.tanh(x)
    np.testing.assert_allclose(J, np.diag(2 * (1 - y**2)), rtol=1e-12)
    np.testing.assert_allclose(aux["y"], y, rtol=1e-14)
    assert aux["tag"] == "aux" and not is_traced(aux["y"])


@pytest.mark.parametrize("jac", [fg.jacrev, fg.jacfwd])
def test_jacobian_zero_dimensional_inputs_and_outputs(jac, rng):
    x0 = 0.7
    v = rng.standard_normal(3)
    J = jac(lambda x: fnp.sin(x) * x)(x0)
    assert np.shape(J) == ()
    np.testing.assert_allclose(J, np.cos(x0) * x0 + np.sin(x0), rtol=1e-14)
    J = jac(lambda x: x * v)(x0)  # R -> R^3: a column
    assert np.shape(J) == (3,)
    np.testing.assert_allclose(J, v, rtol=1e-15)
    J = jac(lambda x: fnp.sum(x**3))(v)  # R^3 -> R: the gradient
    assert np.shape(J) == (3,)
    np.testing.assert_allclose(J, 3 * v**2, rtol=1e-14)


@pytest.mark.parametrize("jac", [fg.jacrev, fg.jacfwd])
def test_jacobian_of_a_constant_function_is_zero(jac, rng):
    W = rng.standard_normal((2, 2))
    J = jac(lambda x: W)(rng.standard_normal(3))
    assert np.shape(J) == (2, 2, 3)
    np.testing.assert_array_equal(J, np.zeros((2, 2, 3)))


@pytest.mark.parametrize("jac", [fg.jacrev, fg.jacfwd])
def test_jacobian_with_empty_input_or_output(jac, rng):
    J = jac(lambda x: x * 2.0)(np.zeros(0))
    assert np.shape(J) == (0, 0)
    J = jac(lambda x: fnp.sum(x) * fnp.ones(0))(rng.standard_normal(3))
    assert np.shape(J) == (0, 3)


@pytest.mark.parametrize("jac", [fg.jacrev, fg.jacfwd])
def test_jacobian_keeps_float32(jac, rng):
    x = rng.standard_normal(3).astype(np.float32)
    J = jac(lambda x: fnp.sin(x) * 2.0)(x)
    assert J.dtype == np.float32
    np.testing.assert_allclose(J, np.diag(2 * np.cos(x)), rtol=1e-6)


# --- cost: passes counted --------------------------------------------------------------


def _counted_layer(rng, n, m, scratch_defop):
    """f: R^n -> R^m through an op whose rules count their calls."""
    passes = {"vjp": 0, "jvp": 0}

    def vjp_rule(g, ans, x):
        passes["vjp"] += 1
        return g * 1.0

    def jvp_rule(t, ans, x):
        passes["jvp"] += 1
        return t * 1.0

    _, ident = scratch_defop(lambda x: x * 1.0, name="counted", vjp=vjp_rule, jvp=jvp_rule)
    W = rng.standard_normal((m, n))
    calls = []

    def f(x):
        calls.append(1)
        return fnp.tanh(W @ ident(x))

    return f, W, calls, passes


def test_jacrev_runs_f_once_and_one_backward_pass_per_output(rng, scratch_defop):
    n, m = 5, 3
    f, W, calls, passes = _counted_layer(rng, n, m, scratch_defop)
    x = rng.standard_normal(n)
    J = fg.jacrev(f)(x)
    assert len(calls) == 1, "jacrev runs the forward pass once"
    assert passes["vjp"] == m, "one backward pass per output element"
    assert passes["jvp"] == 0
    t = np.tanh(W @ x)
    np.testing.assert_allclose(J, (1 - t**2)[:, None] * W, rtol=1e-12)


def test_jacfwd_runs_one_forward_pass_per_input(rng, scratch_defop):
    n, m = 5, 3
    f, W, calls, passes = _counted_layer(rng, n, m, scratch_defop)
    x = rng.standard_normal(n)
    J = fg.jacfwd(f)(x)
    assert len(calls) == n, "jacfwd runs one forward pass per input element"
    assert passes["jvp"] == n
    assert passes["vjp"] == 0
    t = np.tanh(W @ x)
    np.testing.assert_allclose(J, (1 - t**2)[:, None] * W, rtol=1e-12)


# --- hessian --------------------------------------------------------------------------


def test_hessian_of_a_quadratic_form(rng):
    A = rng.standard_normal((4, 4))  # not symmetric
    x = rng.standard_normal(4)
    H = fg.hessian(lambda x: x @ (A @ x))(x)
    np.testing.assert_allclose(H, A + A.T, rtol=1e-13, atol=1e-15)


def test_hessian_of_a_quadratic_form_in_a_matrix_argument(rng):
    A = rng.standard_normal((3, 3))
    X = rng.standard_normal((3, 2))
    # f(X) = sum_k X[:,k]^T A X[:,k]: H[i,k,j,l] = (A + A^T)[i,j] delta_kl
    H = fg.hessian(lambda X: fnp.sum(X * (A @ X)))(X)
    assert H.shape == (3, 2, 3, 2)
    np.testing.assert_allclose(H, np.einsum("ij,kl->ikjl", A + A.T, np.eye(2)), rtol=1e-13)


def _tanh_sum(rng):
    W = rng.standard_normal((5, 3))
    x = rng.standard_normal(3)

    def f(x):
        return fnp.sum(fnp.tanh(W @ x))

    t = np.tanh(W @ x)
    closed_form = W.T @ np.diag(-2 * t * (1 - t**2)) @ W
    return f, x, closed_form


def test_hessian_of_tanh_layer_sum_matches_closed_form(rng):
    f, x, closed_form = _tanh_sum(rng)
    H = fg.hessian(f)(x)
    np.testing.assert_allclose(H, closed_form, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(H, H.T, rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize(
    "outer, inner",
    [
        (fg.jacrev, fg.jacrev),
        (fg.jacfwd, fg.jacfwd),
        (fg.jacrev, fg.jacfwd),
        (fg.jacfwd, fg.jacrev),
    ],
    ids=["rev_rev", "fwd_fwd", "rev_fwd", "fwd_rev"],
)
def test_hessian_equals_every_jacobian_of_jacobian(outer, inner, rng):
    f, x, closed_form = _tanh_sum(rng)
    np.testing.assert_allclose(outer(inner(f))(x), fg.hessian(f)(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(outer(inner(f))(x), closed_form, rtol=1e-12, atol=1e-14)


def test_hessian_of_dict_argument_nests_and_is_symmetric(rng):
    p = {"w": rng.standard_normal(3), "b": np.float64(0.4)}
    x = rng.standard_normal(3)

    def f(p):
        return fnp.sum(fnp.tanh(p["w"] * x + p["b"]) ** 2)

    H = fg.hessian(f)(p)
    assert np.shape(H["w"]["w"]) == (3, 3) and np.shape(H["w"]["b"]) == (3,)
    assert np.shape(H["b"]["w"]) == (3,) and np.shape(H["b"]["b"]) == ()
    np.testing.assert_allclose(H["w"]["b"], H["b"]["w"], rtol=1e-12)
    np.testing.assert_allclose(H["w"]["w"], H["w"]["w"].T, rtol=1e-12)
    # d2/dw_i dw_j = delta_ij x_i^2 s''(z_i), s = tanh^2, s'' = 2(1-t^2)(1-3t^2)
    t = np.tanh(p["w"] * x + p["b"])
    s2 = 2 * (1 - t**2) * (1 - 3 * t**2)
    np.testing.assert_allclose(H["w"]["w"], np.diag(x**2 * s2), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(H["b"]["b"], np.sum(s2), rtol=1e-12)


def test_hessian_has_aux_and_argnums(rng):
    a, b = rng.standard_normal(2), rng.standard_normal(2)

    def f(a, b):
        return fnp.sum(a**2 * b), "note"

    H, aux = fg.hessian(f, argnums=1, has_aux=True)(a, b)
    assert aux == "note"
    np.testing.assert_array_equal(H, np.zeros((2, 2)))  # f is linear in b
    H, _ = fg.hessian(f, argnums=0, has_aux=True)(a, b)
    np.testing.assert_allclose(H, np.diag(2 * b), rtol=1e-14)


# --- hvp ------------------------------------------------------------------------------


def test_hvp_equals_hessian_times_vector(rng):
    f, x, closed_form = _tanh_sum(rng)
    for _ in range(3):
        v = rng.standard_normal(3)
        hv = fg.hvp(f, (x,), (v,))
        np.testing.assert_allclose(hv, fg.hessian(f)(x) @ v, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(hv, closed_form @ v, rtol=1e-12, atol=1e-14)


def test_hvp_with_dict_params(rng):
    p = {"w": rng.standard_normal(3), "b": np.float64(0.3)}
    x = rng.standard_normal(3)
    v = {"w": rng.standard_normal(3), "b": np.float64(rng.standard_normal())}

    def loss(p):
        return fnp.sum(fnp.log1p(fnp.exp(p["w"] * x + p["b"])))

    hv = fg.hvp(loss, (p,), (v,))
    assert set(hv) == {"w", "b"} and np.shape(hv["w"]) == (3,) and np.shape(hv["b"]) == ()
    # against the Hessian, contracted over the input blocks
    H = fg.hessian(loss)(p)
    expected = {
        "w": H["w"]["w"] @ v["w"] + H["w"]["b"] * v["b"],
        "b": H["b"]["w"] @ v["w"] + H["b"]["b"] * v["b"],
    }
    assert_trees_allclose(hv, expected, rtol=1e-12, atol=1e-15)
    # and against the closed form: softplus'' = s (1 - s), s = sigmoid(z)
    s = 1 / (1 + np.exp(-(p["w"] * x + p["b"])))
    c = s * (1 - s)
    dz = v["w"] * x + v["b"]
    np.testing.assert_allclose(hv["w"], c * dz * x, rtol=1e-12)
    np.testing.assert_allclose(hv["b"], np.sum(c * dz), rtol=1e-12)


def test_hvp_of_several_arguments_returns_a_tuple(rng):
    a, b = rng.standard_normal(2), rng.standard_normal(2)
    va, vb = rng.standard_normal(2), rng.standard_normal(2)
    # f = sum(a^2 b): H_aa = diag(2b), H_ab = diag(2a), H_bb = 0
    hv = fg.hvp(lambda a, b: fnp.sum(a**2 * b), (a, b), (va, vb))
    assert type(hv) is tuple and len(hv) == 2
    np.testing.assert_allclose(hv[0], 2 * b * va + 2 * a * vb, rtol=1e-14)
    np.testing.assert_allclose(hv[1], 2 * a * va, rtol=1e-14)


# --- mixing modes ---------------------------------------------------------------------


def test_forward_over_reverse(rng):
    x, v = rng.standard_normal(3), rng.standard_normal(3)
    # grad of sum(sin(x) x) = cos(x) x + sin(x); its derivative: 2 cos(x) - x sin(x)
    g, dg = fg.jvp(fg.grad(lambda x: fnp.sum(fnp.sin(x) * x)), (x,), (v,))
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-13)
    np.testing.assert_allclose(dg, (2 * np.cos(x) - x * np.sin(x)) * v, rtol=1e-12)


def test_reverse_over_forward(rng):
    x, v = rng.standard_normal(3), rng.standard_normal(3)

    def directional(x):  # d/de sum(exp(x + e v)) at 0 = sum(exp(x) v)
        return fnp.sum(fg.jvp(lambda y: fnp.exp(y) * 2.0, (x,), (v,))[1])

    np.testing.assert_allclose(fg.grad(directional)(x), 2 * np.exp(x) * v, rtol=1e-13)


def test_forward_over_forward(rng):
    x, u, v = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(3)

    def directional(x):
        return fg.jvp(lambda y: y**3, (x,), (u,))[1]  # 3 x^2 u

    out, second = fg.jvp(directional, (x,), (v,))
    np.testing.assert_allclose(out, 3 * x**2 * u, rtol=1e-14)
    np.testing.assert_allclose(second, 6 * x * u * v, rtol=1e-14)


@pytest.mark.parametrize("outer", ["jvp", "grad"])
def test_perturbation_confusion_in_forward_mode(outer):
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1; a confused implementation gives 2.
    def f(x):
        return x * fg.jvp(lambda y: x + y, (1.0,), (1.0,))[1]

    d = fg.jvp(f, (1.0,), (1.0,))[1] if outer == "jvp" else fg.grad(f)(1.0)
    assert float(d) == 1.0


@pytest.mark.parametrize("outer", ["jvp", "grad"])
def test_inner_forward_derivative_sees_the_outer_variable(outer):
    # d/dx [d/dy (x y) at y = 2] = d/dx x = 1, and the inner value is x itself.
    def f(x):
        return fg.jvp(lambda y: x * y, (2.0,), (1.0,))[1]

    assert float(f(3.0)) == 3.0
    d = fg.jvp(f, (3.0,), (1.0,))[1] if outer == "jvp" else fg.grad(f)(3.0)
    assert float(d) == 1.0


@pytest.mark.parametrize("outer", ["jvp", "grad"])
def test_inner_forward_derivative_at_a_traced_point(outer):
    # d/dx [d/dy y**3 at y = x] = d/dx 3 x**2 = 6 x: the inner primal is the outer variable
    def f(x):
        return fg.jvp(lambda y: y**3, (x,), (1.0,))[1]

    d = fg.jvp(f, (2.0,), (1.0,))[1] if outer == "jvp" else fg.grad(f)(2.0)
    assert float(d) == 12.0


def test_reverse_over_forward_with_respect_to_the_tangent(rng):
    # jvp is linear in the tangent: d/dt sum(cos(c) t) = cos(c)
    c, t = rng.standard_normal(3), rng.standard_normal(3)
    g = fg.grad(lambda t: fnp.sum(fg.jvp(fnp.sin, (c,), (t,))[1] ** 2))(t)
    np.testing.assert_allclose(g, 2 * np.cos(c) ** 2 * t, rtol=1e-13)


@pytest.mark.parametrize(
    "modes",
    list(itertools.product([fg.jacrev, fg.jacfwd], repeat=3)),
    ids=lambda m: "_".join(j.__name__ for j in m),
)
def test_third_derivative_of_x_to_the_fourth(modes):
    a, b, c = modes
    for x in (2.0, -0.5):
        np.testing.assert_allclose(a(b(c(lambda x: x**4)))(x), 24 * x, rtol=1e-14)
        np.testing.assert_allclose(a(b(c(fnp.sin)))(x), -np.cos(x), rtol=1e-14)


def test_third_derivative_tensor_of_sum_of_fourth_powers(rng):
    x = rng.standard_normal(3)
    T = fg.jacfwd(fg.jacrev(fg.jacrev(lambda x: fnp.sum(x**4))))(x)
    expected = np.zeros((3, 3, 3))
    expected[np.arange(3), np.arange(3), np.arange(3)] = 24 * x
    np.testing.assert_allclose(T, expected, rtol=1e-14)


# --- check_grads catches a wrong JVP rule ---------------------------------------------


def _product_op(scratch_defop, *, bad_jvp=False, bad_vjp=False):
    """x * y with correct rules, except a factor 2 on argument 1's JVP or VJP rule."""
    jvp_y = (lambda t, ans, x, y: 2.0 * t * x) if bad_jvp else (lambda t, ans, x, y: t * x)
    vjp_y = (lambda g, ans, x, y: 2.0 * g * x) if bad_vjp else (lambda g, ans, x, y: g * x)
    return scratch_defop(
        lambda x, y: x * y,
        name="product",
        vjp=(lambda g, ans, x, y: g * y, vjp_y),
        jvp=(lambda t, ans, x, y: t * y, jvp_y),
    )


def test_check_grads_fwd_catches_a_wrong_jvp_rule(scratch_defop, rng):
    name, op = _product_op(scratch_defop, bad_jvp=True)
    args = (rng.standard_normal(3), rng.standard_normal(3))
    with pytest.raises(AssertionError) as err:
        check_grads(op, args, modes=("fwd",))
    msg = str(err.value)
    assert "forward mode" in msg and "the JVP" in msg
    assert "argument 1" in msg and "argument 0" not in msg
    assert "order 1" in msg


def test_check_grads_rev_alone_misses_a_wrong_jvp_rule(scratch_defop, rng):
    # the VJP rules are right, so reverse mode (orders 1 and 2) has nothing to find
    _, op = _product_op(scratch_defop, bad_jvp=True)
    check_grads(op, (rng.standard_normal(3), rng.standard_normal(3)), modes=("rev",))


def test_check_grads_both_modes_catch_a_wrong_jvp_rule(scratch_defop, rng):
    _, op = _product_op(scratch_defop, bad_jvp=True)
    args = (rng.standard_normal(3), rng.standard_normal(3))
    for modes in (("fwd", "rev"), ("rev", "fwd")):
        with pytest.raises(AssertionError) as err:
            check_grads(op, args, modes=modes)
        msg = str(err.value)
        assert "forward mode" in msg and "argument 1" in msg
    with pytest.raises(AssertionError, match="forward mode"):
        check_grads(op, args)  # the default checks both


def test_check_grads_rev_catches_a_wrong_vjp_rule_that_fwd_misses(scratch_defop, rng):
    _, op = _product_op(scratch_defop, bad_vjp=True)
    args = (rng.standard_normal(3), rng.standard_normal(3))
    check_grads(op, args, modes=("fwd",))
    with pytest.raises(AssertionError) as err:
        check_grads(op, args, modes=("rev",))
    msg = str(err.value)
    assert "reverse mode" in msg and "the VJP" in msg and "argument 1" in msg


def test_check_grads_passes_the_correct_rules(scratch_defop, rng):
    # the control: the same op with both rules right passes in every mode mixture
    _, op = _product_op(scratch_defop)
    check_grads(op, (rng.standard_normal(3), rng.standard_normal(3)), order=2)


def test_scratch_ops_leave_the_registry():
    # runs after the tests above: none of their scratch ops may still be registered
    assert not [n for n in _primitive._REGISTRY if n.startswith("scratch_")]


def test_check_grads_rejects_unknown_modes():
    with pytest.raises(ValueError, match="modes must be taken from"):
        check_grads(fnp.sin, (np.ones(2),), modes=("forward",))
