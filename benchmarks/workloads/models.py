"""The functions being differentiated, written once against a numpy-like module ``m``.

``m`` is ``funcgrad.numpy``, ``autograd.numpy`` or ``torch`` (whatever provides
``sin``, ``tanh``, ``sum``, ...), so the autodiff frameworks run the very same code.
The hand-written numpy baseline has its own forward pass in ``numpy_impl``, because
it keeps what its manual backward pass needs.
"""

from __future__ import annotations

#: The two chains: W1/W2 cycle through four ops, W6 through two.
CHAIN_PATTERNS = ("sin-scale-shift-tanh", "sin-scale")


def chain(m, x, n_ops: int, pattern: str, reduce: bool):
    """``n_ops`` elementwise ops in a row (sin, *1.0001, +0.1, tanh, ...); summed if asked."""
    if pattern == "sin-scale-shift-tanh":
        for _ in range(n_ops // 4):
            x = m.sin(x)
            x = x * 1.0001
            x = x + 0.1
            x = m.tanh(x)
    elif pattern == "sin-scale":
        for _ in range(n_ops // 2):
            x = m.sin(x)
            x = x * 1.0001
    else:
        raise ValueError(f"unknown chain pattern {pattern!r}; choose from {CHAIN_PATTERNS}")
    return m.sum(x) if reduce else x


def mlp_logits(m, params, x):
    """A tanh MLP with layers ``w0, b0``, ``w1, b1``, ... (weights are fan_in x fan_out)."""
    n_layers = len(params) // 2
    h = x
    for i in range(n_layers):
        h = h @ params[f"w{i}"] + params[f"b{i}"]
        if i < n_layers - 1:
            h = m.tanh(h)
    return h


def cross_entropy(m, stop_gradient, logits, onehot):
    """Mean softmax cross-entropy with a stable log-sum-exp (the max is a constant)."""
    z = logits - stop_gradient(m.max(logits, axis=1, keepdims=True))
    lse = m.log(m.sum(m.exp(z), axis=1))
    return m.mean(lse - m.sum(onehot * z, axis=1))


def mlp_loss(m, stop_gradient, params, x, onehot):
    """W3's loss: cross-entropy of the MLP's logits."""
    return cross_entropy(m, stop_gradient, mlp_logits(m, params, x), onehot)


def tanh_matmul(m, a, b, c):
    """W4's function: ``sum(tanh(A @ B) @ C)``."""
    return m.sum(m.tanh(a @ b) @ c)


def linreg_loss(m, params, x, y):
    """W5's loss: mean squared error of ``y = w x + b`` (the seed example's model)."""
    return m.mean((x * params["w"] + params["b"] - y) ** 2)


def tanh_layer_sum(m, w, x):
    """W7's function of ``x``: ``sum(tanh(W @ x))``."""
    return m.sum(m.tanh(w @ x))
