"""PyTorch eager on the CPU, one thread, written as a PyTorch user writes it."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from benchmarks.workloads import models

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:  # only allowed before any parallel work has started
    pass


def to_numpy(result):
    """Tensors (in tuples, lists or dicts) to numpy arrays."""
    if isinstance(result, torch.Tensor):
        return result.detach().numpy()
    if isinstance(result, dict):
        return {k: to_numpy(v) for k, v in result.items()}
    if isinstance(result, (tuple, list)):
        return type(result)(to_numpy(v) for v in result)
    return result


def _leaf(array):
    """A fresh leaf tensor (its own copy of the data) that requires grad."""
    return torch.tensor(array, requires_grad=True)


def build_chain(d):
    x, n_ops, pattern, reduce = _leaf(d["x"]), d["n_ops"], d["pattern"], d["reduce"]

    def run():
        out = models.chain(torch, x, n_ops, pattern, reduce)
        return torch.autograd.grad(out, x)[0]

    return run


def build_mlp(d):
    """The same MLP; the loss is ``F.cross_entropy`` on class indices (stable log-sum-exp)."""
    params = {k: _leaf(v) for k, v in d["params"].items()}
    x = torch.from_numpy(d["x"])
    labels = torch.from_numpy(d["labels"])
    names, leaves = list(params), list(params.values())

    def run():
        loss = F.cross_entropy(models.mlp_logits(torch, params, x), labels)
        grads = torch.autograd.grad(loss, leaves)
        return loss, dict(zip(names, grads))

    return run


def build_tanh_matmul(d):
    a, b, c = _leaf(d["A"]), _leaf(d["B"]), _leaf(d["C"])

    def run():
        return torch.autograd.grad(models.tanh_matmul(torch, a, b, c), (a, b, c))

    return run


def build_linreg(d):
    """nn.Linear(1, 1), nn.MSELoss, optim.SGD: zero_grad, backward, step."""
    x, y = torch.from_numpy(d["x"]), torch.from_numpy(d["y"])
    epochs, lr = d["epochs"], d["lr"]

    def run():
        model = torch.nn.Linear(1, 1)
        with torch.no_grad():  # the same start as every framework: w = b = 0
            model.weight.zero_()
            model.bias.zero_()
        loss_fn = torch.nn.MSELoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        return {"w": model.weight.detach().reshape(()), "b": model.bias.detach().reshape(())}

    return run


def build_hessian(d):
    w, x = torch.from_numpy(d["W"]), torch.from_numpy(d["x"])
    f = lambda x: models.tanh_layer_sum(torch, w, x)  # noqa: E731
    return lambda: torch.autograd.functional.hessian(f, x)
