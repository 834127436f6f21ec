"""compat's training-step overhead: ``python -m benchmarks.compat_step [--steps N]``.

Issue 6's target: a compat training step of the 784-512-512-10 MLP (batch 128, Adam)
costs at most 1.2x the same step written with ``funcgrad.value_and_grad`` and
``funcgrad.optim``. Both run in this one process from the same float32 weights and
data, interleaved step by step (so a slow moment on a shared machine hits both), with
BLAS pinned to one thread; the report gives the median time per step of each and the
ratio of medians. Both trajectories are checked to stay equal (to float32 rounding).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

SIZES = (784, 512, 512, 10)


def make_data(sizes=SIZES, batch=128, seed=0):
    """Weights (PyTorch's layout: out x in) and a batch of inputs and class labels."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        w = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
        b = rng.uniform(-bound, bound, fan_out).astype(np.float32)
        weights.append((w, b))
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], batch)
    return weights, x, y


def funcgrad_step(weights, x, y, lr=1e-3):
    """A step function written with funcgrad's value_and_grad and funcgrad.optim."""
    import funcgrad as fg
    from funcgrad import optim
    from funcgrad.nn import functional as F

    params = {f"l{i}": {"w": w, "b": b} for i, (w, b) in enumerate(weights)}
    n = len(weights)

    def loss(params, x, y):
        h = x
        for i in range(n):
            h = F.linear(h, params[f"l{i}"]["w"], params[f"l{i}"]["b"])
            if i < n - 1:
                h = F.relu(h)
        return F.cross_entropy(h, y)

    tx = optim.chain(
        optim.scale_by_adam(0.9, 0.999, 1e-8, amsgrad_max="raw"),
        optim.scale_by_learning_rate(lr),
    )
    value_and_grad = fg.value_and_grad(loss)
    state = [params, tx.init(params)]

    def step():
        value, grads = value_and_grad(state[0], x, y)
        updates, state[1] = tx.update(grads, state[1], state[0])
        state[0] = optim.apply_updates(state[0], updates)
        return value

    return step, lambda: [state[0][f"l{i}"]["w"] for i in range(n)]


def compat_step(weights, x, y, lr=1e-3):
    """The same step as a PyTorch script would write it, on compat."""
    import compat as torch
    import compat.nn as nn

    layers = []
    for i, (w, b) in enumerate(weights):
        lin = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if i < len(weights) - 1:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))

    def step():
        optimizer.zero_grad()
        loss = criterion(model(xt), yt)
        loss.backward()
        optimizer.step()
        return loss

    return step, lambda: [m.weight.detach().numpy() for m in model if isinstance(m, nn.Linear)]


def run(steps=30, sizes=SIZES, batch=128, warmup=3):
    """Time both steps interleaved; return a dict of medians, ratio, and the agreement."""
    weights, x, y = make_data(sizes, batch)
    fg_step, fg_weights = funcgrad_step(weights, x, y)
    c_step, c_weights = compat_step(weights, x, y)
    times = {"funcgrad": [], "compat": []}
    for k in range(warmup + steps):
        for name, step in (("funcgrad", fg_step), ("compat", c_step))[:: 1 if k % 2 else -1]:
            t0 = time.perf_counter()
            step()
            dt = time.perf_counter() - t0
            if k >= warmup:
                times[name].append(dt)
    diff = max(
        float(np.max(np.abs(a - b)) / (np.max(np.abs(a)) + 1e-30))
        for a, b in zip(fg_weights(), c_weights())
    )
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "funcgrad_ms": med["funcgrad"] * 1e3,
        "compat_ms": med["compat"] * 1e3,
        "ratio": med["compat"] / med["funcgrad"],
        "max_relative_weight_difference": diff,
        "steps": steps,
    }


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.compat_step", description=__doc__)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--quick", action="store_true", help="tiny sizes (the smoke test)")
    args = p.parse_args(argv)
    if args.quick:
        r = run(steps=2, sizes=(8, 6, 3), batch=4, warmup=1)
    else:
        r = run(steps=args.steps)
    print(
        f"compat step {r['compat_ms']:.2f} ms, funcgrad step {r['funcgrad_ms']:.2f} ms: "
        f"ratio {r['ratio']:.3f} (target <= 1.2), median of {r['steps']} interleaved steps; "
        f"weights agree to {r['max_relative_weight_difference']:.1e} relative"
    )
    return r


if __name__ == "__main__":
    main()
