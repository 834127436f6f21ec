"""funcgrad: derivatives of ordinary Python/numpy functions.

Write a function with ``import funcgrad.numpy as fnp``; transform it with
:func:`grad`, :func:`value_and_grad`, :func:`vjp`, :func:`jvp`, :func:`jacrev`,
:func:`jacfwd`, :func:`hessian` or :func:`hvp`. Derivatives come from a trace
recorded while the function runs, so Python control flow works, and transforms nest.

>>> import funcgrad as fg, funcgrad.numpy as fnp
>>> float(fg.grad(lambda x: fnp.sin(x) ** 2)(0.5))  # 2 sin(x) cos(x)
0.8414709848078965
"""

from funcgrad import (
    data as data,
    io as io,
    nn as nn,
    numpy as numpy,
    optim as optim,
    random as random,
    scipy as scipy,
    tree as tree,
)
from funcgrad._core import UnexpectedTracerError as UnexpectedTracerError
from funcgrad._custom import (
    checkpoint as checkpoint,
    custom_jvp as custom_jvp,
    custom_vjp as custom_vjp,
)
from funcgrad._errors import RuleError as RuleError
from funcgrad._jacobian import (
    hessian as hessian,
    hvp as hvp,
    jacfwd as jacfwd,
    jacrev as jacrev,
    jvp as jvp,
    linearize as linearize,
)
from funcgrad._tape import Tape as Tape
from funcgrad._transforms import (
    grad as grad,
    stop_gradient as stop_gradient,
    value_and_grad as value_and_grad,
    vjp as vjp,
)

__version__ = "0.1.0"

__all__ = [
    "Tape",
    "RuleError",
    "UnexpectedTracerError",
    "checkpoint",
    "custom_jvp",
    "custom_vjp",
    "data",
    "grad",
    "hessian",
    "hvp",
    "io",
    "jacfwd",
    "jacrev",
    "jvp",
    "linearize",
    "nn",
    "numpy",
    "optim",
    "random",
    "scipy",
    "stop_gradient",
    "tree",
    "value_and_grad",
    "vjp",
]
