"""Batch and layer normalisation in compat.nn.functional.

``batch_norm`` updates the running statistics it is given in place (under no_grad, with
the unbiased batch variance), as PyTorch does; both check PyTorch's mixed-dtype rule.
"""

from __future__ import annotations

import numpy as np

import funcgrad.nn.functional as fF
import funcgrad.numpy as fnp
from compat._autograd import apply
from compat._grad_mode import no_grad
from compat._tensor_types import Size
from compat.nn._functional_common import require_tensor, scalar_name
from funcgrad.nn import BatchNormState

# --- normalisation ----------------------------------------------------------------------


def _mixed_dtype_check(input, *params):
    """PyTorch's CPU rule. The first parameter given decides: of the input's dtype, every
    other must be too (the kernel's "expected scalar type" error); of another dtype, the
    call is mixed, allowed only for float32 parameters with a float16 input (cast to it
    here)."""
    dt = input._s.array.dtype
    given = [p for p in params if p is not None]
    if not given or given[0]._s.array.dtype == dt:
        for p in given:
            if p._s.array.dtype != dt:
                raise RuntimeError(
                    f"expected scalar type {scalar_name(input)} but found {scalar_name(p)}"
                )
        return params
    if any(p._s.array.dtype != np.float32 for p in given):
        raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
    if dt != np.float16:
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    return params


def _in_float32_if_mixed(fn, input, params):
    """``fn`` computed in float32 and rounded once to float16 when a float16 input meets
    float32 parameters (PyTorch's mixed-dtype kernels); ``fn`` itself otherwise."""
    given = [p for p in params if p is not None]
    if not given or input._s.array.dtype == given[0]._s.array.dtype:
        return fn

    def mixed(x, *rest):
        return fnp.astype(fn(fnp.astype(x, np.float32), *rest), x.dtype)

    return mixed


def _count_check(name, t, c):
    if t is not None and t.numel() != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-05,
):
    """Normalise each channel (axis 1) with batch statistics (training) or running ones.

    In training, ``running_mean``/``running_var`` (when given) are updated in place:
    ``(1 - momentum) * running + momentum * batch`` with the unbiased batch variance.

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> rm, rv = torch.zeros(1), torch.ones(1)
        >>> y = F.batch_norm(torch.tensor([[1.0], [3.0]]), rm, rv, training=True)
        >>> y, rm, rv
        (tensor([[-1.0000],
                [ 1.0000]]), tensor([0.2000]), tensor([1.1000]))
    """
    require_tensor(input, "batch_norm")
    shape = tuple(input.shape)
    if training:
        per_channel = shape[0] * int(np.prod(shape[2:])) if shape else 1
        if per_channel == 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, got input size "
                f"{Size(shape)}"
            )
    if not training and running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    c = shape[1] if len(shape) > 1 else 0
    for name, t in (
        ("weight", weight),
        ("bias", bias),
        ("running_mean", running_mean),
        ("running_var", running_var),
    ):
        _count_check(name, t, c)
    if training and not eps > 0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps!r}")
    if not training and eps < 0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps!r}")
    params = (weight, bias, running_mean, running_var)
    weight, bias, mean, var = _mixed_dtype_check(input, *params)
    if training or running_mean is None or running_var is None:
        out = apply(
            "NativeBatchNormBackward0",
            _in_float32_if_mixed(
                lambda x, w, b: fF.batch_norm(x, None, w, b, training=True, eps=eps)[0],
                input,
                params,
            ),
            input,
            weight,
            bias,
        )
        if training and running_mean is not None:
            _update_running(input._s.array, running_mean, running_var, momentum)
        return out
    return apply(
        "NativeBatchNormBackward0",
        _in_float32_if_mixed(
            lambda x, w, b, m, v: fF.batch_norm(
                x, BatchNormState(m, v, None), w, b, training=False, eps=eps
            )[0],
            input,
            params,
        ),
        input,
        weight,
        bias,
        mean,
        var,
    )


def _update_running(x, running_mean, running_var, momentum):
    axes = (0,) + tuple(range(2, x.ndim))
    x64 = x.astype(np.float64)
    with no_grad():
        m = running_mean._s.array.astype(np.float64)
        running_mean._assign((1 - momentum) * m + momentum * x64.mean(axis=axes))
        if running_var is not None:
            v = running_var._s.array.astype(np.float64)
            running_var._assign((1 - momentum) * v + momentum * x64.var(axis=axes, ddof=1))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalise over the trailing ``normalized_shape`` axes (biased variance).

    Example:
        >>> import compat as torch
        >>> import compat.nn.functional as F
        >>> F.layer_norm(torch.tensor([[1.0, 3.0]]), (2,), eps=0.0)
        tensor([[-1.,  1.]])
    """
    require_tensor(input, "layer_norm")
    ns = (
        (int(normalized_shape),)
        if isinstance(normalized_shape, (int, np.integer))
        else (tuple(int(n) for n in normalized_shape))
    )
    if tuple(input.shape[input.ndim - len(ns) :]) != ns or input.ndim < len(ns):
        raise RuntimeError(
            f"Given normalized_shape={list(ns)}, expected input with shape "
            f"[*, {', '.join(map(str, ns))}], but got input of size{list(input.shape)}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != ns:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(t.shape)} and normalized_shape = {list(ns)}"
            )
    params = (weight, bias)
    weight, bias = _mixed_dtype_check(input, *params)
    return apply(
        "NativeLayerNormBackward0",
        _in_float32_if_mixed(lambda x, w, b: fF.layer_norm(x, ns, w, b, eps), input, params),
        input,
        weight,
        bias,
    )
