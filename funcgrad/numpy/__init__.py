"""funcgrad.numpy: the numpy functions funcgrad can differentiate.

Only functions with differentiation rules (or registered as having none, such as
comparisons) are here, so a missing one is an AttributeError at the call site rather
than a silently lost gradient. Use it as you would numpy::

    import funcgrad.numpy as fnp
    y = fnp.tanh(x @ w + b).sum()
"""

# isort: skip_file  (the order matters: helpers first, methods last)
from numpy import (
    e as e,
    euler_gamma as euler_gamma,
    inf as inf,
    nan as nan,
    newaxis as newaxis,
    pi as pi,
    bool_ as bool_,
    complex64 as complex64,
    complex128 as complex128,
    float16 as float16,
    float32 as float32,
    float64 as float64,
    int8 as int8,
    int16 as int16,
    int32 as int32,
    int64 as int64,
    uint8 as uint8,
    ndarray as ndarray,
    dtype as dtype,
)

from funcgrad.numpy._nondiff import (
    all as all,
    allclose as allclose,
    any as any,
    arange as arange,
    argmax as argmax,
    argmin as argmin,
    array_equal as array_equal,
    empty as empty,
    empty_like as empty_like,
    equal as equal,
    eye as eye,
    full as full,
    full_like as full_like,
    greater as greater,
    greater_equal as greater_equal,
    identity as identity,
    isfinite as isfinite,
    isinf as isinf,
    isnan as isnan,
    less as less,
    less_equal as less_equal,
    linspace as linspace,
    logical_and as logical_and,
    logical_not as logical_not,
    logical_or as logical_or,
    logical_xor as logical_xor,
    ndim as ndim,
    nonzero as nonzero,
    not_equal as not_equal,
    ones as ones,
    ones_like as ones_like,
    shape as shape,
    sign as sign,
    size as size,
    zeros as zeros,
    zeros_like as zeros_like,
)
from funcgrad.numpy._shape import (
    astype as astype,
    broadcast_to as broadcast_to,
    concatenate as concatenate,
    expand_dims as expand_dims,
    ravel as ravel,
    reshape as reshape,
    squeeze as squeeze,
    stack as stack,
    swapaxes as swapaxes,
    transpose as transpose,
)
from funcgrad.numpy._reduce import (
    amax as amax,
    amin as amin,
    max as max,
    mean as mean,
    min as min,
    prod as prod,
    sum as sum,
)
from funcgrad.numpy._unary import (
    abs as abs,
    absolute as absolute,
    arccos as arccos,
    arcsin as arcsin,
    arctan as arctan,
    cos as cos,
    cosh as cosh,
    exp as exp,
    expm1 as expm1,
    log as log,
    log1p as log1p,
    negative as negative,
    positive as positive,
    sin as sin,
    sinh as sinh,
    sqrt as sqrt,
    square as square,
    tan as tan,
    tanh as tanh,
)
from funcgrad.numpy._binary import (
    add as add,
    arctan2 as arctan2,
    clip as clip,
    divide as divide,
    maximum as maximum,
    minimum as minimum,
    multiply as multiply,
    power as power,
    subtract as subtract,
    true_divide as true_divide,
    where as where,
)
from funcgrad.numpy._index import getitem as getitem
from funcgrad.numpy._contract import (
    dot as dot,
    matmul as matmul,
    outer as outer,
    tensordot as tensordot,
)
from funcgrad.numpy._creation import array as array, asarray as asarray
from funcgrad.numpy._complex import (
    angle as angle,
    conj as conj,
    conjugate as conjugate,
    imag as imag,
    real as real,
)

__all__ = [name for name in dir() if not name.startswith("_")]

from funcgrad.numpy import _methods

_methods.install(__import__(__name__, fromlist=["*"]))
del _methods
