"""funcgrad.optim: convergence, hand-computed first steps, schedules, immutability, PyTorch.

Tables drive the tests (one row per optimizer, per schedule, per bad argument), as in
optax's alias_test. Gradients come from funcgrad.grad here, never inside optim.
"""

from __future__ import annotations

import ast
import collections
import math
import pathlib

import numpy as np
import pytest
from hypothesis import given

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad import optim, tree
from funcgrad.testing import assert_trees_allclose, strategies as fst

Pair = collections.namedtuple("Pair", ["w", "b"])

# ------------------------------------------------------------------------ the problems

QUAD_SCALE = np.array([1.0, 2.0, 5.0])
QUAD_MIN = {"w": np.array([1.0, 2.0, -3.0]), "b": np.array(-1.0)}


def quadratic(params):
    w, b = params["w"] - QUAD_MIN["w"], params["b"] - QUAD_MIN["b"]
    return 0.5 * fnp.sum(QUAD_SCALE * w**2) + 1.5 * b**2


def rosenbrock(params):
    x, y = params["x"], params["y"]
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def minimise(loss, params, tx, steps):
    grad = fg.grad(loss)
    state = tx.init(params)
    for _ in range(steps):
        updates, state = tx.update(grad(params), state, params)
        params = optim.apply_updates(params, updates)
    return params


# PyTorch's optimizers as chains of funcgrad.optim blocks (the recipes of optim's docstring)
def torch_sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    return optim.chain(
        optim.scale(-1.0 if maximize else 1.0),
        optim.add_decayed_weights(weight_decay),
        optim.trace(momentum, nesterov, dampening) if momentum else optim.identity(),
        optim.scale_by_learning_rate(lr),
    )


def torch_adam(
    lr,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    maximize=False,
    decoupled=False,
):
    adam = optim.scale_by_adam(*betas, eps, amsgrad=amsgrad, amsgrad_max="raw")
    decay = optim.add_decayed_weights(weight_decay)
    return optim.chain(
        optim.scale(-1.0 if maximize else 1.0),
        *((adam, decay) if decoupled else (decay, adam)),
        optim.scale_by_learning_rate(lr),
    )


def torch_rmsprop(
    lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, maximize=False
):
    return optim.chain(
        optim.scale(-1.0 if maximize else 1.0),
        optim.add_decayed_weights(weight_decay),
        optim.scale_by_rms(alpha, eps, eps_in_sqrt=False, centered=centered),
        optim.trace(momentum) if momentum else optim.identity(),
        optim.scale_by_learning_rate(lr),
    )


def torch_adagrad(
    lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, maximize=False
):
    return optim.chain(
        optim.scale(-1.0 if maximize else 1.0),
        optim.add_decayed_weights(weight_decay),
        optim.scale_by_rss(initial_accumulator_value, eps, eps_in_sqrt=False),
        optim.scale_by_learning_rate(optim.inverse_time_decay(lr, lr_decay)),
    )


# name -> (transformation, steps) for the quadratic, and for Rosenbrock (None: not run; the
# optax row of the same optimizer covers it). Budgets are about 1.5x what each one needs.
OPTIMIZERS = {
    "sgd": (optim.sgd(0.2), 50, optim.sgd(1.9e-3), 5000),
    "sgd_momentum": (optim.sgd(0.05, 0.9), 300, optim.sgd(2e-3, 0.9), 1000),
    "sgd_nesterov": (
        optim.sgd(0.05, 0.9, nesterov=True),
        300,
        optim.sgd(1e-3, 0.9, nesterov=True),
        1500,
    ),
    "adam": (optim.adam(0.1), 300, optim.adam(1e-2), 1000),
    "adamw": (optim.adamw(0.1, weight_decay=1e-5), 300, optim.adamw(1e-2), 1000),
    "amsgrad": (optim.amsgrad(0.1), 300, optim.amsgrad(0.1), 1500),
    "rmsprop": (optim.rmsprop(0.01), 800, optim.rmsprop(3e-3), 3000),
    "rmsprop_centered_momentum": (
        optim.rmsprop(0.003, centered=True, momentum=0.9),
        400,
        optim.rmsprop(1e-3, centered=True, momentum=0.9),
        500,
    ),
    "adagrad": (optim.adagrad(1.0), 100, optim.adagrad(0.03), 3000),
    "adam_warmup_cosine": (
        optim.adam(optim.warmup_cosine_decay_schedule(0.0, 0.1, 50, 400)),
        400,
        optim.adam(optim.warmup_cosine_decay_schedule(0.0, 0.05, 50, 1000)),
        1000,
    ),
    "sgd_exponential_decay": (optim.sgd(optim.exponential_decay(0.2, 50, 0.5)), 100, None, 0),
    "torch_sgd_dampening": (
        torch_sgd(0.05, 0.9, dampening=0.5),
        300,
        torch_sgd(2e-3, 0.9, dampening=0.3),
        1500,
    ),
    "torch_adam_amsgrad": (torch_adam(0.1, amsgrad=True), 300, torch_adam(0.1, amsgrad=True), 1500),
    "torch_rmsprop": (
        torch_rmsprop(0.003, centered=True, momentum=0.9),
        400,
        torch_rmsprop(1e-3, centered=True, momentum=0.9),
        500,
    ),
    "torch_adagrad": (torch_adagrad(1.0, lr_decay=1e-3), 100, None, 0),
}
ROSENBROCK = [name for name, row in OPTIMIZERS.items() if row[2] is not None]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_converges_on_quadratic(name):
    tx, steps, _, _ = OPTIMIZERS[name]
    start = {"w": np.array([3.0, -1.0, 0.0]), "b": np.array(2.0)}
    final = minimise(quadratic, start, tx, steps)
    assert_trees_allclose(final, QUAD_MIN, atol=1e-2)


@pytest.mark.parametrize("name", ROSENBROCK)
def test_converges_on_rosenbrock(name):
    _, _, tx, steps = OPTIMIZERS[name]
    final = minimise(rosenbrock, {"x": np.array(0.0), "y": np.array(0.0)}, tx, steps)
    assert_trees_allclose(final, {"x": np.array(1.0), "y": np.array(1.0)}, atol=3e-2)


# -------------------------------------------------- the first two steps, by hand (numpy)

P0 = np.array([0.5, -1.5, 2.0])
G1 = np.array([1.0, -2.0, 0.5])
G2 = np.array([0.1, 3.0, 0.5])  # small first entry: AMSGrad's maximum matters there


def by_hand_sgd(lr, momentum=0.0, nesterov=False, dampening=0.0, wd=0.0):
    """SGD with momentum as PyTorch documents it: the buffer starts as the first gradient."""
    p, buf, out = P0, None, []
    for g in (G1, G2):
        d = g + wd * p
        if momentum:
            if buf is None:
                buf = d
            else:
                buf = momentum * buf + (1 - dampening) * d
            d = d + momentum * buf if nesterov else buf
        p = p - lr * d
        out.append(p)
    return out


def by_hand_adam(lr, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, decoupled=False, ams=None):
    """Adam written from the paper; ``ams`` is None, "corrected" (optax) or "raw" (torch)."""
    p, m, v, vmax, out = P0, 0.0, 0.0, 0.0, []
    for t, g in enumerate((G1, G2), start=1):
        if wd and not decoupled:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if ams == "corrected":
            vmax = np.maximum(vmax, v / (1 - b2**t))
            denom = np.sqrt(vmax) + eps
        elif ams == "raw":
            vmax = np.maximum(vmax, v)
            denom = np.sqrt(vmax) / math.sqrt(1 - b2**t) + eps
        else:
            denom = np.sqrt(v) / math.sqrt(1 - b2**t) + eps
        step = (m / (1 - b1**t)) / denom
        if decoupled:
            step = step + wd * p
        p = p - lr * step
        out.append(p)
    return out


def by_hand_rmsprop(
    lr, decay, eps, eps_inside, centered=False, momentum=0.0, wd=0.0, lr_in_buffer=True
):
    """RMSprop; ``lr_in_buffer``: optax scales by lr before the momentum buffer."""
    p, s, mean, buf, out = P0, 0.0, 0.0, 0.0, []
    for g in (G1, G2):
        g = g + wd * p
        s = decay * s + (1 - decay) * g**2
        mean = decay * mean + (1 - decay) * g
        var = s - mean**2 if centered else s
        d = g / np.sqrt(var + eps) if eps_inside else g / (np.sqrt(var) + eps)
        if lr_in_buffer:
            buf = momentum * buf + lr * d
            p = p - buf
        else:
            buf = momentum * buf + d
            p = p - lr * buf
        out.append(p)
    return out


def by_hand_adagrad(lr, initial, eps, eps_inside, lr_decay=0.0, wd=0.0):
    p, s, out = P0, initial, []
    for t, g in enumerate((G1, G2), start=1):
        g = g + wd * p
        s = s + g**2
        clr = lr / (1 + (t - 1) * lr_decay)
        p = p - clr * (g / np.sqrt(s + eps) if eps_inside else g / (np.sqrt(s) + eps))
        out.append(p)
    return out


FIRST_STEPS = {
    "sgd": (optim.sgd(0.1), by_hand_sgd(0.1)),
    "sgd_momentum": (optim.sgd(0.1, 0.9), by_hand_sgd(0.1, 0.9)),
    "sgd_nesterov": (optim.sgd(0.1, 0.9, True), by_hand_sgd(0.1, 0.9, nesterov=True)),
    "sgd_schedule": (
        optim.sgd(optim.piecewise_constant_schedule(0.1, {1: 0.5})),
        [by_hand_sgd(0.1)[0], by_hand_sgd(0.1)[0] - 0.05 * G2],
    ),
    "torch_sgd_dampening_wd": (
        torch_sgd(0.1, 0.9, dampening=0.3, weight_decay=0.01),
        by_hand_sgd(0.1, 0.9, dampening=0.3, wd=0.01),
    ),
    "trace_dampening_first_step": (  # the first step is not damped, in PyTorch
        optim.chain(optim.trace(0.5, dampening=0.5), optim.scale(-1.0)),
        by_hand_sgd(1.0, 0.5, dampening=0.5),
    ),
    "adam": (optim.adam(0.1), by_hand_adam(0.1)),
    "adam_eps": (optim.adam(0.1, eps=0.5), by_hand_adam(0.1, eps=0.5)),
    "adamw": (optim.adamw(0.1, weight_decay=0.1), by_hand_adam(0.1, wd=0.1, decoupled=True)),
    "amsgrad": (optim.amsgrad(0.1), by_hand_adam(0.1, ams="corrected")),
    "torch_adam_wd_amsgrad": (
        torch_adam(0.1, weight_decay=0.1, amsgrad=True),
        by_hand_adam(0.1, wd=0.1, ams="raw"),
    ),
    "torch_adamw": (
        torch_adam(0.1, weight_decay=0.1, decoupled=True),
        by_hand_adam(0.1, wd=0.1, decoupled=True),
    ),
    "rmsprop": (optim.rmsprop(0.1), by_hand_rmsprop(0.1, 0.9, 1e-8, eps_inside=True)),
    "rmsprop_centered_momentum": (
        optim.rmsprop(0.1, eps=0.1, centered=True, momentum=0.9),
        by_hand_rmsprop(0.1, 0.9, 0.1, eps_inside=True, centered=True, momentum=0.9),
    ),
    "torch_rmsprop_centered_momentum_wd": (
        torch_rmsprop(0.1, eps=0.1, weight_decay=0.1, momentum=0.9, centered=True),
        by_hand_rmsprop(
            0.1,
            0.99,
            0.1,
            eps_inside=False,
            centered=True,
            momentum=0.9,
            wd=0.1,
            lr_in_buffer=False,
        ),
    ),
    "adagrad": (optim.adagrad(0.1), by_hand_adagrad(0.1, 0.1, 1e-7, eps_inside=True)),
    "torch_adagrad_lr_decay_wd": (
        torch_adagrad(0.1, lr_decay=0.5, weight_decay=0.1, eps=0.1),
        by_hand_adagrad(0.1, 0.0, 0.1, eps_inside=False, lr_decay=0.5, wd=0.1),
    ),
}


@pytest.mark.parametrize("name", FIRST_STEPS)
def test_first_two_steps_match_the_formula(name):
    tx, expected = FIRST_STEPS[name]
    params, state = P0, tx.init(P0)
    for g, want in zip((G1, G2), expected):
        updates, state = tx.update(g, state, params)
        params = optim.apply_updates(params, updates)
        np.testing.assert_allclose(params, want, rtol=1e-12, atol=1e-14)


def test_amsgrad_forms_differ_on_this_data():
    # the table would not tell optax's and PyTorch's AMSGrad apart otherwise
    assert not np.allclose(by_hand_adam(0.1, ams="corrected")[1], by_hand_adam(0.1, ams="raw")[1])
    assert not np.allclose(by_hand_adam(0.1, ams="corrected")[1], by_hand_adam(0.1)[1])


def test_dampening_matters_after_the_first_step():
    damped = by_hand_sgd(0.1, 0.9, dampening=0.5)
    plain = by_hand_sgd(0.1, 0.9)
    np.testing.assert_allclose(damped[0], plain[0])
    assert not np.allclose(damped[1], plain[1])


# ------------------------------------------------------------------------------ schedules


def _cos(n, steps):
    return 0.5 * (1 + math.cos(math.pi * min(n, steps) / steps))


SCHEDULES = {
    "constant": (optim.constant_schedule(0.3), lambda n: 0.3),
    "exponential": (
        optim.exponential_decay(2.0, transition_steps=10, decay_rate=0.5),
        lambda n: 2.0 * 0.5 ** (n / 10),
    ),
    "exponential_staircase_begin_end": (
        optim.exponential_decay(2.0, 10, 0.5, staircase=True, transition_begin=5, end_value=0.3),
        lambda n: max(2.0 * 0.5 ** math.floor(max(n - 5, 0) / 10), 0.3),
    ),
    "exponential_growth_capped": (
        optim.exponential_decay(1.0, 10, 2.0, end_value=3.0),
        lambda n: min(2.0 ** (n / 10), 3.0),
    ),
    "inverse_time": (optim.inverse_time_decay(0.5, 0.1), lambda n: 0.5 / (1 + 0.1 * n)),
    "cosine": (optim.cosine_decay_schedule(2.0, 100), lambda n: 2.0 * _cos(n, 100)),
    "cosine_alpha_exponent": (
        optim.cosine_decay_schedule(2.0, 100, alpha=0.1, exponent=2.0),
        lambda n: 2.0 * (0.9 * _cos(n, 100) ** 2 + 0.1),
    ),
    "warmup_cosine": (
        optim.warmup_cosine_decay_schedule(
            0.1, 1.0, warmup_steps=20, decay_steps=120, end_value=0.05
        ),
        lambda n: 0.1 + 0.9 * n / 20 if n < 20 else 0.05 + (1.0 - 0.05) * _cos(n - 20, 100),
    ),
    "warmup_cosine_no_warmup": (
        optim.warmup_cosine_decay_schedule(0.0, 1.0, 0, 100),
        lambda n: _cos(n, 100),
    ),
    "linear": (
        optim.linear_schedule(1.0, 0.2, transition_steps=50, transition_begin=10),
        lambda n: 1.0 + (0.2 - 1.0) * min(max(n - 10, 0), 50) / 50,
    ),
    "piecewise_constant": (
        optim.piecewise_constant_schedule(1.0, {100: 0.1, 20: 0.5}),
        lambda n: 1.0 * (0.5 if n >= 20 else 1.0) * (0.1 if n >= 100 else 1.0),
    ),
}
STEPS = [0, 1, 5, 9, 10, 11, 19, 20, 21, 50, 59, 60, 99, 100, 101, 119, 120, 150, 1000]


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedule_values(name):
    schedule, formula = SCHEDULES[name]
    for n in STEPS:
        value = schedule(n)
        assert isinstance(value, float), type(value)
        assert value == pytest.approx(formula(n), rel=1e-12, abs=1e-15), n
    # vectorised over an array of steps, as for plotting
    np.testing.assert_allclose(
        schedule(np.array(STEPS)), [formula(n) for n in STEPS], rtol=1e-12, atol=1e-15
    )


def test_schedule_drives_the_step_count_in_the_state():
    tx = optim.sgd(optim.piecewise_constant_schedule(1.0, {2: 0.1}))
    state = tx.init({"w": np.zeros(1)})
    steps = []
    for _ in range(4):
        updates, state = tx.update({"w": np.ones(1)}, state)
        steps.append(float(updates["w"][0]))
    assert steps == pytest.approx([-1.0, -1.0, -0.1, -0.1])
    assert int(state[1].count) == 4


def test_a_schedule_that_turns_negative_is_an_error_naming_the_step():
    tx = optim.sgd(optim.linear_schedule(0.1, -0.1, 2))
    state = tx.init(np.zeros(1))
    _, state = tx.update(np.ones(1), state)
    _, state = tx.update(np.ones(1), state)
    with pytest.raises(ValueError, match="at step 2"):
        tx.update(np.ones(1), state)


# ------------------------------------------------------------------------ apply_updates


def test_apply_updates_returns_new_read_only_arrays_and_leaves_inputs_untouched():
    params = {"w": np.array([1.0, 2.0]), "b": [np.array(0.5)]}
    updates = {"w": np.array([0.5, -1.0]), "b": [np.array(1.0)]}
    before = tree.map(np.copy, (params, updates))
    new = optim.apply_updates(params, updates)
    assert_trees_allclose(new, {"w": np.array([1.5, 1.0]), "b": [np.array(1.5)]})
    assert_trees_allclose((params, updates), before, rtol=0)
    for leaf in tree.leaves(new):
        assert not leaf.flags.writeable
    for leaf in tree.leaves((params, updates)):
        assert leaf.flags.writeable  # the caller's arrays keep their flags
    with pytest.raises(ValueError, match="read-only"):
        new["w"] += 1.0


def test_apply_updates_keeps_each_params_dtype():
    params = {"f32": np.ones(2, np.float32), "f64": np.ones(2), "py": 1.0}
    updates = {"f32": np.full(2, 0.5), "f64": np.full(2, 0.5, np.float32), "py": 0.5}
    new = optim.apply_updates(params, updates)
    assert new["f32"].dtype == np.float32
    assert new["f64"].dtype == np.float64
    assert new["py"].dtype == np.float64 and float(new["py"]) == 1.5


def test_apply_updates_structure_mismatch_names_the_key_path():
    params = {"layers": [{"w": np.ones(2)}, {"w": np.ones(2)}]}
    updates = {"layers": [{"w": np.ones(2)}]}
    with pytest.raises(ValueError, match=r"\['layers'\].*params.*updates"):
        optim.apply_updates(params, updates)


def test_apply_updates_shape_mismatch_names_the_key_path():
    params = {"layers": [{"w": np.ones(2)}, {"bias": np.ones(10)}]}
    updates = {"layers": [{"w": np.ones(2)}, {"bias": np.ones((1, 10))}]}
    with pytest.raises(ValueError, match=r"\['layers'\]\[1\]\['bias'\].*\(10,\).*\(1, 10\)"):
        optim.apply_updates(params, updates)


@given(fst.pytrees())
def test_apply_updates_on_any_pytree(params):
    # hypothesis hands out read-only arrays: any write into an input would fail here
    tx = optim.adam(0.1)
    updates, _ = tx.update(params, tx.init(params), params)
    new = optim.apply_updates(params, updates)
    assert tree.structure(new) == tree.structure(params)
    for p, n in zip(tree.leaves(params), tree.leaves(new)):
        assert n.shape == p.shape and n.dtype == p.dtype and not n.flags.writeable


# ------------------------------------------------------------ state, dtypes and pytrees

ALL = {name: row[0] for name, row in OPTIMIZERS.items()}
ALL.update({name: row[0] for name, row in FIRST_STEPS.items()})


def _array_leaves(state):
    return [x for x in tree.leaves(state) if isinstance(x, np.ndarray)]


@pytest.mark.parametrize("name", ALL)
def test_state_is_immutable_data(name):
    tx = ALL[name]
    params = {"w": np.array([0.5, -1.0]), "b": np.array(0.25)}
    state0 = tx.init(params)
    snapshot = tree.map(np.copy, state0)
    state1 = state0
    for g in (
        {"w": np.array([1.0, 2.0]), "b": np.array(-1.0)},
        {"w": np.array([-0.5, 1.0]), "b": np.array(2.0)},
    ):
        _, state1 = tx.update(g, state1, params)
    assert_trees_allclose(state0, snapshot, rtol=0)  # the old state is unchanged
    assert tree.structure(state1) == tree.structure(state0)
    for s in (state0, state1):
        assert isinstance(s, tuple)  # a chain's tuple of NamedTuples
        for leaf in _array_leaves(s):
            assert not leaf.flags.writeable
    for part in state1:
        assert hasattr(part, "_fields")  # NamedTuples: fields cannot be reassigned
        for field in part._fields:
            with pytest.raises(AttributeError):
                setattr(part, field, None)


@pytest.mark.parametrize("name", ALL)
def test_float32_stays_float32(name):
    tx = ALL[name]
    params = {"w": np.array([0.5, -1.0], np.float32), "b": np.array(0.25, np.float32)}
    grads = {"w": np.array([1.0, 2.0], np.float32), "b": np.array(-1.0, np.float32)}
    state = tx.init(params)
    for _ in range(2):
        updates, state = tx.update(grads, state, params)
        params = optim.apply_updates(params, updates)
    for tree_ in (updates, params):
        assert {np.asarray(x).dtype for x in tree.leaves(tree_)} == {np.dtype(np.float32)}
    floats = {x.dtype for x in _array_leaves(state) if x.dtype.kind == "f"}
    assert floats <= {np.dtype(np.float32)}


def test_pytrees_of_every_kind():
    attrs = pytest.importorskip("attrs")

    @attrs.frozen(eq=False)
    class Layer:
        weight: np.ndarray
        bias: np.ndarray

    params = {
        "pair": Pair(np.ones(2), np.zeros(1)),
        "layers": [Layer(np.ones((2, 2)), np.zeros(2))],
    }
    tx = optim.chain(optim.clip_by_global_norm(1.0), optim.adamw(0.1))
    state = tx.init(params)
    grads = tree.map(lambda x: np.ones_like(x), params)
    updates, state = tx.update(grads, state, params)
    new = optim.apply_updates(params, updates)
    assert isinstance(new["pair"], Pair) and isinstance(new["layers"][0], Layer)
    assert tree.structure(new) == tree.structure(params)


def test_state_structure_mismatch_names_the_key_path():
    tx = optim.adam(0.1)
    state = tx.init({"w": np.ones(2), "b": np.ones(1)})
    with pytest.raises(ValueError, match=r"state\.mu"):
        tx.update({"w": np.ones(2)}, state)


# -------------------------------------------------------------- blocks: chain, clip, mask


def test_chain_applies_left_to_right():
    g = np.array([0.8, 3.0])
    clip_then_scale = optim.chain(optim.clip(1.0), optim.scale(2.0))
    scale_then_clip = optim.chain(optim.scale(2.0), optim.clip(1.0))
    np.testing.assert_allclose(clip_then_scale.update(g, clip_then_scale.init(g))[0], [1.6, 2.0])
    np.testing.assert_allclose(scale_then_clip.update(g, scale_then_clip.init(g))[0], [1.0, 1.0])
    assert optim.chain().update(g, ())[0] is g


def test_chain_state_is_the_tuple_of_inner_states():
    tx = optim.chain(optim.trace(0.9), optim.scale_by_adam(), optim.scale(-1.0))
    state = tx.init(np.zeros(2))
    assert [type(s) for s in state] == [optim.TraceState, optim.ScaleByAdamState, optim.EmptyState]


def test_clip_by_global_norm():
    g = {"a": np.array([3.0, 0.0]), "b": [np.array(4.0)]}  # global norm 5
    assert optim.global_norm(g) == 5.0
    big = optim.clip_by_global_norm(1.0)
    clipped, _ = big.update(g, big.init(g))
    assert_trees_allclose(clipped, {"a": np.array([0.6, 0.0]), "b": [np.array(0.8)]})
    assert optim.global_norm(clipped) == pytest.approx(1.0)
    loose = optim.clip_by_global_norm(5.0)
    assert_trees_allclose(loose.update(g, loose.init(g))[0], g, rtol=0)
    torch_like = optim.clip_by_global_norm(1.0, eps=1e-6)  # torch's clip_grad_norm_
    got = torch_like.update(g, torch_like.init(g))[0]
    np.testing.assert_allclose(got["a"], g["a"] * (1.0 / (5.0 + 1e-6)), rtol=1e-15)
    zero = {"a": np.zeros(2)}
    assert_trees_allclose(big.update(zero, big.init(zero))[0], zero)


def test_add_decayed_weights_with_a_mask():
    params = {"w": np.array([2.0, 4.0]), "b": np.array([2.0]), "layers": [np.ones(1), np.ones(1)]}
    zeros = tree.map(np.zeros_like, params)
    expected = {"w": np.array([1.0, 2.0]), "b": np.array([0.0]), "layers": [np.zeros(1)] * 2}
    masks = {
        "tree": {"w": True, "b": False, "layers": [False, False]},
        "prefix": {"w": True, "b": False, "layers": False},
        "function": lambda p: {"w": True, "b": False, "layers": [False] * len(p["layers"])},
    }
    for mask in masks.values():
        tx = optim.add_decayed_weights(0.5, mask=mask)
        got, _ = tx.update(zeros, tx.init(params), params)
        assert_trees_allclose(got, expected, rtol=0)
    unmasked = optim.add_decayed_weights(0.5)
    got, _ = unmasked.update(zeros, unmasked.init(params), params)
    assert_trees_allclose(got, tree.map(lambda p: 0.5 * p, params))


def test_masked_keeps_inner_state_for_the_masked_in_leaves_only():
    params = {"w": np.ones(2), "b": np.ones(3)}
    tx = optim.masked(optim.trace(0.5), {"w": True, "b": False})
    state = tx.init(params)
    assert [x.shape for x in state.inner_state.trace] == [(2,)]
    g = {"w": np.ones(2), "b": np.ones(3)}
    _, state = tx.update(g, state, params)
    out, state = tx.update(g, state, params)
    assert_trees_allclose(out, {"w": np.full(2, 1.5), "b": np.ones(3)})


def test_adamw_mask_leaves_biases_undecayed():
    params = {"w": np.array([1.0]), "b": np.array([1.0])}
    tx = optim.adamw(0.1, weight_decay=0.5, mask={"w": True, "b": False})
    updates, _ = tx.update({"w": np.zeros(1), "b": np.zeros(1)}, tx.init(params), params)
    assert_trees_allclose(updates, {"w": np.array([-0.05]), "b": np.array([0.0])})


def test_mask_errors():
    params = {"w": np.ones(2), "b": np.ones(1)}
    with pytest.raises(ValueError, match=r"mask.*\['b'\]"):
        optim.masked(optim.scale(2.0), {"w": True, "b": [True, False]}).init(params)
    with pytest.raises(TypeError, match="booleans"):
        optim.masked(optim.scale(2.0), {"w": 1, "b": 0}).init(params)


def test_update_without_params_where_they_are_needed():
    tx = optim.adamw(0.1)
    state = tx.init(np.ones(1))
    with pytest.raises(ValueError, match="needs the current parameters"):
        tx.update(np.ones(1), state)


# ------------------------------------------------------------------- construction errors

BAD = [
    (lambda: optim.sgd(-0.1), ValueError, "learning_rate must be >= 0"),
    (lambda: optim.adam(float("nan")), ValueError, "learning_rate must be >= 0"),
    (lambda: optim.sgd("fast"), TypeError, "learning_rate must be a number"),
    (lambda: optim.sgd(0.1, nesterov=True), ValueError, "needs a momentum"),
    (lambda: optim.sgd(0.1, momentum=-0.9), ValueError, "decay must be >= 0"),
    (lambda: optim.adam(1e-3, eps=-1e-8), ValueError, "eps must be >= 0"),
    (lambda: optim.adam(1e-3, b1=1.0), ValueError, r"b1 must be in \[0, 1\)"),
    (lambda: optim.adamw(1e-3, weight_decay=-1.0), ValueError, "weight_decay must be >= 0"),
    (lambda: optim.rmsprop(1e-3, eps=-1.0), ValueError, "eps must be >= 0"),
    (lambda: optim.rmsprop(1e-3, decay=1.5), ValueError, r"decay must be in \[0, 1\]"),
    (lambda: optim.adagrad(1e-3, eps=-1.0), ValueError, "eps must be >= 0"),
    (lambda: optim.adagrad(1e-3, initial_accumulator_value=-1.0), ValueError, ">= 0"),
    (lambda: optim.scale_by_adam(amsgrad=True, amsgrad_max="max"), ValueError, "amsgrad_max"),
    (lambda: optim.trace(0.9, nesterov=True, dampening=0.1), ValueError, "zero dampening"),
    (lambda: optim.scale(float("inf")), ValueError, "finite"),
    (lambda: optim.clip(-1.0), ValueError, "max_delta must be >= 0"),
    (lambda: optim.clip_by_global_norm(-1.0), ValueError, "max_norm must be >= 0"),
    (lambda: optim.chain(optim.scale(1.0), "adam"), TypeError, "argument 1"),
    (lambda: optim.exponential_decay(1.0, 0, 0.5), ValueError, "transition_steps must be > 0"),
    (lambda: optim.exponential_decay(1.0, 10, 0.0), ValueError, "decay_rate must be > 0"),
    (lambda: optim.linear_schedule(1.0, 0.0, 0), ValueError, "transition_steps must be > 0"),
    (lambda: optim.cosine_decay_schedule(1.0, 0), ValueError, "decay_steps must be > 0"),
    (lambda: optim.warmup_cosine_decay_schedule(0.0, 1.0, 10, 10), ValueError, "warmup"),
    (lambda: optim.piecewise_constant_schedule(1.0, {5: -0.1}), ValueError, "scale at step 5"),
]


@pytest.mark.parametrize("make, error, match", BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments_fail_at_construction(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ----------------------------------------------------------------- the architecture rule


def test_optim_does_not_import_the_transforms():
    root = pathlib.Path(optim.__file__).parent
    files = [root / "optim.py", *sorted(root.glob("_optim*.py"))]
    assert len(files) >= 5
    forbidden = {
        "funcgrad._transforms",
        "funcgrad._core",
        "funcgrad._reverse",
        "funcgrad._tape",
        "funcgrad._jacobian",
        "funcgrad._forward",
    }
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                names = [mod] + [f"{mod}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                assert name not in forbidden, f"{path.name} imports {name}"
                assert name not in {"funcgrad.grad", "funcgrad.value_and_grad", "funcgrad.vjp"}, (
                    f"{path.name} imports {name}"
                )


def test_public_surface_is_documented():
    for name in optim.__all__:
        obj = getattr(optim, name)
        if callable(obj) and getattr(obj, "__module__", "").startswith("funcgrad"):
            assert obj.__doc__ and obj.__doc__.strip(), name
            if not isinstance(obj, type):
                assert ">>>" in obj.__doc__, f"{name} has no example"


# ---------------------------------------------------- against PyTorch, when it is there

# (torch.optim class name, keyword arguments, the same optimizer as a funcgrad chain)
TORCH = [
    ("SGD", dict(lr=0.1), torch_sgd(0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9), torch_sgd(0.1, 0.9)),
    (
        "SGD",
        dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.05),
        torch_sgd(0.1, 0.9, dampening=0.3, weight_decay=0.05),
    ),
    (
        "SGD",
        dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05, maximize=True),
        torch_sgd(0.1, 0.9, nesterov=True, weight_decay=0.05, maximize=True),
    ),
    ("SGD", dict(lr=0.1, momentum=0.9), optim.sgd(0.1, 0.9)),  # optax's sgd is the same
    ("Adam", dict(lr=0.1), optim.adam(0.1)),  # and so is optax's adam
    (
        "Adam",
        dict(lr=0.1, weight_decay=0.1, amsgrad=True),
        torch_adam(0.1, weight_decay=0.1, amsgrad=True),
    ),
    (
        "Adam",
        dict(lr=0.1, betas=(0.8, 0.9), eps=1e-3, maximize=True),
        torch_adam(0.1, (0.8, 0.9), eps=1e-3, maximize=True),
    ),
    ("AdamW", dict(lr=0.1, weight_decay=0.1), optim.adamw(0.1, weight_decay=0.1)),
    (
        "AdamW",
        dict(lr=0.1, weight_decay=0.1, amsgrad=True),
        torch_adam(0.1, weight_decay=0.1, amsgrad=True, decoupled=True),
    ),
    ("RMSprop", dict(lr=0.01), torch_rmsprop(0.01)),
    (
        "RMSprop",
        dict(lr=0.01, alpha=0.9, eps=1e-3, weight_decay=0.1, momentum=0.9, centered=True),
        torch_rmsprop(0.01, 0.9, 1e-3, weight_decay=0.1, momentum=0.9, centered=True),
    ),
    ("Adagrad", dict(lr=0.1), torch_adagrad(0.1)),
    (
        "Adagrad",
        dict(lr=0.1, lr_decay=0.3, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-3),
        torch_adagrad(0.1, 0.3, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-3),
    ),
]


@pytest.mark.parametrize("cls, kwargs, tx", TORCH, ids=[f"{c}-{'-'.join(k)}" for c, k, _ in TORCH])
def test_matches_torch_optim(cls, kwargs, tx):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    p0 = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    grads = [tree.map(lambda x: rng.normal(size=x.shape), p0) for _ in range(6)]
    ours, state = p0, tx.init(p0)
    theirs = {k: torch.tensor(v, requires_grad=True) for k, v in p0.items()}
    opt = getattr(torch.optim, cls)([theirs["b"], theirs["w"]], **kwargs)
    for g in grads:
        updates, state = tx.update(g, state, ours)
        ours = optim.apply_updates(ours, updates)
        for k, t in theirs.items():
            t.grad = torch.tensor(g[k])
        opt.step()
        for k, t in theirs.items():
            np.testing.assert_allclose(ours[k], t.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_clip_by_global_norm_with_eps_matches_torch_clip_grad_norm():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    grads = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    tx = optim.clip_by_global_norm(0.5, eps=1e-6)
    ours, _ = tx.update(grads, tx.init(grads))
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in grads.items()}
    for k, t in tensors.items():
        t.grad = torch.tensor(grads[k])
    torch.nn.utils.clip_grad_norm_(list(tensors.values()), max_norm=0.5)
    for k, t in tensors.items():
        np.testing.assert_allclose(ours[k], t.grad.numpy(), rtol=1e-12)
