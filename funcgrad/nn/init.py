"""funcgrad.nn.init: initialisers, pure functions of a key and a shape (torch.nn.init's formulas).

Each returns a new read-only array; nothing is modified in place.

>>> from funcgrad import random
>>> from funcgrad.nn import init
>>> w = init.xavier_uniform(random.key(0), (4, 6))
>>> w.shape, bool(abs(w).max() <= (6 / 10) ** 0.5)
((4, 6), True)
"""

from funcgrad.nn._init import (
    calculate_gain as calculate_gain,
    constant as constant,
    fans as fans,
    kaiming_normal as kaiming_normal,
    kaiming_uniform as kaiming_uniform,
    normal as normal,
    ones as ones,
    uniform as uniform,
    xavier_normal as xavier_normal,
    xavier_uniform as xavier_uniform,
    zeros as zeros,
)

__all__ = [
    "calculate_gain",
    "constant",
    "fans",
    "kaiming_normal",
    "kaiming_uniform",
    "normal",
    "ones",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]
