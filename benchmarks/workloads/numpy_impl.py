"""The baseline: hand-written numpy forward passes and manual backward passes.

This is what a careful person writes without an autodiff library: the forward pass
keeps exactly what the backward pass needs, tanh's derivative comes from its output
(``1 - h*h``), softmax cross-entropy's gradient is ``softmax - onehot``. No autodiff
library built on numpy can beat it, so every figure is reported as a ratio to it.

The backward passes are generic: where a cotangent is all ones (the gradient of a
sum) it is still a dense array, because that is what reverse mode propagates; an
algebraic shortcut that no autodiff library can take would not be a fair limit.
"""

from __future__ import annotations

import numpy as np


def to_numpy(result):
    """Results are numpy already."""
    return result


def build_chain(d):
    """Forward through the chain keeping each op's input where needed, then backward."""
    x0, n_ops, pattern = d["x"], d["n_ops"], d["pattern"]  # sum or not: g starts at ones
    if pattern == "sin-scale-shift-tanh":

        def run():
            x, sin_in, tanh_out = x0, [], []
            for _ in range(n_ops // 4):
                sin_in.append(x)
                x = np.sin(x)
                x = x * 1.0001
                x = x + 0.1
                x = np.tanh(x)
                tanh_out.append(x)
            g = np.ones_like(x)  # d sum(x) / dx, or dx/dx for a 0-d chain
            for xi, t in zip(reversed(sin_in), reversed(tanh_out)):
                g = g * (1.0 - t * t)
                g = g * 1.0001
                g = g * np.cos(xi)
            return g

    elif pattern == "sin-scale":

        def run():
            x, sin_in = x0, []
            for _ in range(n_ops // 2):
                sin_in.append(x)
                x = np.sin(x)
                x = x * 1.0001
            g = np.ones_like(x)
            for xi in reversed(sin_in):
                g = g * 1.0001
                g = g * np.cos(xi)
            return g

    else:
        raise ValueError(f"unknown chain pattern {pattern!r}")
    return run


def mlp_value_and_grad(params, x, onehot):
    """Loss and parameter gradients of the tanh MLP with mean softmax cross-entropy."""
    n_layers = len(params) // 2
    acts = [x]  # the input of each layer; tanh outputs are reused by the backward pass
    h = x
    for i in range(n_layers):
        h = h @ params[f"w{i}"] + params[f"b{i}"]
        if i < n_layers - 1:
            h = np.tanh(h)
            acts.append(h)
    logits = h
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    batch = x.shape[0]
    loss = np.mean(np.log(s[:, 0]) - np.sum(onehot * z, axis=1))

    grads = {}
    g = (e / s - onehot) / batch  # d loss / d logits
    for i in reversed(range(n_layers)):
        a = acts[i]
        grads[f"w{i}"] = a.T @ g
        grads[f"b{i}"] = g.sum(axis=0)
        if i > 0:
            g = (g @ params[f"w{i}"].T) * (1.0 - a * a)  # a is tanh's output
    return loss, grads


def build_mlp(d):
    params, x, onehot = d["params"], d["x"], d["onehot"]
    return lambda: mlp_value_and_grad(params, x, onehot)


def build_tanh_matmul(d):
    a, b, c = d["A"], d["B"], d["C"]

    def run():
        h = np.tanh(a @ b)
        out = h @ c
        total = out.sum()  # noqa: F841  (the value, as the autodiff frameworks compute it)
        g_out = np.ones_like(out)
        g_c = h.T @ g_out
        g_p = (g_out @ c.T) * (1.0 - h * h)  # through tanh, from its output
        return g_p @ b.T, a.T @ g_p, g_c

    return run


def build_linreg(d):
    """Gradient descent with the closed-form gradient of the mean squared error.

    Each call trains afresh from w = b = 0, like every framework's version.
    """
    x, y, epochs, lr = d["x"], d["y"], d["epochs"], d["lr"]

    def run():
        w, b = np.float32(0.0), np.float32(0.0)
        for _ in range(epochs):
            r = x * w + b - y
            loss = np.mean(r * r)  # noqa: F841  (computed, as every framework does)
            gw = 2.0 * np.mean(r * x)
            gb = 2.0 * np.mean(r)
            w = w - lr * gw
            b = b - lr * gb
        return {"w": w, "b": b}

    return run


def build_hessian(d):
    """H = W^T diag(-2 t (1 - t^2)) W with t = tanh(W x), derived by hand."""
    w, x = d["W"], d["x"]

    def run():
        t = np.tanh(w @ x)
        return w.T @ ((-2.0 * t * (1.0 - t * t))[:, None] * w)

    return run
