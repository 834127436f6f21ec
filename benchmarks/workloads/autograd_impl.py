"""HIPS autograd: the shared model code on ``autograd.numpy``."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval  # autograd's way to treat a value as a constant

from benchmarks.workloads import models


def to_numpy(result):
    """autograd returns numpy values."""
    return result


def build_chain(d):
    x, n_ops, pattern, reduce = d["x"], d["n_ops"], d["pattern"], d["reduce"]
    grad_f = autograd.grad(lambda x: models.chain(anp, x, n_ops, pattern, reduce))
    return lambda: grad_f(x)


def build_mlp(d):
    params, x, onehot = d["params"], d["x"], d["onehot"]

    def loss(params, x, onehot):
        return models.mlp_loss(anp, getval, params, x, onehot)

    value_and_grad = autograd.value_and_grad(loss)
    return lambda: value_and_grad(params, x, onehot)


def build_tanh_matmul(d):
    a, b, c = d["A"], d["B"], d["C"]
    grad_f = autograd.grad(lambda abc: models.tanh_matmul(anp, *abc))
    return lambda: grad_f((a, b, c))


def build_linreg(d):
    x, y, epochs, lr = d["x"], d["y"], d["epochs"], d["lr"]

    def loss(params, x, y):
        return models.linreg_loss(anp, params, x, y)

    def run():
        params = {"w": np.float32(0.0), "b": np.float32(0.0)}
        loss_and_grad = autograd.value_and_grad(loss)
        for _ in range(epochs):
            value, grads = loss_and_grad(params, x, y)
            params = {k: params[k] - lr * grads[k] for k in params}
        return params

    return run


def build_hessian(d):
    w, x = d["W"], d["x"]
    hess = autograd.hessian(lambda x: models.tanh_layer_sum(anp, w, x))
    return lambda: hess(x)
