"""``torch.nn.modules``: where scripts import ``Module``, the containers and the layers from."""

from compat.nn._containers import (
    ModuleDict as ModuleDict,
    ModuleList as ModuleList,
    Sequential as Sequential,
)
from compat.nn._layers import (
    AdaptiveAvgPool2d as AdaptiveAvgPool2d,
    AvgPool2d as AvgPool2d,
    BatchNorm1d as BatchNorm1d,
    BatchNorm2d as BatchNorm2d,
    Conv1d as Conv1d,
    Conv2d as Conv2d,
    CosineSimilarity as CosineSimilarity,
    Dropout as Dropout,
    Dropout1d as Dropout1d,
    Dropout2d as Dropout2d,
    Embedding as Embedding,
    Flatten as Flatten,
    Identity as Identity,
    LayerNorm as LayerNorm,
    Linear as Linear,
    MaxPool2d as MaxPool2d,
    PairwiseDistance as PairwiseDistance,
    Unflatten as Unflatten,
)
from compat.nn._layers_activation import (
    CELU as CELU,
    ELU as ELU,
    GELU as GELU,
    SELU as SELU,
    Hardsigmoid as Hardsigmoid,
    Hardswish as Hardswish,
    Hardtanh as Hardtanh,
    LeakyReLU as LeakyReLU,
    LogSigmoid as LogSigmoid,
    LogSoftmax as LogSoftmax,
    Mish as Mish,
    ReLU as ReLU,
    ReLU6 as ReLU6,
    Sigmoid as Sigmoid,
    SiLU as SiLU,
    Softmax as Softmax,
    Softmin as Softmin,
    Softplus as Softplus,
    Softsign as Softsign,
    Tanh as Tanh,
    Tanhshrink as Tanhshrink,
    Threshold as Threshold,
)
from compat.nn._loss import (
    BCELoss as BCELoss,
    BCEWithLogitsLoss as BCEWithLogitsLoss,
    CrossEntropyLoss as CrossEntropyLoss,
    HuberLoss as HuberLoss,
    KLDivLoss as KLDivLoss,
    L1Loss as L1Loss,
    MSELoss as MSELoss,
    NLLLoss as NLLLoss,
    SmoothL1Loss as SmoothL1Loss,
)
from compat.nn._module import Module as Module
from compat.nn._param_containers import (
    ParameterDict as ParameterDict,
    ParameterList as ParameterList,
)
