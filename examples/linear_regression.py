"""Linear regression by gradient descent, written functionally with funcgrad.

The model of the PyTorch article this project grew from: fit ``y = w x + b`` to noisy
data, with mean squared error, plain gradient descent (learning rate 0.01) and 100
epochs. Here the parameters are an immutable dict; each step returns new ones.

It prints the loss every 10 epochs and the learned ``w`` and ``b``. With ``--plot PATH``
it also saves the data, the fitted line and the loss curve as a PNG (this needs
matplotlib, e.g. ``pip install -e ".[examples]"``; without it the plot is skipped).

Run:  python examples/linear_regression.py [--epochs N] [--lr LR] [--seed S] [--plot fit.png]
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


def plot(path, x, y, params, history, *, log=print) -> bool:
    """Save the data with the fitted line, and the loss curve, as a PNG at ``path``.

    Returns False (after saying so in one line) when matplotlib is not installed.
    """
    try:
        from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state
    except ImportError:
        log("matplotlib is not installed; skipping the plot (pip install matplotlib)")
        return False
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    fit, curve = fig.subplots(1, 2)
    line_x = np.array([x.min(), x.max()])
    fit.scatter(x[:, 0], y[:, 0], s=12, alpha=0.6, label="data")
    fit.plot(line_x, predict(params, line_x), color="C3", lw=2, label="fitted")
    fit.plot(line_x, 2.0 * line_x + 1.0, color="k", ls="--", lw=1, label="true: y = 2x + 1")
    fit.set(xlabel="x", ylabel="y", title=f"the fit after {len(history)} epochs")
    fit.legend()
    curve.plot(np.arange(1, len(history) + 1), history, color="C0")
    curve.set(xlabel="epoch", ylabel="mean squared error", yscale="log", title="loss")
    fig.savefig(path, dpi=100)
    log(f"saved the plot to {path}")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--plot", metavar="PATH", help="save the fit and the loss curve to this PNG"
    )
    args = parser.parse_args(argv)
    x, y = make_data(args.seed)
    params, history = train(x, y, epochs=args.epochs, lr=args.lr)
    w, b = float(params["w"]), float(params["b"])
    print(f"learned w = {w:.4f}, b = {b:.4f}  (true: w = 2, b = 1)")
    if args.plot:
        plot(args.plot, x, y, params, history)
    return params


if __name__ == "__main__":
    main()
