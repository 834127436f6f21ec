"""Make traced values behave like ndarrays: operators, methods, numpy dispatch."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import _core
from funcgrad._core import Traced
from funcgrad._primitive import operator_methods


def _reshape_method(self, *shape, **kwargs):
    if "shape" in kwargs:
        shape = kwargs.pop("shape")
    elif len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = shape[0]
    if kwargs:
        raise TypeError(f"reshape() got unexpected keyword arguments {sorted(kwargs)}")
    return fnp.reshape(self, tuple(shape) if not isinstance(shape, int) else (shape,))


def _transpose_method(self, *axes):
    if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
        axes = axes[0]
    return fnp.transpose(self, tuple(axes) if axes else None)


TOLIST_ON_TRACED = (
    "tolist() of a traced value (traced by {trace}) would drop its gradient. Keep "
    "computing with funcgrad.numpy functions; if you want the numbers without their "
    "gradient (for logging), use funcgrad.stop_gradient(x) and convert that."
)

IN_PLACE_ON_TRACED = (
    "{name}() sorts a numpy array in place; traced values cannot change. Use the "
    "function, which returns a new array: y = funcgrad.numpy.{name}(x)."
)


def _tolist(self):
    raise TypeError(TOLIST_ON_TRACED.format(trace=self._trace.name))


def _in_place(name):
    def method(self, *args, **kwargs):
        raise TypeError(IN_PLACE_ON_TRACED.format(name=name))

    method.__name__ = name
    return method


def install(fnp) -> None:
    """Attach operators and methods to Traced, and fill numpy's dispatch table."""
    binary = {
        "add": fnp.add,
        "sub": fnp.subtract,
        "mul": fnp.multiply,
        "truediv": fnp.divide,
        "pow": fnp.power,
        "matmul": fnp.matmul,
    }
    for name, fn in binary.items():
        method, rmethod = operator_methods(fn)
        setattr(Traced, f"__{name}__", method)
        setattr(Traced, f"__r{name}__", rmethod)
    compare = {
        "lt": fnp.less,
        "le": fnp.less_equal,
        "gt": fnp.greater,
        "ge": fnp.greater_equal,
        "eq": fnp.equal,
        "ne": fnp.not_equal,
    }
    for name, fn in compare.items():
        setattr(Traced, f"__{name}__", fn)
    Traced.__neg__ = fnp.negative
    Traced.__pos__ = fnp.positive
    Traced.__abs__ = fnp.abs
    Traced.__getitem__ = fnp.getitem

    methods = {
        "var": fnp.var,
        "std": fnp.std,
        "cumsum": fnp.cumsum,
        "cumprod": fnp.cumprod,
        "round": fnp.round,
        "conj": fnp.conj,
        "conjugate": fnp.conj,
        "sum": fnp.sum,
        "mean": fnp.mean,
        "prod": fnp.prod,
        "max": fnp.max,
        "min": fnp.min,
        "ravel": fnp.ravel,
        "flatten": fnp.ravel,
        "squeeze": fnp.squeeze,
        "swapaxes": fnp.swapaxes,
        "dot": fnp.dot,
        "astype": fnp.astype,
        "clip": fnp.clip,
        "argmax": fnp.argmax,
        "argmin": fnp.argmin,
        "any": fnp.any,
        "all": fnp.all,
        "copy": fnp.copy,
        "take": fnp.take,
        "repeat": fnp.repeat,
        "diagonal": fnp.diagonal,
        "trace": fnp.trace,
        "argsort": fnp.argsort,
        "argpartition": fnp.argpartition,
        "searchsorted": fnp.searchsorted,
    }
    for name, fn in methods.items():
        setattr(Traced, name, fn)
    Traced.reshape = _reshape_method
    Traced.transpose = _transpose_method
    Traced.T = property(lambda self: fnp.transpose(self))
    Traced.real = property(lambda self: fnp.real(self))
    Traced.imag = property(lambda self: fnp.imag(self))
    Traced.item = lambda self, *args: float(self)  # refuses, with the float() message
    Traced.tolist = _tolist
    Traced.sort = _in_place("sort")
    Traced.partition = _in_place("partition")
    Traced.at = property(fnp.at, doc="Functional updates: ``x.at[index].set(v)`` (see ``at``).")

    # numpy functions and ufuncs called on traced values land here.
    for public in fnp.__all__:
        fn = getattr(fnp, public)
        target = getattr(np, public, None)
        if callable(fn) and callable(target) and not isinstance(target, type):
            _core.NUMPY_DISPATCH[target] = fn
    _core.NUMPY_DISPATCH[np.true_divide] = fnp.divide
    _core.NUMPY_DISPATCH[np.abs] = fnp.abs
