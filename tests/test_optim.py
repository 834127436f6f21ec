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

QUAD_SCALE = {"w": np.array([1.0, 2.0, 5.0]), "b": np.array(3.0)}
QUAD_MIN = {"w": np.array([1.0, 2.0, -3.0]), "b": np.array(-1.0)}


def quadratic(params):
    return 0.5 * sum(
        fnp.sum(QUAD_SCALE[k] * (params[k] - QUAD_MIN[k]) ** 2) for k in ("w", "b")
    )


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


# name -> (transformation for the quadratic, steps, for Rosenbrock, steps)
OPTIMIZERS = {
    "sgd": (optim.sgd(0.1), 200, optim.sgd(1.9e-3), 5000),
    "sgd_momentum": (optim.sgd(0.05, 0.9), 300, optim.sgd(2e-3, 0.9), 1000),
    "sgd_nesterov": (optim.sgd(0.05, 0.9, nesterov=True), 300,
                     optim.sgd(1e-3, 0.9, nesterov=True), 1500),
    "adam": (optim.adam(0.05), 600, optim.adam(1e-2), 1000),
    "adamw": (optim.adamw(0.05, weight_decay=1e-5), 600, optim.adamw(1e-2), 1000),
    "amsgrad": (optim.amsgrad(0.1), 600, optim.amsgrad(0.1), 1500),
    "rmsprop": (optim.rmsprop(0.003), 1000, optim.rmsprop(3e-3), 3000),
    "rmsprop_centered_momentum": (optim.rmsprop(0.003, centered=True, momentum=0.9), 400,
                                  optim.rmsprop(1e-3, centered=True, momentum=0.9), 500),
    "adagrad": (optim.adagrad(0.5), 300, optim.adagrad(0.03), 3000),
    "adam_warmup_cosine": (
        optim.adam(optim.warmup_cosine_decay_schedule(0.0, 0.1, 50, 600)), 600,
        optim.adam(optim.warmup_cosine_decay_schedule(0.0, 0.05, 50, 1000)), 1000),
    "torch_sgd_dampening": (torch_sgd(0.05, 0.9, dampening=0.5), 300,
                            torch_sgd(2e-3, 0.9, dampening=0.3), 1500),
    "torch_adam_amsgrad": (torch_adam(0.1, amsgrad=True), 600,
                           torch_adam(0.1, amsgrad=True), 1500),
    "torch_rmsprop": (torch_rmsprop(0.003, centered=True, momentum=0.9), 400,
                      torch_rmsprop(1e-3, centered=True, momentum=0.9), 500),
    "torch_adagrad": (torch_adagrad(0.5, lr_decay=1e-3), 300, torch_adagrad(0.5), 3000),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_converges_on_quadratic(name):
    tx, steps, _, _ = OPTIMIZERS[name]
    start = {"w": np.array([3.0, -1.0, 0.0]), "b": np.array(2.0)}
    final = minimise(quadratic, start, tx, steps)
    assert_trees_allclose(final, QUAD_MIN, atol=1e-2)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_converges_on_rosenbrock(name):
    _, _, tx, steps = OPTIMIZERS[name]
    final = minimise(rosenbrock, {"x": np.array(0.0), "y": np.array(0.0)}, tx, steps)
    assert_trees_allclose(final, {"x": np.array(1.0), "y": np.array(1.0)}, atol=3e-2)
