"""``torch.nn.modules``: where scripts import ``Module`` and the containers from."""

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
