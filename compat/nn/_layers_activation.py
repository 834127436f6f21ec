"""Activation and softmax Modules (``nn.ReLU``, ``nn.Softmax`` ...): PyTorch's constructor
arguments, attributes and reprs around compat.nn.functional."""

from __future__ import annotations

from compat.nn import functional as F
from compat.nn._module import Module


def _inplace_str(inplace: bool) -> str:
    return ", inplace=True" if inplace else ""


class _Inplace(Module):
    """An activation whose only option is ``inplace`` (repr ``Name(inplace=True)``)."""

    _fn = None

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class _Plain(Module):
    """An activation without options."""

    _fn = None

    def forward(self, input):
        return type(self)._fn(input)


class ReLU(_Inplace):
    """``max(x, 0)`` elementwise.

    Example:
        >>> import compat as torch
        >>> torch.nn.ReLU()(torch.tensor([-1.0, 2.0])), torch.nn.ReLU(inplace=True)
        (tensor([0., 2.]), ReLU(inplace=True))
    """

    _fn = staticmethod(F.relu)


class SELU(_Inplace):
    """Scaled ELU with the self-normalising constants.

    Example:
        >>> import compat as torch
        >>> torch.nn.SELU()(torch.tensor([1.0]))
        tensor([1.0507])
    """

    _fn = staticmethod(F.selu)


class SiLU(_Inplace):
    """``x * sigmoid(x)``.

    Example:
        >>> import compat as torch
        >>> torch.nn.SiLU()(torch.tensor([0.0]))
        tensor([0.])
    """

    _fn = staticmethod(F.silu)


class Mish(_Inplace):
    """``x * tanh(softplus(x))``.

    Example:
        >>> import compat as torch
        >>> torch.nn.Mish()(torch.tensor([0.0]))
        tensor([0.])
    """

    _fn = staticmethod(F.mish)

    def extra_repr(self) -> str:
        return ""


class Hardsigmoid(Mish):
    """``relu6(x + 3) / 6``.

    Example:
        >>> import compat as torch
        >>> torch.nn.Hardsigmoid()(torch.tensor([0.0]))
        tensor([0.5000])
    """

    _fn = staticmethod(F.hardsigmoid)


class Hardswish(Mish):
    """``x * relu6(x + 3) / 6``.

    Example:
        >>> import compat as torch
        >>> torch.nn.Hardswish()(torch.tensor([4.0]))
        tensor([4.])
    """

    _fn = staticmethod(F.hardswish)


class Sigmoid(_Plain):
    """``1 / (1 + exp(-x))``.

    Example:
        >>> import compat as torch
        >>> torch.nn.Sigmoid()(torch.tensor([0.0]))
        tensor([0.5000])
    """

    _fn = staticmethod(F.sigmoid)


class Tanh(_Plain):
    """The hyperbolic tangent.

    Example:
        >>> import compat as torch
        >>> torch.nn.Tanh()(torch.tensor([0.0]))
        tensor([0.])
    """

    _fn = staticmethod(F.tanh)


class LogSigmoid(_Plain):
    """``log(sigmoid(x))``, stably.

    Example:
        >>> import compat as torch
        >>> torch.nn.LogSigmoid()(torch.tensor([0.0]))
        tensor([-0.6931])
    """

    _fn = staticmethod(F.logsigmoid)


class Softsign(_Plain):
    """``x / (1 + |x|)``.

    Example:
        >>> import compat as torch
        >>> torch.nn.Softsign()(torch.tensor([1.0]))
        tensor([0.5000])
    """

    _fn = staticmethod(F.softsign)


class Tanhshrink(_Plain):
    """``x - tanh(x)``.

    Example:
        >>> import compat as torch
        >>> torch.nn.Tanhshrink()(torch.tensor([0.0]))
        tensor([0.])
    """

    _fn = staticmethod(F.tanhshrink)


class Hardtanh(Module):
    """``clamp(x, min_val, max_val)`` (zero gradient at and beyond the bounds).

    Example:
        >>> import compat as torch
        >>> torch.nn.Hardtanh(-2, 2), torch.nn.Hardtanh()(torch.tensor([3.0]))
        (Hardtanh(min_val=-2, max_val=2), tensor([1.]))
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        self.min_val = min_val if min_value is None else min_value
        self.max_val = max_val if max_value is None else max_value
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError("Hardtanh: max_val must be greater than min_val")

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_str(self.inplace)}"


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``.

    Example:
        >>> import compat as torch
        >>> torch.nn.ReLU6()(torch.tensor([-1.0, 9.0]))
        tensor([0., 6.])
    """

    def __init__(self, inplace: bool = False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """``x`` where positive, else ``negative_slope * x``.

    Example:
        >>> import compat as torch
        >>> torch.nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.5)(torch.tensor([-2.0]))
        (LeakyReLU(negative_slope=0.2), tensor([-1.]))
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}{_inplace_str(self.inplace)}"


class ELU(Module):
    """``x`` where positive, else ``alpha * (exp(x) - 1)``.

    Example:
        >>> import compat as torch
        >>> torch.nn.ELU(), torch.nn.ELU()(torch.tensor([0.0]))
        (ELU(alpha=1.0), tensor([0.]))
    """

    _fn = staticmethod(F.elu)

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_str(self.inplace)}"


class CELU(ELU):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
        >>> import compat as torch
        >>> torch.nn.CELU(0.5)
        CELU(alpha=0.5)
    """

    _fn = staticmethod(F.celu)


class GELU(Module):
    """Gaussian error linear unit (``approximate='tanh'`` for the tanh form).

    Example:
        >>> import compat as torch
        >>> torch.nn.GELU(approximate="tanh"), torch.nn.GELU()(torch.tensor([0.0]))
        (GELU(approximate='tanh'), tensor([0.]))
    """

    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """``log(1 + exp(beta x)) / beta`` (``x`` itself beyond ``threshold``).

    Example:
        >>> import compat as torch
        >>> torch.nn.Softplus(), torch.nn.Softplus()(torch.tensor([0.0]))
        (Softplus(beta=1.0, threshold=20.0), tensor([0.6931]))
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``.

    Example:
        >>> import compat as torch
        >>> torch.nn.Threshold(0.1, 20), torch.nn.Threshold(1.0, 0.0)(torch.tensor([0.5, 2.0]))
        (Threshold(threshold=0.1, value=20), tensor([0., 2.]))
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace_str(self.inplace)}"


class Softmax(Module):
    """Softmax along ``dim`` (``dim=None``: PyTorch's deprecated implicit choice, warned).

    Example:
        >>> import compat as torch
        >>> torch.nn.Softmax(dim=1), torch.nn.Softmax(dim=0)(torch.tensor([0.0, 0.0]))
        (Softmax(dim=1), tensor([0.5000, 0.5000]))
    """

    _fn = staticmethod(F.softmax)

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Softmax):
    """Softmax of ``-x`` along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.nn.Softmin(dim=0)(torch.tensor([0.0, 0.0]))
        tensor([0.5000, 0.5000])
    """

    _fn = staticmethod(F.softmin)


class LogSoftmax(Softmax):
    """``log(softmax(x))`` along ``dim``, stably.

    Example:
        >>> import compat as torch
        >>> torch.nn.LogSoftmax(dim=1), torch.nn.LogSoftmax(dim=0)(torch.tensor([0.0, 0.0]))
        (LogSoftmax(dim=1), tensor([-0.6931, -0.6931]))
    """

    _fn = staticmethod(F.log_softmax)
