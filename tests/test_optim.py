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
from funcgrad.testing import assert_trees_allclose
from funcgrad.testing import strategies as fst

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
def torch_sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
              maximize=False):
    return optim.chain(
        optim.scale(-1.0 if maximize else 1.0),
        optim.add_decayed_weights(weight_decay),
        optim.trace(momentum, nesterov, dampening) if momentum else optim.identity(),
        optim.scale_by_learning_rate(lr),
    )


def torch_adam(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
               maximize=False, decoupled=False):
    adam = optim.scale_by_adam(*betas, eps, amsgrad=amsgrad, amsgrad_max="raw")
    decay = optim.add_decayed_weights(weight_decay)
    return optim.chain(
        optim.scale(-1.0 if maximize else 1.0),
        *((adam, decay) if decoupled else (decay, adam)),
        optim.scale_by_learning_rate(lr),
    )


def torch_rmsprop(lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
                  maximize=False):
    return optim.chain(
        optim.scale(-1.0 if maximize else 1.0),
        optim.add_decayed_weights(weight_decay),
        optim.scale_by_rms(alpha, eps, eps_in_sqrt=False, centered=centered),
        optim.trace(momentum) if momentum else optim.identity(),
        optim.scale_by_learning_rate(lr),
    )


def torch_adagrad(lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                  eps=1e-10, maximize=False):
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
    "sgd_nesterov": (optim.sgd(0.05, 0.9, nesterov=True), 300,
                     optim.sgd(1e-3, 0.9, nesterov=True), 1500),
    "adam": (optim.adam(0.1), 300, optim.adam(1e-2), 1000),
    "adamw": (optim.adamw(0.1, weight_decay=1e-5), 300, optim.adamw(1e-2), 1000),
    "amsgrad": (optim.amsgrad(0.1), 300, optim.amsgrad(0.1), 1500),
    "rmsprop": (optim.rmsprop(0.01), 800, optim.rmsprop(3e-3), 3000),
    "rmsprop_centered_momentum": (optim.rmsprop(0.003, centered=True, momentum=0.9), 400,
                                  optim.rmsprop(1e-3, centered=True, momentum=0.9), 500),
    "adagrad": (optim.adagrad(1.0), 100, optim.adagrad(0.03), 3000),
    "adam_warmup_cosine": (
        optim.adam(optim.warmup_cosine_decay_schedule(0.0, 0.1, 50, 400)), 400,
        optim.adam(optim.warmup_cosine_decay_schedule(0.0, 0.05, 50, 1000)), 1000),
    "sgd_exponential_decay": (optim.sgd(optim.exponential_decay(0.2, 50, 0.5)), 100,
                              None, 0),
    "torch_sgd_dampening": (torch_sgd(0.05, 0.9, dampening=0.5), 300,
                            torch_sgd(2e-3, 0.9, dampening=0.3), 1500),
    "torch_adam_amsgrad": (torch_adam(0.1, amsgrad=True), 300,
                           torch_adam(0.1, amsgrad=True), 1500),
    "torch_rmsprop": (torch_rmsprop(0.003, centered=True, momentum=0.9), 400,
                      torch_rmsprop(1e-3, centered=True, momentum=0.9), 500),
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


def by_hand_rmsprop(lr, decay, eps, eps_inside, centered=False, momentum=0.0, wd=0.0,
                    lr_in_buffer=True):
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
        by_hand_rmsprop(0.1, 0.99, 0.1, eps_inside=False, centered=True, momentum=0.9,
                        wd=0.1, lr_in_buffer=False),
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
        optim.exponential_decay(2.0, 10, 0.5, staircase=True, transition_begin=5,
                                end_value=0.3),
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
        optim.warmup_cosine_decay_schedule(0.1, 1.0, warmup_steps=20, decay_steps=120,
                                           end_value=0.05),
        lambda n: (0.1 + 0.9 * n / 20 if n < 20
                   else 0.05 + (1.0 - 0.05) * _cos(n - 20, 100)),
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
    np.testing.assert_allclose(schedule(np.array(STEPS)), [formula(n) for n in STEPS],
                               rtol=1e-12, atol=1e-15)


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
