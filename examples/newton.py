"""Newton's method with ``funcgrad.hessian``: watch the number of correct digits double.

A Newton step solves ``H(x) d = -g(x)`` with the exact gradient (``funcgrad.grad``) and
the exact Hessian (``funcgrad.hessian``, forward over reverse: ``jacfwd(jacrev(f))``).
Near a minimum where the Hessian is positive definite the error is roughly squared at
every step, ``|x_{k+1} - x*| <= C |x_k - x*|^2``: quadratic convergence. The tables show
it: the ratio in the last column settles to a constant while the error collapses.

1. Rosenbrock's function ``(1 - x)^2 + 100 (y - x^2)^2`` from the classic start
   (-1.2, 1). The minimum is (1, 1). Pure Newton (no line search) takes a detour along
   the curved valley, then lands in a handful of steps.
2. Logistic regression with a small L2 penalty, on 500 points drawn with a
   ``funcgrad.random`` key from a known model. The loss is strictly convex; Newton
   starts from zero and needs no learning rate. Its minimum is not known in closed
   form: the errors are measured against the last iterate.

Run:  python examples/newton.py [--problem rosenbrock|logistic|both] [--tol 1e-12]
                                [--max-steps N] [--points N]
"""

from __future__ import annotations

import argparse

import numpy as np

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad import nn, random


def newton(f, x0, *, tol: float = 1e-12, max_steps: int = 50):
    """Minimise ``f`` (a function of a 1-d array) by Newton's method.

    Stops when the gradient's norm is at most ``tol`` or after ``max_steps`` steps.

    Returns:
        Every iterate, from ``x0`` to the last, as a list of arrays.
    """
    gradient, hessian = fg.grad(f), fg.hessian(f)
    x = np.asarray(x0, dtype=np.float64)
    iterates = [x]
    for _ in range(max_steps):
        g = gradient(x)
        if np.linalg.norm(g) <= tol:
            break
        x = x - np.linalg.solve(hessian(x), g)
        iterates.append(x)
    return iterates


def report(f, iterates, x_star, *, log=print):
    """Print, per iterate: f, |gradient|, the error ``e = |x - x*|`` and ``e / e_prev^2``."""
    gradient = fg.grad(f)
    log(f"{'step':>4}  {'f(x)':>12}  {'|grad f(x)|':>11}  {'e = |x - x*|':>12}  e / e_prev^2")
    previous = None
    for k, x in enumerate(iterates):
        err = float(np.linalg.norm(x - x_star))
        ratio = f"{err / previous**2:12.3f}" if previous and err > 0 else ""
        line = (
            f"{k:4d}  {float(f(x)):12.5e}  {float(np.linalg.norm(gradient(x))):11.3e}  "
            f"{err:12.2e}  {ratio}"
        )
        log(line.rstrip())
        previous = err


#: The logistic regression's L2 penalty on the weights (not on the bias).
PENALTY = 1e-3


def rosenbrock(p):
    """Rosenbrock's banana-shaped valley; its minimum is 0 at (1, 1)."""
    x, y = p[0], p[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def logistic_problem(key, n: int = 500, penalty: float = PENALTY):
    """Points from a known logistic model and the penalised log-loss of ``theta = (w, b)``.

    The loss is ``mean(log(1 + exp(logits)) - y logits) + penalty / 2 |w|^2`` with
    ``logits = x @ w + b``.

    Returns:
        ``(loss, (x, y), theta_true)``: the loss as a function of a 4-vector, the data,
        and the model that drew the labels.
    """
    x_key, y_key = random.split(key)
    theta_true = np.array([1.5, -2.0, 0.5, 0.3])  # three weights, then the bias
    x = random.normal(x_key, (n, 3))
    p = 1.0 / (1.0 + np.exp(-(x @ theta_true[:3] + theta_true[3])))
    y = random.bernoulli(y_key, p).astype(np.float64)

    def loss(theta):
        logits = x @ theta[:3] + theta[3]
        data_term = nn.losses.binary_cross_entropy_with_logits(logits, y)
        return data_term + 0.5 * penalty * fnp.sum(theta[:3] ** 2)

    return loss, (x, y), theta_true


def show(a) -> str:
    """An array on one line, six decimals."""
    return np.array2string(np.asarray(a), precision=6, suppress_small=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", choices=("rosenbrock", "logistic", "both"), default="both")
    parser.add_argument("--tol", type=float, default=1e-12, help="stop when |grad| <= tol")
    parser.add_argument("--max-steps", type=int, default=50)
    parser.add_argument("--points", type=int, default=500, help="logistic regression: n")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    results = {}

    if args.problem in ("rosenbrock", "both"):
        print("Rosenbrock's function from (-1.2, 1); the minimum is (1, 1)")
        iterates = newton(rosenbrock, [-1.2, 1.0], tol=args.tol, max_steps=args.max_steps)
        report(rosenbrock, iterates, np.array([1.0, 1.0]))
        print(f"minimum found: {show(iterates[-1])} after {len(iterates) - 1} Newton steps\n")
        results["rosenbrock"] = iterates

    if args.problem in ("logistic", "both"):
        loss, _, theta_true = logistic_problem(random.key(args.seed), n=args.points)
        print(f"logistic regression on {args.points} points, 3 features and a bias")
        iterates = newton(loss, np.zeros(4), tol=args.tol, max_steps=args.max_steps)
        report(loss, iterates, iterates[-1])
        print(f"minimum found: {show(iterates[-1])} after {len(iterates) - 1} Newton steps")
        print(f"the model that drew the labels: {show(theta_true)}")
        eigenvalues = np.linalg.eigvalsh(fg.hessian(loss)(iterates[-1]))
        print(f"Hessian eigenvalues at the minimum: {show(eigenvalues)} (all positive: a minimum)")
        results["logistic"] = iterates
    return results


if __name__ == "__main__":
    main()
