"""Data and initial parameters for every workload: fixed seeds, the same for all frameworks.

``make(workload_id, quick)`` returns a dict of numpy arrays and sizes. Frameworks
convert what they need (torch tensors, say) from these arrays, so every framework
differentiates the same numbers.
"""

from __future__ import annotations

import numpy as np

#: Full sizes, and the tiny ones used by ``--quick`` (the smoke test).
SIZES = {
    "chain_ops": (1000, 40),
    "chain_width": (100, 10),
    "long_chain_ops": (100_000, 400),
    "long_chain_memory_ops": ((25_000, 100_000), (100, 400)),
    "mlp": ((784, 512, 512, 10), (32, 16, 16, 10)),
    "batch": (128, 8),
    "matrix": (1024, 32),
    "linreg_points": (100, 100),
    "linreg_epochs": (100, 5),
    "hessian_n": (50, 5),
}


def size(name: str, quick: bool):
    """The full or the quick value of one size."""
    return SIZES[name][1 if quick else 0]


def chain(n_ops: int, width: int | None, pattern: str, seed: int) -> dict:
    """A scalar chain's input: 0-d when ``width`` is None, else a vector that is summed."""
    rng = np.random.default_rng(seed)
    if width is None:
        x = np.array(0.5)
    else:
        x = rng.uniform(-1.0, 1.0, size=width)
    return {"x": x, "n_ops": n_ops, "pattern": pattern, "reduce": width is not None}


def mlp(sizes, batch: int, dtype, seed: int = 3) -> dict:
    """Inputs, labels (one-hot too) and PyTorch-style initial parameters of a tanh MLP.

    Values are drawn in float64 and then cast, so f32 and f64 see the same numbers.
    Weights are (fan_in, fan_out) so that a layer is ``x @ w + b``.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, sizes[0])).astype(dtype)
    labels = rng.integers(0, sizes[-1], size=batch)
    onehot = np.eye(sizes[-1], dtype=dtype)[labels]
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = 1.0 / np.sqrt(n_in)
        params[f"w{i}"] = rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype)
        params[f"b{i}"] = rng.uniform(-bound, bound, n_out).astype(dtype)
    return {"x": x, "labels": labels, "onehot": onehot, "params": params}


def tanh_matmul(n: int, seed: int = 4) -> dict:
    """A, B, C (n x n float32) scaled so that A @ B is O(1) and tanh does not saturate."""
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal((n, n)) * n**-0.25).astype(np.float32)
    b = (rng.standard_normal((n, n)) * n**-0.25).astype(np.float32)
    c = (rng.standard_normal((n, n)) * n**-0.5).astype(np.float32)
    return {"A": a, "B": b, "C": c}


def linreg(n: int, epochs: int, seed: int = 0) -> dict:
    """The seed example's data: noisy points on y = 2x + 1, (n, 1) float32 columns."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 1)).astype(np.float32)
    y = (2.0 * x + 1.0 + 0.1 * rng.standard_normal((n, 1))).astype(np.float32)
    return {"x": x, "y": y, "epochs": epochs, "lr": 0.01}


def hessian(n: int, seed: int = 5) -> dict:
    """W (n x n) and x (n,) in float64, W scaled so that tanh(W @ x) is not saturated."""
    rng = np.random.default_rng(seed)
    return {"W": rng.standard_normal((n, n)) / np.sqrt(n), "x": rng.standard_normal(n)}


def make(workload_id: str, quick: bool) -> dict:
    """The data of one workload (``W8`` shares ``W3-f64``'s)."""
    q = quick
    if workload_id == "W1":
        return chain(size("chain_ops", q), None, "sin-scale-shift-tanh", seed=1)
    if workload_id == "W2":
        return chain(size("chain_ops", q), size("chain_width", q), "sin-scale-shift-tanh", 2)
    if workload_id in ("W3-f32", "W3-f64", "W8"):
        dtype = np.float32 if workload_id == "W3-f32" else np.float64
        return mlp(size("mlp", q), size("batch", q), dtype)
    if workload_id == "W4":
        return tanh_matmul(size("matrix", q))
    if workload_id == "W5":
        return linreg(size("linreg_points", q), size("linreg_epochs", q))
    if workload_id == "W6":
        d = chain(size("long_chain_ops", q), None, "sin-scale", seed=6)
        d["memory_ops"] = size("long_chain_memory_ops", q)
        return d
    if workload_id == "W7":
        return hessian(size("hessian_n", q))
    raise ValueError(f"no data for workload {workload_id!r}")
