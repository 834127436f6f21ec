"""Linear regression by gradient descent, written functionally with funcgrad.

The model of the PyTorch article this project grew from: fit ``y = w x + b`` to noisy
data, with mean squared error, plain gradient descent (learning rate 0.01) and 100
epochs. Here the parameters are an immutable dict; each step returns new ones.

Run:  python examples/linear_regression.py [--epochs N] [--seed S]
"""

from __future__ import annotations

import argparse

import numpy as np

import funcgrad as fg
import funcgrad.numpy as fnp


def make_data(seed: int = 0, n: int = 100, true_w: float = 2.0, true_b: float = 1.0):
    """Noisy points on the line ``y = true_w * x + true_b``, as (n, 1) float32 columns."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 1)).astype(np.float32)
    y = (true_w * x + true_b + 0.1 * rng.standard_normal((n, 1))).astype(np.float32)
    return x, y


def predict(params, x):
    """The model: one input, one output, like PyTorch's ``nn.Linear(1, 1)``."""
    return x * params["w"] + params["b"]


def loss_fn(params, x, y):
    """Mean squared error, like ``nn.MSELoss()``."""
    return fnp.mean((predict(params, x) - y) ** 2)


def sgd_step(params, grads, lr):
    """One step of gradient descent: new parameters, the old ones untouched."""
    return fg.tree.map(lambda p, g: p - lr * g, params, grads)


def train(x, y, *, epochs: int = 100, lr: float = 0.01, report_every: int = 10, log=print):
    """Fit ``w`` and ``b``; return the final parameters and the loss of every epoch."""
    params = {"w": np.float32(0.0), "b": np.float32(0.0)}
    loss_and_grad = fg.value_and_grad(loss_fn)
    history = []
    for epoch in range(epochs):
        loss, grads = loss_and_grad(params, x, y)
        params = sgd_step(params, grads, lr)
        history.append(float(loss))
        if (epoch + 1) % report_every == 0:
            log(f"epoch {epoch + 1:4d}  loss {float(loss):.6f}")
    return params, history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    x, y = make_data(args.seed)
    params, _ = train(x, y, epochs=args.epochs, lr=args.lr)
    print(f"learned w = {float(params['w']):.4f}, b = {float(params['b']):.4f}  (true: w = 2, b = 1)")
    return params


if __name__ == "__main__":
    main()
