"""custom_vjp, custom_jvp and checkpoint: rules of your own for whole functions."""

import gc
import weakref

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.testing import check_grads


def _sin_times():
    @fg.custom_vjp
    def f(x, y):
        return fnp.sin(x) * y

    def fwd(x, y):
        return f.fun(x, y), (x, y)

    def bwd(res, g):
        x, y = res
        return g * fnp.cos(x) * y, g * fnp.sin(x)

    f.defvjp(fwd, bwd)
    return f


def test_custom_vjp_is_used_and_correct_to_second_order(rng):
    calls = []
    f = _sin_times()
    bwd = f.bwd
    f.defvjp(f.fwd, lambda res, g: calls.append(1) or bwd(res, g))
    x, y = rng.normal(size=3), rng.normal(size=3)
    gx, gy = fg.grad(lambda x, y: fnp.sum(f(x, y)), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(gx, np.cos(x) * y, rtol=1e-13)
    np.testing.assert_allclose(gy, np.sin(x), rtol=1e-13)
    assert calls, "the custom bwd was not called"
    check_grads(f, (x, y), order=2, modes=("rev",))


def test_custom_vjp_rule_overrides_the_true_derivative():
    @fg.custom_vjp
    def clip_gradient(x):
        return x

    clip_gradient.defvjp(lambda x: (x, None), lambda _, g: (fnp.clip(g, -1.0, 1.0),))
    assert float(fg.grad(lambda x: 5.0 * clip_gradient(x))(2.0)) == 1.0
    assert float(clip_gradient(3.0)) == 3.0  # untraced calls run the function itself


def test_custom_vjp_pytree_arguments_and_outputs_and_none_cotangent():
    @fg.custom_vjp
    def f(params, scale):
        return {"a": params["w"] * scale, "b": fnp.sum(params["w"])}

    f.defvjp(
        lambda p, s: (f.fun(p, s), (p, s)),
        lambda res, g: ({"w": g["a"] * res[1] + g["b"]}, None),
    )
    w = np.array([1.0, 2.0])
    grads = fg.grad(lambda p: fnp.sum(f(p, 3.0)["a"]) + f(p, 3.0)["b"])({"w": w})
    np.testing.assert_allclose(grads["w"], [4.0, 4.0])


@pytest.mark.parametrize(
    "bad_bwd, message",
    [
        (lambda res, g: g, "one cotangent per positional argument (2)"),
        (lambda res, g: (g,), "got a tuple of length 1"),
        (lambda res, g: (g, g[:1]), "cotangent 1 has shape (1,), but argument 1 has shape (2,)"),
    ],
)
def test_custom_vjp_wrong_cotangents_are_clear_errors(bad_bwd, message):
    f = _sin_times()
    f.defvjp(f.fwd, bad_bwd)
    x = np.array([0.1, 0.2])
    with pytest.raises((TypeError, ValueError), match=None) as exc:
        fg.grad(lambda x, y: fnp.sum(f(x, y)))(x, x)
    assert message in str(exc.value)


def test_custom_vjp_without_defvjp_and_with_bad_fwd():
    @fg.custom_vjp
    def f(x):
        return x

    with pytest.raises(TypeError, match=r"call f.defvjp\(fwd, bwd\)"):
        f(1.0)
    f.defvjp(lambda x: x, lambda res, g: (g,))
    with pytest.raises(TypeError, match="fwd must return a pair"):
        fg.grad(f)(1.0)


def test_jvp_of_custom_vjp_says_to_use_custom_jvp():
    f = _sin_times()
    with pytest.raises(TypeError, match="custom_jvp"):
        fg.jvp(lambda x: f(x, 2.0), (np.ones(2),), (np.ones(2),))


def _softplus():
    @fg.custom_jvp
    def softplus(x):
        return fnp.maximum(x, 0.0) + fnp.log1p(fnp.exp(-fnp.abs(x)))

    @softplus.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        return softplus(x), t / (1.0 + fnp.exp(-x))

    return softplus


def test_custom_jvp_in_both_modes_and_nested(rng):
    softplus = _softplus()
    x = rng.normal(size=4)
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(fg.jvp(softplus, (x,), (np.ones(4),))[1], sig, rtol=1e-14)
    np.testing.assert_allclose(fg.grad(lambda x: fnp.sum(softplus(x)))(x), sig, rtol=1e-14)
    second = fg.grad(lambda x: fnp.sum(fg.grad(lambda z: fnp.sum(softplus(z)))(x)))(x)
    np.testing.assert_allclose(second, sig * (1 - sig), rtol=1e-12)
    check_grads(softplus, (x,), order=2)


def test_custom_jvp_rule_is_what_reverse_mode_uses():
    softplus = _softplus()
    # the rule's derivative is finite where differentiating the formula is not needed
    assert float(fg.grad(softplus)(800.0)) == 1.0
    assert float(fg.grad(softplus)(0.0)) == 0.5


def test_custom_jvp_with_two_arguments(rng):
    @fg.custom_jvp
    def f(x, y):
        return x * fnp.sin(y)

    @f.defjvp
    def _(p, t):
        (x, y), (tx, ty) = p, t
        return f(x, y), tx * fnp.sin(y) + x * fnp.cos(y) * ty

    x, y = rng.normal(size=3), rng.normal(size=3)
    check_grads(f, (x, y), order=2)


def _block_with_probe(refs):
    def block(x):
        h = fnp.tanh(x * 2.0)
        refs.append(weakref.ref(fg.stop_gradient(h)))
        return fnp.sin(h)

    return block


def test_checkpoint_keeps_no_intermediates_and_gives_identical_gradients(rng):
    x = rng.normal(size=(50,))
    refs = []
    block = _block_with_probe(refs)
    _, pull = fg.vjp(lambda x: fnp.sum(fg.checkpoint(block)(x)), x)
    gc.collect()
    assert refs[0]() is None, "checkpoint kept the intermediate alive"
    g_ckpt = pull(np.float64(1.0))[0]
    assert len(refs) == 2  # the forward pass ran again during the backward pass

    refs.clear()
    _, pull_plain = fg.vjp(lambda x: fnp.sum(block(x)), x)
    gc.collect()
    assert refs[0]() is not None  # without checkpoint the trace holds it (control)
    np.testing.assert_array_equal(g_ckpt, pull_plain(np.float64(1.0))[0])


def test_checkpoint_pytrees_both_modes_order_2(rng):
    blk = fg.checkpoint(lambda p, x: {"y": fnp.tanh(x @ p["w"]) + p["b"]})
    p = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    x = rng.normal(size=(4, 3))
    check_grads(lambda p: blk(p, x)["y"], (p,), order=2)
    check_grads(lambda x: blk(p, x)["y"], (x,), order=2)
