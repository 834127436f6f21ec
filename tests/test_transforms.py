"""grad / value_and_grad / vjp / Tape: pytrees, argnums, has_aux, nesting, depth, threads."""

import sys
import threading
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.extend import is_traced
from funcgrad.testing import assert_trees_allclose

Params = namedtuple("Params", ["w", "b"])


def _readonly(a):
    a = np.array(a, dtype=float)
    a.flags.writeable = False
    return a


# --- pytree inputs and outputs ---------------------------------------------------------


def test_grad_of_dict_params_has_their_structure(rng):
    w, b = rng.standard_normal(3), rng.standard_normal()
    x = rng.standard_normal((5, 3))
    y = rng.standard_normal(5)

    def loss(params, x, y):
        r = x @ params["w"] + params["b"] - y
        return fnp.sum(r**2)

    g = fg.grad(loss)({"w": w, "b": b}, x, y)
    r = x @ w + b - y
    assert set(g) == {"w", "b"}
    np.testing.assert_allclose(g["w"], 2 * x.T @ r, rtol=1e-12)
    np.testing.assert_allclose(g["b"], 2 * r.sum(), rtol=1e-12)
    assert np.shape(g["w"]) == (3,) and np.shape(g["b"]) == ()


def test_grad_of_nested_lists_and_tuples_keeps_container_types(rng):
    a, b, c = rng.standard_normal(2), rng.standard_normal((2, 2)), rng.standard_normal()
    tree = [a, (b, {"c": c}), []]

    def f(t):
        a, (b, d), _ = t
        return fnp.sum(a * 3.0) + fnp.sum(b**2) + d["c"] ** 3

    g = fg.grad(f)(tree)
    assert type(g) is list and type(g[1]) is tuple and type(g[1][1]) is dict and g[2] == []
    assert_trees_allclose(g, [np.full(2, 3.0), (2 * b, {"c": 3 * c**2}), []], rtol=1e-12)


def test_grad_of_namedtuple_returns_namedtuple():
    g = fg.grad(lambda p: p.w**2 * p.b)(Params(w=2.0, b=3.0))
    assert type(g) is Params
    np.testing.assert_allclose([g.w, g.b], [2 * 2.0 * 3.0, 2.0**2])


def test_value_and_grad_value_matches_plain_call(rng):
    x = rng.standard_normal(4)

    def f(x):
        return fnp.sum(fnp.sin(x) * x)

    value, g = fg.value_and_grad(f)(x)
    np.testing.assert_allclose(value, np.sum(np.sin(x) * x), rtol=1e-14)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-12)
    assert not is_traced(value) and not is_traced(g)


def test_keyword_arguments_pass_through_undifferentiated():
    g = fg.grad(lambda x, *, scale: scale * x**2)(3.0, scale=5.0)
    np.testing.assert_allclose(g, 2 * 5.0 * 3.0)


# --- argnums --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argnums, expected",
    [
        (0, 5.0 * 7.0),  # d/da a*b*c at (2, 5, 7)
        (1, 2.0 * 7.0),
        (-1, 2.0 * 5.0),
        (-3, 5.0 * 7.0),
        ((0, 2), (35.0, 10.0)),
        ((2, 0), (10.0, 35.0)),
        ((-1, 1), (10.0, 14.0)),
        ((1,), (14.0,)),
    ],
)
def test_argnums(argnums, expected):
    g = fg.grad(lambda a, b, c: a * b * c, argnums=argnums)(2.0, 5.0, 7.0)
    if isinstance(argnums, tuple):
        assert isinstance(g, tuple) and len(g) == len(argnums)
        np.testing.assert_allclose(np.array(g, dtype=float), expected)
    else:
        assert not isinstance(g, tuple)
        np.testing.assert_allclose(g, expected)


def test_argnums_leaves_other_arguments_unrestricted():
    # Integer and string arguments are fine when they are not differentiated.
    def f(x, n, label):
        assert label == "ok" and n == 3
        return x**n

    np.testing.assert_allclose(fg.grad(f)(2.0, 3, "ok"), 3 * 2.0**2)


# --- has_aux --------------------------------------------------------------------------


def test_value_and_grad_has_aux_uses_jax_order(rng):
    x = rng.standard_normal(3)

    def f(x):
        h = fnp.tanh(x)
        return fnp.sum(h**2), {"h": h, "n": 3}

    (value, aux), g = fg.value_and_grad(f, has_aux=True)(x)
    h = np.tanh(x)
    np.testing.assert_allclose(value, np.sum(h**2), rtol=1e-14)
    np.testing.assert_allclose(aux["h"], h, rtol=1e-14)
    assert aux["n"] == 3
    assert not is_traced(aux["h"]), "aux must come back as plain values"
    np.testing.assert_allclose(g, 2 * h * (1 - h**2), rtol=1e-12)


def test_grad_has_aux_returns_grad_then_aux():
    g, aux = fg.grad(lambda x: (x**3, x * 2.0), has_aux=True)(2.0)
    np.testing.assert_allclose(g, 3 * 2.0**2)
    np.testing.assert_allclose(aux, 4.0)
    assert not is_traced(aux)


def test_has_aux_with_argnums_tuple():
    (g_a, g_b), aux = fg.grad(lambda a, b: (a * b, [a, b]), argnums=(0, 1), has_aux=True)(2.0, 3.0)
    np.testing.assert_allclose([g_a, g_b], [3.0, 2.0])
    np.testing.assert_allclose(np.array(aux, dtype=float), [2.0, 3.0])


# --- vjp ------------------------------------------------------------------------------


def test_vjp_with_pytree_outputs(rng):
    x = rng.standard_normal(3)
    out, pullback = fg.vjp(lambda x: {"a": x * 2.0, "b": [x**2, fnp.sum(fnp.sin(x))]}, x)
    np.testing.assert_allclose(out["a"], 2 * x)
    np.testing.assert_allclose(out["b"][0], x**2)
    np.testing.assert_allclose(out["b"][1], np.sin(x).sum())
    ua, ub = rng.standard_normal(3), rng.standard_normal(3)
    (gx,) = pullback({"a": ua, "b": [ub, 0.5]})
    np.testing.assert_allclose(gx, 2 * ua + 2 * x * ub + 0.5 * np.cos(x), rtol=1e-12)


def test_vjp_with_several_pytree_primals(rng):
    p = {"w": rng.standard_normal((2, 3)), "b": rng.standard_normal(3)}
    x = rng.standard_normal((4, 2))
    out, pullback = fg.vjp(lambda p, x: x @ p["w"] + p["b"], p, x)
    u = rng.standard_normal((4, 3))
    gp, gx = pullback(u)
    np.testing.assert_allclose(gp["w"], x.T @ u, rtol=1e-12)
    np.testing.assert_allclose(gp["b"], u.sum(0), rtol=1e-12)
    np.testing.assert_allclose(gx, u @ p["w"].T, rtol=1e-12)


def test_vjp_fn_called_twice_does_not_rerun_forward(rng):
    calls = []

    def f(x):
        calls.append(1)
        return fnp.exp(x) * x

    x = rng.standard_normal(4)
    out, pullback = fg.vjp(f, x)
    assert len(calls) == 1
    u1, u2 = rng.standard_normal(4), rng.standard_normal(4)
    first = pullback(u1)[0]
    again = pullback(u1)[0]
    other = pullback(u2)[0]
    assert len(calls) == 1, "vjp_fn must not run the forward pass again"
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(first, u1 * np.exp(x) * (1 + x), rtol=1e-12)
    np.testing.assert_allclose(other, u2 * np.exp(x) * (1 + x), rtol=1e-12)


def test_vjp_has_aux():
    out, pullback, aux = fg.vjp(lambda x: (x * 3.0, {"sq": x**2}), 2.0, has_aux=True)
    np.testing.assert_allclose(out, 6.0)
    np.testing.assert_allclose(aux["sq"], 4.0)
    assert not is_traced(aux["sq"])
    np.testing.assert_allclose(pullback(1.0)[0], 3.0)


# --- Python control flow --------------------------------------------------------------


def test_if_on_concrete_values_takes_the_branch_of_the_value():
    def f(x):
        if x > 0:
            return x**2
        return -3.0 * x

    np.testing.assert_allclose(fg.grad(f)(2.0), 4.0)
    np.testing.assert_allclose(fg.grad(f)(-2.0), -3.0)


def test_for_loop():
    def f(x, n):
        acc = 0.0
        for k in range(1, n + 1):
            acc = acc + x**k
        return acc

    x = 1.5
    np.testing.assert_allclose(fg.grad(f)(x, 4), sum(k * x ** (k - 1) for k in range(1, 5)))


def test_while_loop_depends_on_the_traced_value():
    def f(x):
        while x < 100.0:
            x = x * 2.0
        return x

    # 3 -> 6 -> ... -> 192: six doublings, so d/dx = 2**6.
    np.testing.assert_allclose(fg.grad(f)(3.0), 2.0**6)
    # 30 -> 60 -> 120: two doublings.
    np.testing.assert_allclose(fg.grad(f)(30.0), 2.0**2)


def test_recursion():
    def power(x, n):
        return 1.0 if n == 0 else x * power(x, n - 1)

    np.testing.assert_allclose(fg.grad(power)(2.0, 5), 5 * 2.0**4)


# --- accumulation, nesting, depth -----------------------------------------------------


def test_fan_out_accumulates(rng):
    def f(x):
        y = x
        for _ in range(10):
            y = y * x
        return fnp.sum(y)  # sum of x**11

    x = rng.uniform(0.5, 1.5, size=3)
    np.testing.assert_allclose(fg.grad(f)(x), 11 * x**10, rtol=1e-12)


def test_wide_fan_out_accumulates(rng):
    c = rng.standard_normal(200)

    def f(x):
        return fnp.sum(fnp.array([ci * x for ci in c])) + x * x + x

    np.testing.assert_allclose(fg.grad(f)(0.7), c.sum() + 2 * 0.7 + 1, rtol=1e-12)


@pytest.mark.parametrize("x", [2.0, -1.5, 0.0])
def test_grad_of_grad_is_exact(x):
    d1 = fg.grad(lambda x: x**3)
    d2 = fg.grad(d1)
    d3 = fg.grad(d2)
    np.testing.assert_allclose(d1(x), 3 * x**2, rtol=1e-15)
    np.testing.assert_allclose(d2(x), 6 * x, rtol=1e-15)
    np.testing.assert_allclose(d3(x), 6.0, rtol=1e-15)
    np.testing.assert_allclose(fg.grad(fg.grad(d3))(x), 0.0, atol=0)


def test_grad_of_grad_of_transcendental():
    x = 0.7
    g2 = fg.grad(fg.grad(lambda x: fnp.sin(x) * x))(x)
    np.testing.assert_allclose(g2, 2 * np.cos(x) - x * np.sin(x), rtol=1e-14)


def test_grad_of_a_function_that_calls_grad():
    # d/dy (x * y**2) = 2 x y; at y = x this is 2 x**2, whose derivative is 4 x.
    def inner_at_x(x):
        return fg.grad(lambda y: x * y * y)(x)

    np.testing.assert_allclose(fg.grad(inner_at_x)(3.0), 12.0)


def test_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1 (a confused implementation gives 2).
    def f(x):
        return x * fg.grad(lambda y: x + y)(1.0)

    assert fg.grad(f)(1.0) == 1.0


def test_perturbation_confusion_product():
    # d/dx [x * d/dy (x * y)] = d/dx [x * x] = 2 x.
    def f(x):
        return x * fg.grad(lambda y: x * y)(5.0)

    np.testing.assert_allclose(fg.grad(f)(3.0), 6.0)


def test_chain_of_100000_ops_at_default_recursion_limit():
    limit = sys.getrecursionlimit()
    assert limit < 100_000, "this test needs a recursion limit below the chain length"
    n = 100_000
    c = 1.0 + 1e-5

    def f(x):
        for _ in range(n):
            x = x * c
        return x

    value, g = fg.value_and_grad(f)(2.0)
    assert sys.getrecursionlimit() == limit
    np.testing.assert_allclose(g, c**n, rtol=1e-9)
    np.testing.assert_allclose(value, 2.0 * c**n, rtol=1e-9)


# --- trace state per thread -----------------------------------------------------------


def test_concurrent_grads_in_threads_match_serial(rng):
    n_threads = 6
    datas = [rng.standard_normal(5) * (i + 1) for i in range(n_threads)]
    barrier = threading.Barrier(n_threads)

    def loss(x, wait):
        h = fnp.tanh(x) * x
        if wait:
            barrier.wait(timeout=30)  # every thread is inside its trace now
        # a nested transform too, so inner and outer levels of threads interleave
        inner = fg.grad(lambda y: fnp.sum(fnp.sin(y * h)))(x)
        if wait:
            barrier.wait(timeout=30)
        return fnp.sum(inner * h) + fnp.sum(h**2)

    def run(i, wait):
        return fg.value_and_grad(loss)(datas[i], wait)

    serial = [run(i, False) for i in range(n_threads)]
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        futures = [pool.submit(run, i, True) for i in range(n_threads)]
        threaded = [fut.result(timeout=60) for fut in futures]
    for (v_s, g_s), (v_t, g_t) in zip(serial, threaded):
        np.testing.assert_array_equal(v_t, v_s)
        np.testing.assert_array_equal(g_t, g_s)
    # and the serial results differ between threads' data (the comparison means something)
    assert not np.allclose(serial[0][1], serial[1][1])


# --- Tape -----------------------------------------------------------------------------


def test_tape_watch_and_gradient(rng):
    x0 = rng.standard_normal(3)
    with fg.Tape() as tape:
        x = tape.watch(x0)
        y = fnp.sum(fnp.exp(x) * x)
    assert tape.is_watched(x) and not tape.is_watched(y) and tape.is_recorded(y)
    g1 = tape.gradient(y, x)
    g2 = tape.gradient(y, x)
    expected = np.exp(x0) * (1 + x0)
    np.testing.assert_allclose(g1, expected, rtol=1e-12)
    np.testing.assert_array_equal(g1, g2)


def test_tape_gradient_does_not_rerun_and_works_while_open(rng):
    x0 = rng.standard_normal(2)
    with fg.Tape() as tape:
        x = tape.watch(x0)
        h = fnp.sin(x)
        y = fnp.sum(h * h)
        g_open = tape.gradient(y, x)
        assert not tape.closed
    assert tape.closed
    g_closed = tape.gradient(y, x)
    np.testing.assert_allclose(g_open, 2 * np.sin(x0) * np.cos(x0), rtol=1e-12)
    np.testing.assert_array_equal(g_open, g_closed)
    # an intermediate value is a valid input too: dy/dh = 2 h
    np.testing.assert_allclose(tape.gradient(y, h), 2 * np.sin(x0), rtol=1e-12)


def test_tape_pytree_outputs_inputs_and_cotangents(rng):
    a0, b0 = rng.standard_normal(3), rng.standard_normal(3)
    with fg.Tape() as tape:
        a, b = tape.watch(a0), tape.watch(b0)
        outs = {"p": a * b, "s": a + b}
    u = {"p": rng.standard_normal(3), "s": rng.standard_normal(3)}
    g = tape.gradient(outs, {"a": a, "b": b}, u)
    np.testing.assert_allclose(g["a"], u["p"] * b0 + u["s"], rtol=1e-12)
    np.testing.assert_allclose(g["b"], u["p"] * a0 + u["s"], rtol=1e-12)


def test_tape_unused_input(rng):
    with fg.Tape() as tape:
        x, z = tape.watch(rng.standard_normal(3)), tape.watch(1.0)
        y = fnp.sum(x)
    np.testing.assert_array_equal(tape.gradient(y, z), 0.0)
    assert tape.gradient(y, [x, z], unused="none")[1] is None


def test_closed_tape_refuses_watch_and_new_ops():
    with fg.Tape("my_tape") as tape:
        x = tape.watch(np.array([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="closed"):
        tape.watch(3.0)
    with pytest.raises(fg.UnexpectedTracerError, match="my_tape"):
        fnp.sin(x)
    with pytest.raises(fg.UnexpectedTracerError, match="my_tape"):
        x * 2.0


def test_tape_non_scalar_output_needs_cotangents():
    with fg.Tape() as tape:
        x = tape.watch(np.ones(3))
        y = x * 2.0
    with pytest.raises(ValueError, match=r"shape \(3,\).*cotangents"):
        tape.gradient(y, x)
    np.testing.assert_allclose(tape.gradient(y, x, np.arange(3.0)), 2 * np.arange(3.0))


def test_tape_primal_strips_its_own_tracing():
    with fg.Tape() as tape:
        x = tape.watch(2.0)
        out = {"y": x * 3.0, "c": 1}
    plain = tape.primal(out)
    assert not is_traced(plain["y"]) and plain["c"] == 1
    np.testing.assert_allclose(plain["y"], 6.0)


# --- constants, zero gradients --------------------------------------------------------


def test_stop_gradient():
    np.testing.assert_allclose(fg.grad(lambda x: x * fg.stop_gradient(x))(3.0), 3.0)
    np.testing.assert_allclose(fg.grad(lambda x: fg.stop_gradient(x**2) + x)(3.0), 1.0)


def test_stop_gradient_on_pytrees_and_at_every_level():
    tree = fg.stop_gradient({"a": 1.0, "b": [np.ones(2)]})
    assert_trees_allclose(tree, {"a": 1.0, "b": [np.ones(2)]})

    def outer(x):
        # the inner function's value is x (a constant to both levels), its gradient 0
        return fg.grad(lambda y: y * fg.stop_gradient(x))(2.0) + fg.stop_gradient(x * x)

    np.testing.assert_allclose(fg.grad(outer)(3.0), 0.0)


def test_output_independent_of_input_gives_zero_gradient(rng):
    x = rng.standard_normal((2, 3))
    g = fg.grad(lambda x: fnp.asarray(3.0))(x)
    assert np.shape(g) == (2, 3)
    np.testing.assert_array_equal(g, np.zeros((2, 3)))
    value, g = fg.value_and_grad(lambda x, y: y * 2.0)(x, 5.0)
    np.testing.assert_allclose(value, 10.0)
    np.testing.assert_array_equal(g, np.zeros((2, 3)))
    # an unused entry of a dict gets zeros of its shape
    g = fg.grad(lambda p: fnp.sum(p["used"]))({"used": np.ones(2), "unused": np.ones(4)})
    np.testing.assert_array_equal(g["unused"], np.zeros(4))
    np.testing.assert_array_equal(g["used"], np.ones(2))


def test_gradient_through_comparison_only_is_zero():
    np.testing.assert_array_equal(
        fg.grad(lambda x: fnp.sum(fnp.astype(x > 0, np.float64)))(np.ones(2)), np.zeros(2)
    )


# --- dtypes and immutability ----------------------------------------------------------


def test_float32_stays_float32_through_mlp(rng):
    f32 = np.float32
    params = {
        "w1": rng.standard_normal((4, 8)).astype(f32),
        "b1": np.zeros(8, f32),
        "w2": rng.standard_normal((8, 3)).astype(f32),
        "b2": np.zeros(3, f32),
    }
    x = rng.standard_normal((16, 4)).astype(f32)
    y = rng.standard_normal((16, 3)).astype(f32)

    def loss(p, x, y):
        h = fnp.tanh(x @ p["w1"] + p["b1"])
        out = h @ p["w2"] + p["b2"]
        reg = 1e-3 * fnp.sum(p["w1"] ** 2)
        return fnp.mean((out - y) ** 2) / 2.0 + reg + fnp.max(fnp.abs(out)) * 0.1

    value, g = fg.value_and_grad(loss)(params, x, y)
    assert value.dtype == f32
    for k, v in g.items():
        assert v.dtype == f32, f"{k}: {v.dtype}"
        assert v.shape == params[k].shape
    # and the float32 gradient agrees with the float64 one to float32 precision
    p64 = {k: v.astype(np.float64) for k, v in params.items()}
    g64 = fg.grad(loss)(p64, x.astype(np.float64), y.astype(np.float64))
    for k in g:
        np.testing.assert_allclose(g[k], g64[k], rtol=1e-3, atol=1e-4)


def test_inputs_are_never_written(rng):
    x = _readonly(rng.standard_normal((3, 4)))
    w = _readonly(rng.standard_normal((4, 2)))
    b = _readonly(rng.standard_normal(2))
    before = [x.copy(), w.copy(), b.copy()]

    def f(x, params):
        h = fnp.tanh(x @ params["w"] + params["b"])
        z = fnp.concatenate([h, x[:, :2] ** 2], axis=1)
        z = fnp.where(z > 0, z, 0.1 * z)
        return fnp.sum(fnp.exp(-z) * fnp.max(z, axis=0)) + fnp.prod(params["b"])

    g = fg.grad(f, argnums=(0, 1))(x, {"w": w, "b": b})
    gg = fg.grad(lambda x: fnp.sum(fg.grad(f)(x, {"w": w, "b": b}) ** 2))(x)
    for a, orig in zip([x, w, b], before):
        assert not a.flags.writeable
        np.testing.assert_array_equal(a, orig)
    assert g[0].shape == x.shape and g[1]["w"].shape == w.shape and gg.shape == x.shape

    # writeable inputs are not written either
    xw = np.array(before[0])
    fg.grad(f)(xw, {"w": before[1], "b": before[2]})
    np.testing.assert_array_equal(xw, before[0])


def test_cotangents_are_never_written(rng):
    # Fan-out makes the backward pass accumulate; a user's cotangent must not be the
    # buffer it accumulates into, and calling the pullback again gives the same result.
    x0 = rng.standard_normal(4)

    def f(x):
        y = x * 1.0
        return {"a": y + y + y, "b": y, "c": x}

    out, pullback = fg.vjp(f, x0)
    u = {k: _readonly(rng.standard_normal(4)) for k in ("a", "b", "c")}
    before = {k: v.copy() for k, v in u.items()}
    (g1,) = pullback(u)
    (g2,) = pullback(u)
    for k in u:
        np.testing.assert_array_equal(u[k], before[k])
    np.testing.assert_allclose(g1, 3 * u["a"] + u["b"] + u["c"], rtol=1e-14)
    np.testing.assert_array_equal(g1, g2)
    # the same output leaf twice: the two seeds add up
    _, pullback = fg.vjp(lambda x: (x, x), x0)
    ua, ub = _readonly(np.ones(4)), _readonly(np.full(4, 2.0))
    np.testing.assert_array_equal(pullback((ua, ub))[0], np.full(4, 3.0))
    np.testing.assert_array_equal(ua, np.ones(4))


def test_fan_out_into_a_chain_accumulates_every_consumer():
    """A value with several consumers, one of which continues a chain: the backward pass
    must add the chain's cotangent to what the other consumers left (not hand it on alone)."""
    import funcgrad as fg
    import funcgrad.numpy as fnp

    def f(x):
        a = fnp.sin(x)  # consumed by the chain below and directly by the output
        b = fnp.tanh(a * 1.5)
        c = fnp.exp(b) * 0.5
        return fnp.sum(c + a * a)

    x = np.linspace(-1.0, 1.0, 5)
    a = np.sin(x)
    b = np.tanh(1.5 * a)
    da = np.exp(b) * 0.5 * (1 - b**2) * 1.5 + 2 * a
    np.testing.assert_allclose(fg.grad(f)(x), da * np.cos(x), rtol=1e-12)
