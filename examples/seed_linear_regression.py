"""The seed example (section 5.1 of the project's seed text) running on compat.

The model class and the training loop are the seed's, line for line; only the imports
differ (``import compat as torch``, ``import compat.nn as nn``). The seed leaves ``x``
and ``y`` undefined: here they are 100 points of y = 2x + 1 plus noise, built with numpy
and passed through ``torch.tensor``; the initial weights are fixed numbers set through
``load_state_dict``, so the run can be compared epoch by epoch with real PyTorch
(tests/test_compat_seed.py does, against numbers recorded from torch 2.13).

Run: ``python examples/seed_linear_regression.py``
"""
# ruff: noqa: UP008  (the seed's `super(LinearRegression, self)` stays verbatim)

import numpy as np

import compat as torch
import compat.nn as nn


# 定义模型
class LinearRegression(nn.Module):
    def __init__(self):
        super(LinearRegression, self).__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


def make_data(seed=0, n=100):
    """``n`` float32 points of y = 2x + 1 + noise, shaped (n, 1) as nn.Linear(1, 1) expects."""
    rng = np.random.default_rng(seed)
    x_np = rng.uniform(-1.0, 1.0, (n, 1)).astype(np.float32)
    y_np = (2.0 * x_np + 1.0 + 0.1 * rng.standard_normal((n, 1))).astype(np.float32)
    return x_np, y_np


def main():
    """Train the seed's model for its 100 epochs; return the losses, final weight and bias."""
    x_np, y_np = make_data()
    x = torch.tensor(x_np)
    y = torch.tensor(y_np)

    # 创建模型实例
    model = LinearRegression()
    model.load_state_dict(
        {"linear.weight": torch.tensor([[0.5]]), "linear.bias": torch.tensor([-0.3])}
    )

    # 定义损失函数
    criterion = nn.MSELoss()

    # 定义优化器
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    losses = []
    # 训练模型
    for epoch in range(100):
        # 前向传播
        y_pred = model(x)

        # 计算损失
        loss = criterion(y_pred, y)
        losses.append(loss.item())

        # 反向传播
        loss.backward()

        # 更新参数
        optimizer.step()

        # 清空梯度
        optimizer.zero_grad()

        if (epoch + 1) % 10 == 0:
            print(f"epoch {epoch + 1:3d}: loss {losses[-1]:.6f}")

    weight, bias = model.linear.weight.item(), model.linear.bias.item()
    print(f"weight {weight:.6f}, bias {bias:.6f}")
    return losses, weight, bias


if __name__ == "__main__":
    main()
