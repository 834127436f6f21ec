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
    around as around,
    array_equal as array_equal,
    ceil as ceil,
    empty as empty,
    empty_like as empty_like,
    equal as equal,
    eye as eye,
    floor as floor,
    full as full,
    full_like as full_like,
    greater as greater,
    greater_equal as greater_equal,
    heaviside as heaviside,
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
    rint as rint,
    round as round,
    shape as shape,
    sign as sign,
    size as size,
    trunc as trunc,
    zeros as zeros,
    zeros_like as zeros_like,
)
from funcgrad.numpy._shape import (
    astype as astype,
    broadcast_to as broadcast_to,
    concatenate as concatenate,
    copy as copy,
    expand_dims as expand_dims,
    moveaxis as moveaxis,
    ravel as ravel,
    reshape as reshape,
    rollaxis as rollaxis,
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
    nanmax as nanmax,
    nanmean as nanmean,
    nanmin as nanmin,
    nansum as nansum,
    prod as prod,
    ptp as ptp,
    sum as sum,
)
from funcgrad.numpy._scan import cumprod as cumprod, cumsum as cumsum
from funcgrad.numpy._stats import (
    average as average,
    median as median,
    std as std,
    var as var,
)
from funcgrad.numpy._unary import (
    abs as abs,
    absolute as absolute,
    arccos as arccos,
    arccosh as arccosh,
    arcsin as arcsin,
    arcsinh as arcsinh,
    arctan as arctan,
    arctanh as arctanh,
    cbrt as cbrt,
    cos as cos,
    cosh as cosh,
    deg2rad as deg2rad,
    degrees as degrees,
    exp as exp,
    exp2 as exp2,
    expm1 as expm1,
    fabs as fabs,
    log as log,
    log10 as log10,
    log1p as log1p,
    log2 as log2,
    nan_to_num as nan_to_num,
    negative as negative,
    positive as positive,
    rad2deg as rad2deg,
    radians as radians,
    reciprocal as reciprocal,
    sin as sin,
    sinc as sinc,
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
    float_power as float_power,
    fmax as fmax,
    fmin as fmin,
    fmod as fmod,
    hypot as hypot,
    logaddexp as logaddexp,
    logaddexp2 as logaddexp2,
    maximum as maximum,
    minimum as minimum,
    mod as mod,
    multiply as multiply,
    power as power,
    remainder as remainder,
    subtract as subtract,
    true_divide as true_divide,
    where as where,
)
from funcgrad.numpy._index import (
    getitem as getitem,
    take as take,
    take_along_axis as take_along_axis,
)
from funcgrad.numpy._update import at as at
from funcgrad.numpy._contract import (
    cross as cross,
    dot as dot,
    inner as inner,
    kron as kron,
    matmul as matmul,
    outer as outer,
    tensordot as tensordot,
    vdot as vdot,
)
from funcgrad.numpy._einsum import einsum as einsum
from funcgrad.numpy._join import (
    array_split as array_split,
    atleast_1d as atleast_1d,
    atleast_2d as atleast_2d,
    atleast_3d as atleast_3d,
    column_stack as column_stack,
    dsplit as dsplit,
    dstack as dstack,
    hsplit as hsplit,
    hstack as hstack,
    meshgrid as meshgrid,
    repeat as repeat,
    split as split,
    tile as tile,
    vsplit as vsplit,
    vstack as vstack,
)
from funcgrad.numpy._reorder import (
    flip as flip,
    fliplr as fliplr,
    flipud as flipud,
    roll as roll,
    rot90 as rot90,
)
from funcgrad.numpy._pad import pad as pad
from funcgrad.numpy._diag import (
    diag as diag,
    diagflat as diagflat,
    diagonal as diagonal,
    trace as trace,
    tril as tril,
    triu as triu,
)
from funcgrad.numpy._sort import (
    argpartition as argpartition,
    argsort as argsort,
    partition as partition,
    searchsorted as searchsorted,
    sort as sort,
    top_k as top_k,
    unique as unique,
)
from funcgrad.numpy._creation import array as array, asarray as asarray
from funcgrad.numpy._complex import (
    angle as angle,
    conj as conj,
    conjugate as conjugate,
    imag as imag,
    real as real,
)
from funcgrad.numpy import linalg as linalg, fft as fft

__all__ = [name for name in dir() if not name.startswith("_")]

from funcgrad.numpy import _methods

_methods.install(__import__(__name__, fromlist=["*"]))
del _methods
