"""compat.nn: PyTorch's ``torch.nn`` (Module, Parameter, containers, layers, losses).

>>> import compat as torch
>>> import compat.nn as nn
>>> class Affine(nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.w = nn.Parameter(torch.tensor([2.0]))
...
...     def forward(self, x):
...         return self.w * x
>>> model = nn.Sequential(Affine(), Affine())
>>> [name for name, _ in model.named_parameters()]
['0.w', '1.w']
"""

from compat.nn import init as init, utils as utils
from compat.nn._containers import (
    ModuleDict as ModuleDict,
    ModuleList as ModuleList,
    Sequential as Sequential,
)
from compat.nn._module import Module as Module
from compat.nn._param_containers import (
    ParameterDict as ParameterDict,
    ParameterList as ParameterList,
)
from compat.nn.parameter import Buffer as Buffer, Parameter as Parameter
