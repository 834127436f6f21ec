"""``torch.nn.modules``: where scripts import ``Module`` and the containers from."""

from compat.nn._containers import (
    ModuleDict as ModuleDict,
    ModuleList as ModuleList,
    ParameterDict as ParameterDict,
    ParameterList as ParameterList,
    Sequential as Sequential,
)
from compat.nn._module import Module as Module
