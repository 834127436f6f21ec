"""``torch.nn.modules``: the Module classes of :mod:`compat.nn`, under PyTorch's other path.

Scripts write ``from torch.nn.modules import Module``; every class ``compat.nn`` exports
(Module, the containers, layers and losses) can be imported from here too.

>>> from compat.nn.modules import Linear, Module
>>> issubclass(Linear, Module)
True
"""

import compat.nn as _nn


def __getattr__(name: str):
    value = getattr(_nn, name, None)
    if isinstance(value, type):
        return value
    raise AttributeError(f"module 'compat.nn.modules' has no attribute '{name}'")


def __dir__():
    return sorted(n for n in dir(_nn) if isinstance(getattr(_nn, n), type))
