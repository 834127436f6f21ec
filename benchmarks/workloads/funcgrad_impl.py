"""funcgrad: the shared model code on ``funcgrad.numpy``, through its public API only."""

from __future__ import annotations

import numpy as np

import funcgrad as fg
import funcgrad.numpy as fnp
from benchmarks.workloads import NotAvailable, models


def to_numpy(result):
    """funcgrad returns numpy values."""
    return result


def build_chain(d):
    x, n_ops, pattern, reduce = d["x"], d["n_ops"], d["pattern"], d["reduce"]
    grad_f = fg.grad(lambda x: models.chain(fnp, x, n_ops, pattern, reduce))
    return lambda: grad_f(x)


def build_mlp(d):
    params, x, onehot = d["params"], d["x"], d["onehot"]

    def loss(params, x, onehot):
        return models.mlp_loss(fnp, fg.stop_gradient, params, x, onehot)

    value_and_grad = fg.value_and_grad(loss)
    return lambda: value_and_grad(params, x, onehot)


def build_tanh_matmul(d):
    a, b, c = d["A"], d["B"], d["C"]
    grad_f = fg.grad(lambda a, b, c: models.tanh_matmul(fnp, a, b, c), argnums=(0, 1, 2))
    return lambda: grad_f(a, b, c)


def build_linreg(d):
    """value_and_grad for the loss, ``tree.map`` for the update, as in the README example."""
    x, y, epochs, lr = d["x"], d["y"], d["epochs"], d["lr"]

    def loss(params, x, y):
        return models.linreg_loss(fnp, params, x, y)

    def run():
        params = {"w": np.float32(0.0), "b": np.float32(0.0)}
        loss_and_grad = fg.value_and_grad(loss)
        for _ in range(epochs):
            value, grads = loss_and_grad(params, x, y)
            params = fg.tree.map(lambda p, g: p - lr * g, params, grads)
        return params

    return run


def build_hessian(d):
    if not hasattr(fg, "hessian"):
        raise NotAvailable("n/a (no hessian yet)")
    w, x = d["W"], d["x"]
    hess = fg.hessian(lambda x: models.tanh_layer_sum(fnp, w, x))
    return lambda: hess(x)
