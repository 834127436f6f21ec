"""funcgrad.scipy: differentiable functions from scipy's namespace, with numpy alone.

scipy is not needed (nor imported): the functions are implemented here.

>>> import numpy as np, funcgrad as fg
>>> from funcgrad.scipy import special
>>> fg.grad(special.logsumexp)(np.array([0.0, 0.0]))
array([0.5, 0.5])
"""

from funcgrad.scipy import special as special

__all__ = ["special"]
