"""Tensor's operators and methods, attached from the functions that implement them.

``torch.exp(x)`` and ``x.exp()`` are the same function here; in-place variants
(``x.exp_()``) are made from the out-of-place ones by ``_inplace.inplace``.
"""

from __future__ import annotations

import funcgrad.nn.functional as fF
from compat import (
    _cast,
    _compare,
    _dtypes,
    _index,
    _inplace,
    _joins,
    _linalg,
    _math,
    _order_stats,
    _reduce,
    _shape,
    _unary_ops,
)
from compat._autograd import apply
from compat._tensor import Tensor


def _swap(fn):
    def op(self, other):
        return fn(other, self)

    return op


def _softmax_dim(dim, ndim):
    if dim is None:
        import warnings

        warnings.warn(
            "Implicit dimension choice for softmax has been deprecated. Change the call to "
            "include dim=X as an argument.",
            UserWarning,
            stacklevel=3,
        )
        return 0 if ndim in (0, 1, 3) else 1
    return dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """Softmax along ``dim``.

    Example:
        >>> import compat as torch
        >>> torch.softmax(torch.tensor([[1.0, 1.0], [0.0, 2.0]]), dim=1)
        tensor([[0.5000, 0.5000],
                [0.1192, 0.8808]])
    """
    if dtype is not None:
        input = input.to(dtype)
    d = _softmax_dim(dim, input.ndim)
    return apply(
        "SoftmaxBackward0", lambda v: fF.softmax(v, axis=d), input, saves=(), saves_out=True
    )


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """Log-softmax along ``dim`` (stable).

    Example:
        >>> import compat as torch
        >>> torch.log_softmax(torch.tensor([0.0, 1.0]), dim=0)
        tensor([-1.3133, -0.3133])
    """
    if dtype is not None:
        input = input.to(dtype)
    d = _softmax_dim(dim, input.ndim)
    return apply(
        "LogSoftmaxBackward0",
        lambda v: fF.log_softmax(v, axis=d),
        input,
        saves=(),
        saves_out=True,
    )


def _dim_required(fn):
    def method(self, dim=_MISSING, dtype=None):
        if dim is _MISSING:
            raise TypeError(f'{fn.__name__}() missing 1 required positional arguments: "dim"')
        return fn(self, dim, dtype=dtype)

    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


_MISSING = object()


def _invert(self):
    if self._s.array.dtype.kind not in "biu":
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return _compare.bitwise_not(self)


def masked_fill_(self, mask, value):
    """``masked_fill`` in place."""
    _inplace.check_inplace(self)
    return _inplace.commit(self, _index.masked_fill(self, mask, value))


def where_method(self, condition, y):
    """``torch.where(condition, self, y)``."""
    return _math.where(condition, self, y)


def sum_to_size(self, *size):
    """Sum broadcast dimensions away to reach ``size``."""
    size = _shape._shape_arg(size)
    lead = self.ndim - len(size)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(size) if s == 1 and self.shape[lead + i] != 1
    )
    out = _reduce.sum(self, axes, keepdim=True) if axes else self
    return _shape.reshape(out, size)


def _T(self):  # noqa: N802
    if self.ndim != 2 and self.ndim > 0:
        import warnings

        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
            "to reverse the dimensions of a tensor.",
            UserWarning,
            stacklevel=2,
        )
    return _shape.permute(self, *reversed(range(self.ndim)))


def _mT(self):  # noqa: N802
    if self.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."
        )
    return _shape.transpose(self, -2, -1)


def _real(self):
    import funcgrad.numpy as fnp

    return apply("RealBackward0", fnp.real, self, saves=())


def _imag(self):
    import funcgrad.numpy as fnp

    return apply("ImagBackward0", fnp.imag, self, saves=())


# fmt: off
METHODS = {
    # arithmetic
    "add": _math.add, "sub": _math.sub, "subtract": _math.sub, "mul": _math.mul,
    "multiply": _math.mul, "div": _math.div, "divide": _math.div, "true_divide": _math.div,
    "floor_divide": _math.floor_divide, "remainder": _math.remainder, "fmod": _math.fmod,
    "pow": _math.pow, "float_power": _math.float_power, "neg": _math.neg, "negative": _math.neg,
    "atan2": _math.atan2, "arctan2": _math.atan2, "maximum": _math.maximum,
    "minimum": _math.minimum, "fmax": _math.fmax, "fmin": _math.fmin, "hypot": _math.hypot,
    "logaddexp": _math.logaddexp, "clamp": _unary_ops.clamp, "clip": _unary_ops.clamp,
    "clamp_min": _unary_ops.clamp_min, "clamp_max": _unary_ops.clamp_max, "lerp": _math.lerp,
    "nan_to_num": _unary_ops.nan_to_num, "addcmul": _inplace.addcmul, "addcdiv": _inplace.addcdiv,
    # comparisons and logic
    "eq": _compare.eq, "ne": _compare.ne, "lt": _compare.lt, "le": _compare.le, "gt": _compare.gt,
    "ge": _compare.ge, "greater": _compare.gt, "greater_equal": _compare.ge, "less": _compare.lt,
    "less_equal": _compare.le, "not_equal": _compare.ne, "logical_and": _compare.logical_and,
    "logical_or": _compare.logical_or, "logical_xor": _compare.logical_xor,
    "logical_not": _compare.logical_not, "bitwise_and": _compare.bitwise_and,
    "bitwise_or": _compare.bitwise_or, "bitwise_xor": _compare.bitwise_xor,
    "bitwise_not": _compare.bitwise_not, "isnan": _compare.isnan, "isinf": _compare.isinf,
    "isfinite": _compare.isfinite, "signbit": _compare.signbit, "equal": _compare.equal,
    "allclose": _compare.allclose, "isclose": _compare.isclose,
    # reductions
    "sum": _reduce.sum, "nansum": _reduce.nansum, "mean": _reduce.mean, "nanmean": _reduce.nanmean,
    "prod": _reduce.prod, "std": _reduce.std, "var": _reduce.var, "norm": _reduce.norm,
    "max": _order_stats.max, "min": _order_stats.min, "amax": _order_stats.amax,
    "amin": _order_stats.amin, "aminmax": _order_stats.aminmax, "argmax": _order_stats.argmax,
    "argmin": _order_stats.argmin, "logsumexp": _reduce.logsumexp, "cumsum": _reduce.cumsum,
    "cumprod": _reduce.cumprod, "all": _reduce.all, "any": _reduce.any,
    "count_nonzero": _reduce.count_nonzero, "sort": _order_stats.sort,
    "argsort": _order_stats.argsort, "topk": _order_stats.topk, "median": _order_stats.median,
    # shapes
    "view": _shape.view, "reshape": _shape.reshape, "view_as": _shape.view_as,
    "reshape_as": _shape.reshape_as, "flatten": _shape.flatten, "unflatten": _shape.unflatten,
    "ravel": _shape.ravel, "permute": _shape.permute, "transpose": _shape.transpose,
    "swapaxes": _shape.transpose, "swapdims": _shape.transpose, "t": _shape.t,
    "movedim": _shape.movedim, "moveaxis": _shape.movedim, "unsqueeze": _shape.unsqueeze,
    "squeeze": _shape.squeeze, "expand": _shape.expand, "expand_as": _shape.expand_as,
    "broadcast_to": _shape.broadcast_to, "repeat": _shape.repeat, "tile": _shape.tile,
    "repeat_interleave": _shape.repeat_interleave, "flip": _shape.flip, "roll": _shape.roll,
    "narrow": _shape.narrow, "tril": _shape.tril, "triu": _shape.triu, "diag": _shape.diag,
    "diagonal": _shape.diagonal, "trace": _shape.trace, "split": _joins.split,
    "chunk": _joins.chunk, "tensor_split": _joins.tensor_split, "unbind": _joins.unbind,
    "index_select": _index.index_select, "gather": _index.gather, "take": _index.take,
    "masked_fill": _index.masked_fill, "masked_select": _index.masked_select,
    "nonzero": _index.nonzero, "argwhere": _index.argwhere, "scatter": _index.scatter,
    "scatter_add": _index.scatter_add, "index_add": _index.index_add,
    # products
    "matmul": _linalg.matmul, "mm": _linalg.mm, "bmm": _linalg.bmm, "mv": _linalg.mv,
    "dot": _linalg.dot, "inner": _linalg.inner, "outer": _linalg.outer, "ger": _linalg.outer,
    "addmm": _linalg.addmm, "cross": _linalg.cross,
    # activations
    "softmax": _dim_required(softmax), "log_softmax": _dim_required(log_softmax),
    # copies, conversion
    "clone": _cast.clone, "contiguous": _cast.contiguous, "is_contiguous": _cast.is_contiguous,
    "to": _cast.to, "type": _cast.type_, "type_as": _cast.type_as, "cpu": _cast.cpu,
    "cuda": _cast.cuda, "float": _cast._converter(_dtypes.float32, "float"),
    "double": _cast._converter(_dtypes.float64, "double"),
    "half": _cast._converter(_dtypes.float16, "half"),
    "long": _cast._converter(_dtypes.int64, "long"), "int": _cast._converter(_dtypes.int32, "int"),
    "short": _cast._converter(_dtypes.int16, "short"),
    "char": _cast._converter(_dtypes.int8, "char"), "byte": _cast._converter(_dtypes.uint8, "byte"),
    "bool": _cast._converter(_dtypes.bool, "bool"), "new_zeros": _cast._new(0),
    "new_ones": _cast._new(1), "new_empty": _cast._new(0), "new_full": _cast.new_full,
    "new_tensor": _cast.new_tensor, "where": where_method, "sum_to_size": sum_to_size,
    # in place
    "zero_": _inplace.zero_, "fill_": _inplace.fill_, "copy_": _inplace.copy_,
    "addcmul_": _inplace.addcmul_, "addcdiv_": _inplace.addcdiv_, "uniform_": _inplace.uniform_,
    "normal_": _inplace.normal_, "bernoulli_": _inplace.bernoulli_, "random_": _inplace.random_,
    "masked_fill_": masked_fill_, "unique": _order_stats.unique, "bincount": _reduce.bincount,
    "diff": _joins.diff, "index_fill": _index.index_fill, "inverse": _linalg.inverse,
    "det": _linalg.det,
}
# fmt: on

for _name in _unary_ops._UNARY:
    METHODS[_name] = getattr(_unary_ops, _name)
METHODS["absolute"] = _unary_ops.absolute
METHODS["arcsin"], METHODS["arccos"], METHODS["arctan"] = (
    _unary_ops.arcsin,
    _unary_ops.arccos,
    _unary_ops.arctan,
)
METHODS["fix"] = _unary_ops.fix
METHODS["positive"] = _unary_ops.positive

_INPLACE = [
    "add",
    "sub",
    "mul",
    "div",
    "true_divide",
    "floor_divide",
    "remainder",
    "fmod",
    "pow",
    "neg",
    "clamp",
    "clip",
    "clamp_min",
    "clamp_max",
    "lerp",
    "nan_to_num",
    "atan2",
    "maximum",
    "minimum",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "index_add",
    "scatter",
    "scatter_add",
    "index_select",
    *_unary_ops._UNARY,
]


def install() -> None:
    """Attach the operators and methods to Tensor (once, at import)."""
    for name, fn in METHODS.items():
        setattr(Tensor, name, fn)
    for name in _INPLACE:
        if name + "_" not in METHODS:
            setattr(Tensor, name + "_", _inplace.inplace(METHODS[name]))
    ops = {
        "__add__": _math.add,
        "__radd__": _swap(_math.add),
        "__sub__": _math.sub,
        "__rsub__": _swap(_math.sub),
        "__mul__": _math.mul,
        "__rmul__": _swap(_math.mul),
        "__truediv__": _math.div,
        "__rtruediv__": _swap(_math.div),
        "__floordiv__": _math.floor_divide,
        "__rfloordiv__": _swap(_math.floor_divide),
        "__mod__": _math.remainder,
        "__rmod__": _swap(_math.remainder),
        "__pow__": _math.pow,
        "__rpow__": _swap(_math.pow),
        "__matmul__": _linalg.matmul,
        "__rmatmul__": _swap(_linalg.matmul),
        "__neg__": _math.neg,
        "__pos__": lambda self: self,
        "__abs__": _unary_ops._UNARY and _unary_ops.abs,
        "__eq__": _compare.eq,
        "__ne__": _compare.ne,
        "__lt__": _compare.lt,
        "__le__": _compare.le,
        "__gt__": _compare.gt,
        "__ge__": _compare.ge,
        "__and__": _compare.bitwise_and,
        "__rand__": _swap(_compare.bitwise_and),
        "__or__": _compare.bitwise_or,
        "__ror__": _swap(_compare.bitwise_or),
        "__xor__": _compare.bitwise_xor,
        "__rxor__": _swap(_compare.bitwise_xor),
        "__invert__": _invert,
        "__getitem__": _index.getitem,
        "__setitem__": _index.setitem,
    }
    for name, fn in ops.items():
        setattr(Tensor, name, fn)
    for op, name in [
        ("__iadd__", "add_"),
        ("__isub__", "sub_"),
        ("__imul__", "mul_"),
        ("__itruediv__", "div_"),
        ("__ifloordiv__", "floor_divide_"),
        ("__imod__", "remainder_"),
        ("__ipow__", "pow_"),
        ("__iand__", "bitwise_and_"),
        ("__ior__", "bitwise_or_"),
        ("__ixor__", "bitwise_xor_"),
    ]:
        setattr(Tensor, op, getattr(Tensor, name))
    Tensor.T = property(_T)
    Tensor.mT = property(_mT)
    Tensor.real = property(_real)
    Tensor.imag = property(_imag)
    Tensor.__hash__ = lambda self: id(self)
