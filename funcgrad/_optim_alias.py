"""Named optimizers, each a chain of blocks, with optax's formulas and defaults.

PyTorch's versions are other chains of the same blocks: see the table in
:mod:`funcgrad.optim`'s docstring.
"""

from __future__ import annotations

from funcgrad._optim_adaptive import scale_by_adam, scale_by_rms, scale_by_rss
from funcgrad._optim_base import GradientTransformation, ScalarOrSchedule, chain, identity
from funcgrad._optim_constraints import MaskOrFn, add_decayed_weights
from funcgrad._optim_transforms import scale_by_learning_rate, trace


def sgd(
    learning_rate: ScalarOrSchedule, momentum: float | None = None, nesterov: bool = False
) -> GradientTransformation:
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    ``chain(trace(momentum, nesterov), scale_by_learning_rate(learning_rate))``: with
    momentum ``b = g + momentum * b`` and the step is ``-lr * b`` (or
    ``-lr * (g + momentum * b)`` with Nesterov).

    Args:
        learning_rate: a number >= 0 or a schedule.
        momentum: the momentum coefficient, or None for plain gradient descent.
        nesterov: use Nesterov momentum.

    Returns:
        A GradientTransformation.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.sgd(0.1, momentum=0.9)
    >>> params = {"w": np.array([1.0])}
    >>> state = tx.init(params)
    >>> updates, state = tx.update({"w": np.array([2.0])}, state)
    >>> optim.apply_updates(params, updates)["w"]
    array([0.8])
    """
    if momentum is None:
        if nesterov:
            raise ValueError("sgd: nesterov=True needs a momentum.")
        first = identity()
    else:
        first = trace(momentum, nesterov)
    return chain(first, scale_by_learning_rate(learning_rate))


def adam(
    learning_rate: ScalarOrSchedule,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    eps_root: float = 0.0,
) -> GradientTransformation:
    """Adam: ``chain(scale_by_adam(b1, b2, eps, eps_root), scale_by_learning_rate(lr))``.

    The step is ``-lr * m_hat / (sqrt(v_hat + eps_root) + eps)`` with bias-corrected
    moments (the same formula as PyTorch's Adam without weight decay).

    Args:
        learning_rate: a number >= 0 or a schedule.
        b1, b2: moment decay rates, in [0, 1).
        eps: added outside the square root, >= 0.
        eps_root: added inside the square root, >= 0.

    Returns:
        A GradientTransformation.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.adam(0.1)
    >>> updates, _ = tx.update(np.array([5.0, -0.01]), tx.init(np.zeros(2)))
    >>> np.round(updates, 6)  # the first step is -lr * sign(g)
    array([-0.1,  0.1])
    """
    return chain(scale_by_adam(b1, b2, eps, eps_root), scale_by_learning_rate(learning_rate))


def adamw(
    learning_rate: ScalarOrSchedule,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    eps_root: float = 0.0,
    weight_decay: float = 1e-4,
    mask: MaskOrFn | None = None,
) -> GradientTransformation:
    """Adam with decoupled weight decay: ``-lr * (adam_update + weight_decay * params)``.

    ``chain(scale_by_adam(...), add_decayed_weights(weight_decay, mask),
    scale_by_learning_rate(lr))``. PyTorch's AdamW computes the same step (its default
    ``weight_decay`` is 1e-2; optax's, used here, is 1e-4).

    Args:
        learning_rate: a number >= 0 or a schedule.
        b1, b2, eps, eps_root: as for :func:`adam`.
        weight_decay: the decay coefficient, >= 0.
        mask: optional pytree of bools (or function of params) choosing leaves to decay.

    Returns:
        A GradientTransformation; its ``update`` needs ``params``.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.adamw(0.1, weight_decay=0.5)
    >>> params = np.array([2.0])
    >>> updates, _ = tx.update(np.array([3.0]), tx.init(params), params)
    >>> np.round(updates, 6)  # -0.1 * (1 + 0.5 * 2)
    array([-0.2])
    """
    return chain(
        scale_by_adam(b1, b2, eps, eps_root),
        add_decayed_weights(weight_decay, mask),
        scale_by_learning_rate(learning_rate),
    )


def amsgrad(
    learning_rate: ScalarOrSchedule,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    eps_root: float = 0.0,
) -> GradientTransformation:
    """AMSGrad as optax has it: Adam with the running maximum of the bias-corrected ``v``.

    Args:
        learning_rate: a number >= 0 or a schedule.
        b1, b2, eps, eps_root: as for :func:`adam`.

    Returns:
        A GradientTransformation.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.amsgrad(0.1)
    >>> updates, _ = tx.update(np.array([2.0]), tx.init(np.zeros(1)))
    >>> np.round(updates, 6)
    array([-0.1])
    """
    return chain(
        scale_by_adam(b1, b2, eps, eps_root, amsgrad=True), scale_by_learning_rate(learning_rate)
    )


def rmsprop(
    learning_rate: ScalarOrSchedule,
    decay: float = 0.9,
    eps: float = 1e-8,
    *,
    initial_scale: float = 0.0,
    eps_in_sqrt: bool = True,
    centered: bool = False,
    momentum: float | None = None,
    nesterov: bool = False,
    bias_correction: bool = False,
) -> GradientTransformation:
    """RMSprop as optax has it: ``chain(scale_by_rms(...), scale_by_learning_rate(lr),
    trace(momentum))``.

    The step is ``-lr * g / sqrt(nu + eps)`` (eps inside the root by default), with
    ``nu = decay * nu + (1 - decay) * g^2``; ``centered`` uses the variance. The
    learning rate is applied before the momentum trace (optax's order; PyTorch's applies
    it after, which differs only when the learning rate changes between steps).

    Args:
        learning_rate: a number >= 0 or a schedule.
        decay: the moving-average coefficient (PyTorch's ``alpha``).
        eps: the stabiliser.
        initial_scale, eps_in_sqrt, centered, bias_correction: see :func:`scale_by_rms`.
        momentum: optional momentum coefficient.
        nesterov: Nesterov momentum.

    Returns:
        A GradientTransformation.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.rmsprop(0.1, decay=0.75, eps=0.0)
    >>> updates, _ = tx.update(np.array([2.0]), tx.init(np.zeros(1)))
    >>> updates  # -0.1 * 2 / sqrt(0.25 * 4)
    array([-0.2])
    """
    if momentum is None and nesterov:
        raise ValueError("rmsprop: nesterov=True needs a momentum.")
    return chain(
        scale_by_rms(
            decay,
            eps,
            initial_scale,
            eps_in_sqrt=eps_in_sqrt,
            centered=centered,
            bias_correction=bias_correction,
        ),
        scale_by_learning_rate(learning_rate),
        identity() if momentum is None else trace(momentum, nesterov),
    )


def adagrad(
    learning_rate: ScalarOrSchedule, initial_accumulator_value: float = 0.1, eps: float = 1e-7
) -> GradientTransformation:
    """Adagrad as optax has it: ``-lr * g / sqrt(sum of g^2 + eps)``.

    ``chain(scale_by_rss(initial_accumulator_value, eps), scale_by_learning_rate(lr))``.
    PyTorch's Adagrad puts eps outside the root (``scale_by_rss(eps_in_sqrt=False)``)
    and defaults to ``initial_accumulator_value=0``, ``eps=1e-10``.

    Args:
        learning_rate: a number >= 0 or a schedule.
        initial_accumulator_value: starting value of the sum of squares.
        eps: the stabiliser.

    Returns:
        A GradientTransformation.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.adagrad(1.0, initial_accumulator_value=0.0, eps=0.0)
    >>> updates, _ = tx.update(np.array([3.0]), tx.init(np.zeros(1)))
    >>> updates
    array([-1.])
    """
    return chain(
        scale_by_rss(initial_accumulator_value, eps), scale_by_learning_rate(learning_rate)
    )
