"""Functions without a derivative: comparisons, tests, index-valued and creation functions.

They are registered, as such, so that calling them on traced values is allowed and
says what happens: they read the concrete values and return plain arrays, which are
constants to every transform (their gradient is zero).
"""

from __future__ import annotations

import numpy as np

from funcgrad._primitive import defop

# Comparisons and logic.
equal = defop(np.equal, nondiff=True)
not_equal = defop(np.not_equal, nondiff=True)
less = defop(np.less, nondiff=True)
less_equal = defop(np.less_equal, nondiff=True)
greater = defop(np.greater, nondiff=True)
greater_equal = defop(np.greater_equal, nondiff=True)
logical_and = defop(np.logical_and, nondiff=True)
logical_or = defop(np.logical_or, nondiff=True)
logical_not = defop(np.logical_not, nondiff=True)
logical_xor = defop(np.logical_xor, nondiff=True)
isfinite = defop(np.isfinite, nondiff=True)
isnan = defop(np.isnan, nondiff=True)
isinf = defop(np.isinf, nondiff=True)
allclose = defop(np.allclose, nondiff=True)
array_equal = defop(np.array_equal, nondiff=True)
any = defop(np.any, nondiff=True)  # noqa: A001
all = defop(np.all, nondiff=True)  # noqa: A001

# Piecewise-constant functions: zero gradient almost everywhere (and none is defined at
# the jumps), so they return constants, as in JAX.
sign = defop(np.sign, nondiff=True)
heaviside = defop(np.heaviside, nondiff=True)
floor = defop(np.floor, nondiff=True)
ceil = defop(np.ceil, nondiff=True)
trunc = defop(np.trunc, nondiff=True)
rint = defop(np.rint, nondiff=True)
round = defop(np.round, nondiff=True)  # noqa: A001
around = round

# Index-valued functions.
argmax = defop(np.argmax, nondiff=True)
argmin = defop(np.argmin, nondiff=True)
nonzero = defop(np.nonzero, nondiff=True)

# Shape queries.
shape = defop(np.shape, nondiff=True)
ndim = defop(np.ndim, nondiff=True)
size = defop(np.size, nondiff=True)

# Creation: new arrays whose values do not depend on any argument's values.
zeros_like = defop(np.zeros_like, nondiff=True)
ones_like = defop(np.ones_like, nondiff=True)
full_like = defop(np.full_like, nondiff=True)
empty_like = defop(np.empty_like, nondiff=True)
zeros = defop(np.zeros, nondiff=True)
ones = defop(np.ones, nondiff=True)
full = defop(np.full, nondiff=True)
empty = defop(np.empty, nondiff=True)
eye = defop(np.eye, nondiff=True)
identity = defop(np.identity, nondiff=True)
arange = defop(np.arange, nondiff=True)
linspace = defop(np.linspace, nondiff=True)
