"""Argument checks shared by compat.nn.functional: tensor arguments, dtypes, in-place
results, size tuples and the ``reduction`` argument of losses, with PyTorch's messages."""

from __future__ import annotations

import warnings

import numpy as np

from compat import _dtypes, _inplace
from compat._tensor import Tensor


def require_tensor(x, fname: str, arg: str = "input", position: int = 1) -> None:
    """PyTorch's TypeError when a functional op gets something else than a tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fname}(): argument '{arg}' (position {position}) must be Tensor, not "
            f"{type(x).__name__}"
        )


def scalar_name(t) -> str:
    """The scalar type name PyTorch prints ("Float", "Long") of a tensor or numpy dtype."""
    dt = t._s.array.dtype if isinstance(t, Tensor) else np.dtype(t)
    return _dtypes.SCALAR_NAME[_dtypes.from_numpy(dt)]


def float_only(x: Tensor, kernel: str) -> None:
    """The NotImplementedError PyTorch's float-only kernels raise for other dtypes."""
    if x._s.array.dtype.kind not in "fc":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_name(x)}'")


def finish(input: Tensor, result: Tensor, inplace: bool) -> Tensor:
    """``result`` itself, or (``inplace``) ``input`` updated to it, as ``relu_`` does."""
    if not inplace:
        return result
    return _inplace.commit(input, result)


def check_inplace(input: Tensor, inplace: bool) -> None:
    """Refuse an in-place op on a leaf that requires grad (before computing anything)."""
    if inplace:
        _inplace.check_inplace(input)


def ntuple(value, n: int, name: str, who: str) -> tuple:
    """An int or a sequence of 1 or ``n`` ints as an ``n``-tuple of ints."""
    if isinstance(value, Tensor):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return (int(value[0]),) * n
        if len(value) == n:
            return tuple(int(v) for v in value)
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match "
            f"the {who} dimensions, but got {name}={list(value)}"
        )
    return (int(value),) * n


# --- the reduction argument of losses ---------------------------------------------------


def legacy_reduction(size_average, reduce) -> str:
    """The ``reduction`` that the deprecated ``size_average``/``reduce`` pair stands for."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
        UserWarning,
        stacklevel=3,
    )
    return ret


def reduction_arg(size_average, reduce, reduction: str) -> str:
    """``reduction``, or what the legacy arguments ask for when either is given."""
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce)
    return reduction


def check_reduction(reduction) -> str:
    """'none', 'mean' or 'sum' ('elementwise_mean' is an old, warned-about 'mean')."""
    if reduction in ("none", "mean", "sum"):
        return reduction
    if reduction == "elementwise_mean":
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
            UserWarning,
            stacklevel=3,
        )
        return "mean"
    raise ValueError(f"{reduction} is not a valid value for reduction")
