"""Property-based tests of your own differentiable function, with hypothesis and funcgrad.testing.

Say you wrote ``log_cosh``, a smooth robust loss, in a form that cannot overflow, and gave
it a derivative rule of your own with ``funcgrad.custom_jvp`` (the stable form has an
``abs`` in it; the rule ``tanh(x)`` is exact and smooth). Is the rule right? Is the loss
you built on it differentiated correctly with respect to your parameters?

``funcgrad.testing.check_grads`` compares the JVP and the VJP, and at order 2 their own
derivatives, with central differences; hypothesis runs it on many inputs drawn by
``funcgrad.testing.strategies`` (values on a grid inside a domain and distinct, so no
tie or kink misleads the finite differences). The properties:

- ``log_cosh``'s derivatives match finite differences, to order 2, in both modes;
- a regression loss built on it has the right gradient and Hessian-vector products
  with respect to a dict of parameters;
- far from zero it is ``|x| - log 2`` with gradient ``sign(x)``, with no overflow, even
  at 1e300.

This file is what a user would write: run it with pytest, or as a script.

Run:  python -m pytest examples/property_test.py
      python examples/property_test.py [-k NAME]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from hypothesis import given, settings, strategies as st

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.testing import check_grads, strategies as fst

# --- the code under test --------------------------------------------------------------


@fg.custom_jvp
def log_cosh(x):
    """``log(cosh(x))`` without overflow: ``|x| + log1p(exp(-2|x|)) - log 2``."""
    a = fnp.abs(x)
    return a + fnp.log1p(fnp.exp(-2.0 * a)) - np.log(2.0)


@log_cosh.defjvp
def _log_cosh_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return log_cosh(x), fnp.tanh(x) * t  # d/dx log cosh x = tanh x


def robust_loss(params, x, y):
    """Mean log-cosh of a linear model's residuals: like Huber's loss, but smooth."""
    return fnp.mean(log_cosh(x @ params["w"] + params["b"] - y))


# --- the properties -------------------------------------------------------------------

# No deadline: a second-order gradient check can take a while on a busy machine.
# (Other settings, such as the number of examples, come from the active profile.)


@settings(deadline=None)
@given(fst.arrays(domain="real"))
def test_log_cosh_derivatives_match_finite_differences(x):
    check_grads(log_cosh, (x,), order=2, modes=("fwd", "rev"))


@st.composite
def regression_problems(draw, features: int = 3):
    """Parameters ``{"w", "b"}`` and a batch ``(x, y)`` of 1 to 8 examples."""
    n = draw(st.integers(1, 8))
    params = {"w": draw(fst.arrays(shape=(features,))), "b": draw(fst.arrays(shape=()))}
    return params, draw(fst.arrays(shape=(n, features))), draw(fst.arrays(shape=(n,)))


@settings(deadline=None)
@given(regression_problems())
def test_robust_loss_gradient_wrt_params(problem):
    params, x, y = problem
    check_grads(lambda p: robust_loss(p, x, y), (params,), order=2)


@settings(deadline=None)
@given(fst.arrays(domain="nonzero"), st.sampled_from([1e2, 1e4, 1e300]))
def test_log_cosh_is_abs_minus_log2_far_from_zero(x, scale):
    big = x * scale  # |big| >= 25: exp(-2 |big|) is below float64's resolution
    np.testing.assert_allclose(log_cosh(big), np.abs(big) - np.log(2.0), rtol=1e-12)
    gradient = fg.grad(lambda v: fnp.sum(log_cosh(v)))(big)
    np.testing.assert_array_equal(gradient, np.sign(big))  # finite, exactly +-1


PROPERTIES = [
    test_log_cosh_derivatives_match_finite_differences,
    test_robust_loss_gradient_wrt_params,
    test_log_cosh_is_abs_minus_log2_far_from_zero,
]


def main(argv=None):
    """Run every property (or those whose name contains ``-k``); report each one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", metavar="NAME", default="", help="run properties whose name has this")
    args = parser.parse_args(argv)
    failures = {}
    for test in PROPERTIES:
        if args.k not in test.__name__:
            continue
        start = time.perf_counter()
        try:
            test()  # hypothesis draws the inputs, and shrinks any failure to a small one
        except Exception as e:  # an AssertionError, or an error raised by the code under test
            failures[test.__name__] = e
            first = next((line for line in str(e).splitlines() if line.strip()), "")
            print(f"FAIL  {test.__name__}\n      {type(e).__name__}: {first.strip()}")
        else:
            print(f"ok    {test.__name__}  ({time.perf_counter() - start:.1f} s)")
    print("all properties hold" if not failures else f"{len(failures)} properties failed")
    return failures


if __name__ == "__main__":
    raise SystemExit(1 if main() else 0)
