"""For people adding ops: declare a primitive once, with its rules.

>>> import numpy as np, funcgrad as fg
>>> from funcgrad.extend import defop
>>> softplus = defop(lambda x: np.logaddexp(0.0, x), name="softplus_example",
...                  vjp=lambda g, ans, x: g / (1 + fg.numpy.exp(-x)))
>>> float(fg.grad(softplus)(0.0))
0.5
"""

from funcgrad._core import (
    LINEAR as LINEAR,
    ZERO as ZERO,
    ShapeDtype as ShapeDtype,
    concrete as concrete,
    is_traced as is_traced,
)
from funcgrad._primitive import (
    ABOVE_ONE as ABOVE_ONE,
    DIVISOR as DIVISOR,
    NONZERO as NONZERO,
    OPEN_UNIT as OPEN_UNIT,
    POSITIVE as POSITIVE,
    REAL as REAL,
    UNIT as UNIT,
    WELL_CONDITIONED as WELL_CONDITIONED,
    Primitive as Primitive,
    defop as defop,
    primitive_of as primitive_of,
    registry as registry,
)
from funcgrad.numpy._util import unbroadcast as unbroadcast

__all__ = [
    "ABOVE_ONE",
    "LINEAR",
    "DIVISOR",
    "NONZERO",
    "OPEN_UNIT",
    "POSITIVE",
    "Primitive",
    "REAL",
    "ShapeDtype",
    "UNIT",
    "WELL_CONDITIONED",
    "ZERO",
    "concrete",
    "defop",
    "is_traced",
    "primitive_of",
    "registry",
    "unbroadcast",
]
