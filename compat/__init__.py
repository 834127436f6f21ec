"""compat: PyTorch's API on funcgrad, for running PyTorch scripts with numpy alone.

``import compat as torch`` (and ``compat.nn as nn``, ``compat.nn.functional as F``,
``compat.optim``, ``compat.utils.data``) and a PyTorch training script runs unchanged,
printing the numbers PyTorch prints. Tensors are mutable handles; ops are recorded on a
funcgrad :class:`~funcgrad.Tape`, and ``backward()`` asks it for the gradients without
running the forward pass again.

>>> import compat as torch
>>> x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> y = (x ** 2).sum()
>>> y.backward()
>>> x.grad
tensor([2., 4., 6.])
"""

from __future__ import annotations

import importlib

from compat import _methods, autograd as autograd, cuda as cuda
from compat._cast import clone as clone
from compat._compare import (
    allclose as allclose,
    bitwise_and as bitwise_and,
    bitwise_not as bitwise_not,
    bitwise_or as bitwise_or,
    bitwise_xor as bitwise_xor,
    eq as eq,
    equal as equal,
    ge as ge,
    greater as greater,
    greater_equal as greater_equal,
    gt as gt,
    isclose as isclose,
    isfinite as isfinite,
    isinf as isinf,
    isnan as isnan,
    le as le,
    less as less,
    less_equal as less_equal,
    logical_and as logical_and,
    logical_not as logical_not,
    logical_or as logical_or,
    logical_xor as logical_xor,
    lt as lt,
    ne as ne,
    not_equal as not_equal,
    signbit as signbit,
)
from compat._creation import (
    as_tensor as as_tensor,
    from_numpy as from_numpy,
    is_tensor as is_tensor,
    numel as numel,
    tensor as tensor,
)
from compat._dtypes import (
    bool as bool,  # noqa: A004
    cdouble as cdouble,
    cfloat as cfloat,
    complex64 as complex64,
    complex128 as complex128,
    double as double,
    dtype as dtype,
    finfo as finfo,
    float as float,  # noqa: A004
    float16 as float16,
    float32 as float32,
    float64 as float64,
    get_default_dtype as get_default_dtype,
    half as half,
    iinfo as iinfo,
    int as int,  # noqa: A004
    int8 as int8,
    int16 as int16,
    int32 as int32,
    int64 as int64,
    long as long,
    set_default_dtype as set_default_dtype,
    short as short,
    uint8 as uint8,
)
from compat._filled import (
    arange as arange,
    empty as empty,
    empty_like as empty_like,
    eye as eye,
    full as full,
    full_like as full_like,
    linspace as linspace,
    logspace as logspace,
    ones as ones,
    ones_like as ones_like,
    zeros as zeros,
    zeros_like as zeros_like,
)
from compat._grad_mode import (
    enable_grad as enable_grad,
    inference_mode as inference_mode,
    is_grad_enabled as is_grad_enabled,
    no_grad as no_grad,
    set_grad_enabled as set_grad_enabled,
)
from compat._index import (
    argwhere as argwhere,
    gather as gather,
    index_fill as index_fill,
    index_select as index_select,
    masked_fill as masked_fill,
    masked_select as masked_select,
    nonzero as nonzero,
    scatter as scatter,
    scatter_add as scatter_add,
    take as take,
)
from compat._inplace import addcdiv as addcdiv, addcmul as addcmul
from compat._joins import (
    cat as cat,
    chunk as chunk,
    concat as concat,
    concatenate as concatenate,
    diff as diff,
    hstack as hstack,
    meshgrid as meshgrid,
    split as split,
    stack as stack,
    tensor_split as tensor_split,
    unbind as unbind,
    vstack as vstack,
)
from compat._linalg import (
    addmm as addmm,
    bmm as bmm,
    cross as cross,
    det as det,
    dot as dot,
    einsum as einsum,
    inner as inner,
    inverse as inverse,
    matmul as matmul,
    mm as mm,
    mv as mv,
    outer as outer,
    tensordot as tensordot,
)
from compat._math import (
    add as add,
    arctan2 as arctan2,
    atan2 as atan2,
    div as div,
    float_power as float_power,
    floor_divide as floor_divide,
    fmax as fmax,
    fmin as fmin,
    fmod as fmod,
    hypot as hypot,
    lerp as lerp,
    logaddexp as logaddexp,
    maximum as maximum,
    minimum as minimum,
    mul as mul,
    neg as neg,
    negative as negative,
    pow as pow,  # noqa: A004
    remainder as remainder,
    rsub as rsub,
    sub as sub,
    where as where,
)
from compat._methods import log_softmax as log_softmax, softmax as softmax
from compat._order_stats import (
    amax as amax,
    amin as amin,
    aminmax as aminmax,
    argmax as argmax,
    argmin as argmin,
    argsort as argsort,
    max as max,  # noqa: A004
    median as median,
    min as min,  # noqa: A004
    sort as sort,
    topk as topk,
    unique as unique,
)
from compat._random import (
    Generator as Generator,
    default_generator as default_generator,
    get_rng_state as get_rng_state,
    initial_seed as initial_seed,
    manual_seed as manual_seed,
    seed as seed,
    set_rng_state as set_rng_state,
)
from compat._random_tensors import (
    normal as normal,
    rand as rand,
    rand_like as rand_like,
    randint as randint,
    randint_like as randint_like,
    randn as randn,
    randn_like as randn_like,
    randperm as randperm,
)
from compat._reduce import (
    all as all,  # noqa: A004
    any as any,  # noqa: A004
    bincount as bincount,
    count_nonzero as count_nonzero,
    cumprod as cumprod,
    cumsum as cumsum,
    logsumexp as logsumexp,
    mean as mean,
    nanmean as nanmean,
    nansum as nansum,
    norm as norm,
    prod as prod,
    std as std,
    std_mean as std_mean,
    sum as sum,  # noqa: A004
    var as var,
    var_mean as var_mean,
)
from compat._shape import (
    broadcast_to as broadcast_to,
    diag as diag,
    diagonal as diagonal,
    flatten as flatten,
    flip as flip,
    movedim as movedim,
    narrow as narrow,
    permute as permute,
    ravel as ravel,
    repeat_interleave as repeat_interleave,
    reshape as reshape,
    roll as roll,
    squeeze as squeeze,
    swapaxes as swapaxes,
    t as t,
    tile as tile,
    trace as trace,
    transpose as transpose,
    tril as tril,
    triu as triu,
    unflatten as unflatten,
    unsqueeze as unsqueeze,
)
from compat._tensor import Tensor as Tensor
from compat._tensor_types import Size as Size, device as device
from compat._unary_ops import (
    abs as abs,  # noqa: A004
    absolute as absolute,
    acos as acos,
    acosh as acosh,
    arccos as arccos,
    arcsin as arcsin,
    arctan as arctan,
    asin as asin,
    asinh as asinh,
    atan as atan,
    atanh as atanh,
    ceil as ceil,
    clamp as clamp,
    clamp_max as clamp_max,
    clamp_min as clamp_min,
    clip as clip,
    cos as cos,
    cosh as cosh,
    digamma as digamma,
    erf as erf,
    erfc as erfc,
    exp as exp,
    exp2 as exp2,
    expm1 as expm1,
    fix as fix,
    floor as floor,
    frac as frac,
    lgamma as lgamma,
    log as log,
    log1p as log1p,
    log2 as log2,
    log10 as log10,
    nan_to_num as nan_to_num,
    positive as positive,
    reciprocal as reciprocal,
    relu as relu,
    round as round,  # noqa: A004
    rsqrt as rsqrt,
    sgn as sgn,
    sigmoid as sigmoid,
    sign as sign,
    sin as sin,
    sinh as sinh,
    sqrt as sqrt,
    square as square,
    tan as tan,
    tanh as tanh,
    trunc as trunc,
)

_methods.install()

divide = true_divide = div
multiply = mul
subtract = sub

__version__ = "2.13.0+compat"

#: Names loaded on first use (their modules import this package).
_LAZY = {
    "nn": "compat.nn",
    "optim": "compat.optim",
    "utils": "compat.utils",
}


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        globals()[name] = module
        return module
    if name in ("save", "load"):
        from compat import _serialization

        fn = getattr(_serialization, name)
        globals()[name] = fn
        return fn
    raise AttributeError(f"module 'compat' has no attribute '{name}'")


def is_floating_point(input) -> bool:  # noqa: A002
    """Whether a tensor's dtype is floating point.

    Example:
        >>> import compat as torch
        >>> torch.is_floating_point(torch.tensor([1.0])), torch.is_floating_point(torch.tensor([1]))
        (True, False)
    """
    return input.is_floating_point()


def is_complex(input) -> bool:  # noqa: A002
    """Whether a tensor's dtype is complex.

    Example:
        >>> import compat as torch
        >>> torch.is_complex(torch.tensor([1.0]))
        False
    """
    return input.is_complex()


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
) -> None:
    """Accepted for compatibility; compat prints with PyTorch's defaults.

    Example:
        >>> import compat as torch
        >>> torch.set_printoptions(precision=4)
        >>> torch.tensor([1 / 3])
        tensor([0.3333])
    """


def get_num_threads() -> int:
    """1 (numpy's BLAS decides its own threading).

    Example:
        >>> import compat as torch
        >>> torch.get_num_threads() >= 1
        True
    """
    return 1


def set_num_threads(n) -> None:
    """Accepted for compatibility.

    Example:
        >>> import compat as torch
        >>> torch.set_num_threads(1)
    """


_TYPED_DOC = """The legacy ``torch.{name}``: a ``{dtype}`` tensor of data, or of a shape.

Example:
    >>> import compat as torch
    >>> torch.{name}({example})
    {result}
    >>> torch.{name}(2, 3).shape
    torch.Size([2, 3])
"""


def _typed(dt, name, example, result):
    def make(*data):
        from compat._creation import _tensor_constructor

        arr = _tensor_constructor(data, dt.np)
        from compat._tensor import wrap

        return wrap(arr)

    make.__doc__ = _TYPED_DOC.format(name=name, dtype=dt, example=example, result=result)
    return make


FloatTensor = _typed(float32, "FloatTensor", "[1, 2]", "tensor([1., 2.])")
DoubleTensor = _typed(float64, "DoubleTensor", "[1, 2]", "tensor([1., 2.], dtype=torch.float64)")
LongTensor = _typed(int64, "LongTensor", "[1, 2]", "tensor([1, 2])")
IntTensor = _typed(int32, "IntTensor", "[1, 2]", "tensor([1, 2], dtype=torch.int32)")
BoolTensor = _typed(bool, "BoolTensor", "[0, 1]", "tensor([False,  True])")
ByteTensor = _typed(uint8, "ByteTensor", "[1, 255]", "tensor([  1, 255], dtype=torch.uint8)")
