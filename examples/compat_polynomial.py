"""PyTorch's classic "fit sin(x) with a cubic" lessons, run on compat.

Four versions of the same fit, as PyTorch's tutorials teach them: tensors with manual
SGD under ``no_grad`` (``a -= lr * a.grad``), ``nn.Sequential`` with ``MSELoss`` and
``RMSprop``, a custom ``nn.Module`` of scalar ``Parameter``s with ``SGD``, and a
dynamic graph whose depth changes every step. Only the import says ``compat``; after
``manual_seed(0)`` it prints the numbers PyTorch 2.13 prints, to float32 rounding
(``tests/test_examples.py`` checks against numbers recorded from PyTorch).

Run:  python examples/compat_polynomial.py
"""

import math
import random

import compat as torch


def manual_sgd(x, y, steps=2000, learning_rate=1e-6):
    a, b, c, d = (torch.randn((), requires_grad=True) for _ in range(4))
    for t in range(steps):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum()
        if t % 500 == 99:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    return [p.item() for p in (a, b, c, d)]


def sequential_rmsprop(x, y, steps=500):
    xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    for _ in range(steps):
        loss = loss_fn(model(xx), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    layer = model[0]
    return [layer.bias.item()] + [layer.weight[:, i].item() for i in range(3)]


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x**2 + self.d * x**3


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x
        for exp in range(2, random.randint(4, 6)):  # a different graph every call
            y = y + self.e * x**exp
        return y


def train(model, x, y, steps, **sgd):
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), **sgd)
    for _ in range(steps):
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return [p.item() for p in model.parameters()] + [loss.item()]


def main():
    torch.manual_seed(0)
    random.seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    results = {
        "manual_sgd": manual_sgd(x, y),
        "sequential_rmsprop": sequential_rmsprop(x, y),
        "module_sgd": train(Polynomial3(), x, y, 300, lr=1e-6),
        "dynamic_momentum": train(DynamicNet(), x, y, 100, lr=1e-8, momentum=0.9),
    }
    for name, values in results.items():
        print(f"{name}: {', '.join(f'{v:.6g}' for v in values)}")
    return results


if __name__ == "__main__":
    main()
