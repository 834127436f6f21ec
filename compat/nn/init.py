"""``torch.nn.init``: fill a tensor in place from PyTorch's initialisation distributions.

Every function works under ``no_grad`` (so it applies to parameters) and returns its
tensor. The random draws go through ``Tensor.uniform_`` / ``Tensor.normal_``, which
follow PyTorch's CPU random stream: after ``manual_seed(s)`` the uniform-based
initialisers (``kaiming_uniform_``, ``xavier_uniform_``, ``uniform_``) give PyTorch's
numbers bit for bit.

Example:
    >>> import compat as torch
    >>> w = torch.empty(3, 5)
    >>> _ = torch.manual_seed(0)
    >>> torch.nn.init.kaiming_uniform_(w, a=5**0.5).abs().max() <= 1 / 5**0.5
    tensor(True)
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from compat._creation import from_numpy
from compat._grad_mode import no_grad
from compat._tensor import Tensor

__all__ = [
    "calculate_gain",
    "uniform_",
    "normal_",
    "trunc_normal_",
    "constant_",
    "zeros_",
    "ones_",
    "eye_",
    "dirac_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
]

_LINEAR = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
)


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The recommended gain for a nonlinearity (``relu``: sqrt(2), ``tanh``: 5/3, ...).

    ``leaky_relu`` takes its negative slope as ``param`` (default 0.01):
    ``sqrt(2 / (1 + slope**2))``.

    Example:
        >>> import compat as torch
        >>> torch.nn.init.calculate_gain("tanh"), round(torch.nn.init.calculate_gain("relu"), 4)
        (1.6666666666666667, 1.4142)
    """
    if nonlinearity in _LINEAR:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _fans(tensor: Tensor) -> tuple[int, int]:
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    valid = ["fan_in", "fan_out"]
    if mode not in valid:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid}")
    fan_in, fan_out = _fans(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _empty_noop(tensor: Tensor) -> bool:
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return True
    return False


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with draws from U(a, b).

    Example:
        >>> import compat as torch
        >>> w = torch.nn.init.uniform_(torch.empty(4), -0.1, 0.1)
        >>> bool((w.abs() <= 0.1).all())
        True
    """
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill with draws from N(mean, std**2).

    Example:
        >>> import compat as torch
        >>> torch.nn.init.normal_(torch.empty(2, 3), std=0.02).shape
        torch.Size([2, 3])
    """
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator=None,
) -> Tensor:
    """Fill with draws from N(mean, std**2) truncated to [a, b], by rejection (PyTorch's).

    When [a, b] holds more than 30% of the mass, normal draws outside it are redrawn
    (a full tensor of fresh draws per round); otherwise uniform candidates on [a, b]
    are accepted with probability pdf(x) / pdf(mode).

    Example:
        >>> import compat as torch
        >>> w = torch.nn.init.trunc_normal_(torch.empty(100), std=1.0, a=-0.5, b=0.5)
        >>> bool((w.abs() <= 0.5).all())
        True
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of "
            "values may be incorrect.",
            UserWarning,
            stacklevel=2,
        )

    def cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    dt = tensor._data.dtype
    scratch = tensor.new_empty(tuple(tensor.shape))
    with no_grad():
        if cdf((b - mean) / std) - cdf((a - mean) / std) > 0.3:
            lo, hi = dt.type(a), dt.type(b)
            result = tensor.normal_(mean, std, generator=generator)._data.copy()
            while True:
                outside = (result < lo) | (result > hi)
                if not outside.any():
                    break
                fresh = scratch.normal_(mean, std, generator=generator)._data
                result = np.where(outside, fresh, result)
        else:
            mode = max(a, min(mean, b))
            log_peak = dt.type(-0.5 * ((mode - mean) / std) ** 2)
            mean_, std_, half = dt.type(mean), dt.type(std), dt.type(-0.5)

            def rejected(x):  # log u > log pdf(x) - log pdf(mode), in the tensor's dtype
                log_ratio = ((x - mean_) / std_) ** 2 * half - log_peak
                with np.errstate(divide="ignore"):
                    return np.log(scratch.uniform_(generator=generator)._data) > log_ratio

            result = tensor.uniform_(a, b, generator=generator)._data.copy()
            pending = rejected(result)
            while pending.any():
                candidates = scratch.uniform_(a, b, generator=generator)._data.copy()
                result = np.where(pending, candidates, result)
                pending &= rejected(candidates)
        tensor.copy_(from_numpy(result))
    return tensor


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    Example:
        >>> import compat as torch
        >>> torch.nn.init.constant_(torch.empty(3), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros.

    Example:
        >>> import compat as torch
        >>> torch.nn.init.zeros_(torch.ones(2))
        tensor([0., 0.])
    """
    with no_grad():
        return tensor.zero_()


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones.

    Example:
        >>> import compat as torch
        >>> torch.nn.init.ones_(torch.zeros(2))
        tensor([1., 1.])
    """
    with no_grad():
        return tensor.fill_(1.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity (ones on the diagonal, zeros elsewhere).

    Example:
        >>> import compat as torch
        >>> torch.nn.init.eye_(torch.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return tensor.copy_(from_numpy(np.eye(*tensor.shape, dtype=tensor._data.dtype)))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight with the Dirac delta (identity convolution).

    Example:
        >>> import compat as torch
        >>> w = torch.nn.init.dirac_(torch.empty(2, 2, 3))
        >>> w[0, 0].tolist(), w[0, 1].tolist()
        ([0.0, 1.0, 0.0], [0.0, 0.0, 0.0])
    """
    shape = tensor.shape
    if len(shape) not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = shape[0] // groups
    values = np.zeros(shape, tensor._data.dtype)
    centre = tuple(s // 2 for s in shape[2:])
    for g in range(groups):
        for d in range(min(per_group, shape[1])):
            values[(g * per_group + d, d, *centre)] = 1
    with no_grad():
        return tensor.copy_(from_numpy(values))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot uniform: U(-b, b) with ``b = gain * sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> import compat as torch
        >>> w = torch.nn.init.xavier_uniform_(torch.empty(3, 5))
        >>> bool((w.abs() <= (6 / 8) ** 0.5).all())
        True
    """
    fan_in, fan_out = _fans(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot normal: N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    Example:
        >>> import compat as torch
        >>> torch.nn.init.xavier_normal_(torch.empty(3, 5)).shape
        torch.Size([3, 5])
    """
    fan_in, fan_out = _fans(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator=None,
) -> Tensor:
    """He uniform: U(-b, b) with ``b = sqrt(3) * gain / sqrt(fan)``.

    ``gain = calculate_gain(nonlinearity, a)``; ``fan`` is ``fan_in`` (``size(1)`` times
    the receptive field) or ``fan_out`` (``size(0)`` times it). ``nn.Linear`` uses
    ``a=sqrt(5)``, giving U(-1/sqrt(in), 1/sqrt(in)).

    Example:
        >>> import compat as torch
        >>> w = torch.nn.init.kaiming_uniform_(torch.empty(4, 6), nonlinearity="relu")
        >>> bool((w.abs() <= 1.0).all())
        True
    """
    if _empty_noop(tensor):
        return tensor
    fan = _fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator=None,
) -> Tensor:
    """He normal: N(0, std**2) with ``std = gain / sqrt(fan)`` (see ``kaiming_uniform_``).

    Example:
        >>> import compat as torch
        >>> torch.nn.init.kaiming_normal_(torch.empty(8, 3, 3, 3), mode="fan_out").shape
        torch.Size([8, 3, 3, 3])
    """
    if _empty_noop(tensor):
        return tensor
    fan = _fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix: the Q of the QR of a normal matrix, times gain.

    Dimensions after the first are flattened (``(rows, numel // rows)``).

    Example:
        >>> import compat as torch
        >>> w = torch.nn.init.orthogonal_(torch.empty(3, 3))
        >>> torch.allclose(w @ w.t(), torch.eye(3), atol=1e-6)
        True
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = tensor.new_empty((rows, cols))
    with no_grad():
        flat.normal_(0, 1, generator=generator)
    a = flat._data.astype(np.float64)
    if rows < cols:
        a = a.T
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    with no_grad():
        tensor.copy_(from_numpy(q.reshape(tensor.shape).astype(tensor._data.dtype)))
        tensor.mul_(gain)
    return tensor


_DEPRECATED_DOC = """Deprecated spelling of :func:`{new}` (warns).

Example:
    >>> import warnings
    >>> import compat as torch
    >>> _ = torch.manual_seed(0)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     w = torch.nn.init.{old}({args})
    >>> w, caught[0].category.__name__
    ({result}, 'FutureWarning')
"""


# PyTorch's deprecated spellings without the trailing underscore, each with the arguments
# and result of its example
def _deprecated(fn, example_args, result):
    def old(*args, **kwargs):
        new = fn.__name__
        warnings.warn(
            f"`nn.init.{new[:-1]}` is now deprecated in favor of `nn.init.{new}`.",
            FutureWarning,
            stacklevel=2,
        )
        return fn(*args, **kwargs)

    old.__name__ = fn.__name__[:-1]
    old.__doc__ = _DEPRECATED_DOC.format(
        new=fn.__name__, old=old.__name__, args=example_args, result=result
    )
    return old


uniform = _deprecated(uniform_, "torch.empty(2), -1.0, 1.0", "tensor([-0.0075,  0.5364])")
normal = _deprecated(normal_, "torch.empty(2)", "tensor([ 1.5410, -0.2934])")
constant = _deprecated(constant_, "torch.empty(2), 0.5", "tensor([0.5000, 0.5000])")
xavier_uniform = _deprecated(xavier_uniform_, "torch.empty(1, 2)", "tensor([[-0.0106,  0.7586]])")
xavier_normal = _deprecated(xavier_normal_, "torch.empty(1, 2)", "tensor([[ 1.2582, -0.2396]])")
kaiming_uniform = _deprecated(kaiming_uniform_, "torch.empty(1, 2)", "tensor([[-0.0130,  0.9291]])")
kaiming_normal = _deprecated(kaiming_normal_, "torch.empty(1, 2)", "tensor([[ 1.5410, -0.2934]])")
orthogonal = _deprecated(orthogonal_, "torch.empty(1, 2)", "tensor([[ 0.9823, -0.1871]])")
