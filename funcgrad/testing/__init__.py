"""funcgrad.testing: check gradients numerically, compare pytrees, generate test inputs.

``check_grads`` and ``assert_trees_allclose`` need numpy only;
``funcgrad.testing.strategies`` needs hypothesis (the ``test`` extra).
"""

from funcgrad.testing._check import (
    assert_trees_allclose as assert_trees_allclose,
    check_grads as check_grads,
    check_jvp as check_jvp,
    check_vjp as check_vjp,
)

__all__ = ["assert_trees_allclose", "check_grads", "check_jvp", "check_vjp", "strategies"]


def __getattr__(name):
    if name == "strategies":  # imported on first use: it needs hypothesis
        import importlib

        return importlib.import_module("funcgrad.testing.strategies")
    raise AttributeError(f"module 'funcgrad.testing' has no attribute {name!r}")
