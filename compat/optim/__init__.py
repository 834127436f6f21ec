"""compat.optim: PyTorch's optimizers on funcgrad.optim transformations (``torch.optim``).

Each optimizer holds the very tensors it was given; ``step()`` reads their ``.grad``,
runs a :mod:`funcgrad.optim` chain that reproduces PyTorch's formula on the arrays, and
writes the new values in place. Hyperparameters live in ``param_groups`` and may be
changed between steps; :mod:`compat.optim.lr_scheduler` changes the learning rates.

Example:
    >>> import compat as torch
    >>> w = torch.tensor([3.0], requires_grad=True)
    >>> opt = torch.optim.Adam([w], lr=0.5)
    >>> for _ in range(50):
    ...     opt.zero_grad()
    ...     ((w - 1.0) ** 2).sum().backward()
    ...     opt.step()
    >>> round(w.item(), 2)  # PyTorch gives the same
    0.93
"""

from compat.optim import lr_scheduler as lr_scheduler
from compat.optim._adam import Adam as Adam, AdamW as AdamW
from compat.optim._adaptive import Adagrad as Adagrad, RMSprop as RMSprop
from compat.optim._optimizer import Optimizer as Optimizer
from compat.optim._sgd import SGD as SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
