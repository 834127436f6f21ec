"""Optimizers as composable gradient transformations, in Optax's shape.

A :class:`GradientTransformation` is a pair of pure functions: ``init(params) -> state``
and ``update(updates, state, params=None) -> (updates, state)``. Named optimizers are
chains (:func:`chain`) of small blocks, and :func:`apply_updates` is the only function that
combines parameters with updates. States are NamedTuples of read-only arrays: an update
returns a new state and leaves the old one as it was. Params, gradients and updates are
any :mod:`funcgrad.tree` pytree (dicts, lists, namedtuples, attrs records, ...).

Differentiation is the caller's job (this module does not import the transforms): take
gradients with :func:`funcgrad.grad`, then hand them to ``update``. The optimizer
arithmetic is plain numpy on concrete arrays; it is not meant to be differentiated.
Each block keeps the dtype of what it is given: float32 params stay float32.

>>> import numpy as np
>>> import funcgrad as fg, funcgrad.numpy as fnp
>>> from funcgrad import optim
>>> def loss(params):
...     return fnp.sum((params["w"] - 3.0) ** 2)
>>> params = {"w": np.zeros(2)}
>>> tx = optim.adam(learning_rate=0.1)
>>> state = tx.init(params)
>>> for _ in range(300):
...     updates, state = tx.update(fg.grad(loss)(params), state, params)
...     params = optim.apply_updates(params, updates)
>>> np.round(params["w"], 3)
array([3., 3.])

Schedules (``step -> value``) are accepted wherever a learning rate is; the step count
lives in the state.

PyTorch's optimizers as chains of these blocks
----------------------------------------------
The aliases (:func:`sgd`, :func:`adam`, ...) follow optax. PyTorch's formulas differ in a
few places; each difference is an option of a block, so ``torch.optim.X(...)`` is this
chain (``maximize=True`` prepends ``scale(-1.0)``; ``weight_decay=0`` may drop the
``add_decayed_weights`` block):

* ``SGD(lr, momentum, dampening, weight_decay, nesterov)``:
  ``chain(add_decayed_weights(weight_decay), trace(momentum, nesterov, dampening),
  scale_by_learning_rate(lr))``. PyTorch's ``dampening`` (the buffer starts as the first
  gradient, then ``b = momentum b + (1 - dampening) g``) is ``trace``'s option; with
  dampening 0 both libraries agree.
* ``Adam(lr, betas, eps, weight_decay, amsgrad)``:
  ``chain(add_decayed_weights(weight_decay), scale_by_adam(b1, b2, eps, amsgrad=amsgrad,
  amsgrad_max="raw"), scale_by_learning_rate(lr))``. The weight decay is coupled (added
  to the gradient before the moments). Plain Adam is the same formula in both libraries
  (eps after the bias-corrected root); AMSGrad is not: PyTorch takes the maximum of the
  raw second moment and bias-corrects it afterwards (``amsgrad_max="raw"``), optax the
  maximum of the bias-corrected one (``"bias_corrected"``).
* ``AdamW(...)``: ``chain(scale_by_adam(..., amsgrad_max="raw"),
  add_decayed_weights(weight_decay), scale_by_learning_rate(lr))``: decoupled, the same
  step as optax's ``adamw`` (PyTorch's default weight_decay is 1e-2, optax's 1e-4).
* ``RMSprop(lr, alpha, eps, weight_decay, momentum, centered)``:
  ``chain(add_decayed_weights(weight_decay), scale_by_rms(alpha, eps, eps_in_sqrt=False,
  centered=centered), trace(momentum), scale_by_learning_rate(lr))``. PyTorch adds eps
  outside the root (optax inside) and applies the learning rate after the momentum
  buffer (optax before: the same while the learning rate is constant).
* ``Adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps)``:
  ``chain(add_decayed_weights(weight_decay), scale_by_rss(initial_accumulator_value, eps,
  eps_in_sqrt=False), scale_by_learning_rate(inverse_time_decay(lr, lr_decay)))``.
* ``clip_grad_norm_(max_norm)`` is ``clip_by_global_norm(max_norm, eps=1e-6)``.
"""

from __future__ import annotations

from funcgrad._optim_adaptive import (
    ScaleByAdamState as ScaleByAdamState,
    ScaleByRmsState as ScaleByRmsState,
    ScaleByRssState as ScaleByRssState,
    scale_by_adam as scale_by_adam,
    scale_by_rms as scale_by_rms,
    scale_by_rss as scale_by_rss,
    scale_by_stddev as scale_by_stddev,
)
from funcgrad._optim_alias import (
    adagrad as adagrad,
    adam as adam,
    adamw as adamw,
    amsgrad as amsgrad,
    rmsprop as rmsprop,
    sgd as sgd,
)
from funcgrad._optim_base import (
    EmptyState as EmptyState,
    GradientTransformation as GradientTransformation,
    OptState as OptState,
    Params as Params,
    ScalarOrSchedule as ScalarOrSchedule,
    Schedule as Schedule,
    Updates as Updates,
    apply_updates as apply_updates,
    chain as chain,
    identity as identity,
)
from funcgrad._optim_constraints import (
    MaskedState as MaskedState,
    add_decayed_weights as add_decayed_weights,
    clip as clip,
    clip_by_global_norm as clip_by_global_norm,
    global_norm as global_norm,
    masked as masked,
)
from funcgrad._optim_schedules import (
    constant_schedule as constant_schedule,
    cosine_decay_schedule as cosine_decay_schedule,
    exponential_decay as exponential_decay,
    inverse_time_decay as inverse_time_decay,
    linear_schedule as linear_schedule,
    piecewise_constant_schedule as piecewise_constant_schedule,
    warmup_cosine_decay_schedule as warmup_cosine_decay_schedule,
)
from funcgrad._optim_transforms import (
    ScaleByScheduleState as ScaleByScheduleState,
    TraceState as TraceState,
    scale as scale,
    scale_by_learning_rate as scale_by_learning_rate,
    scale_by_schedule as scale_by_schedule,
    trace as trace,
)

__all__ = [
    # protocol
    "GradientTransformation",
    "EmptyState",
    "OptState",
    "Params",
    "Updates",
    "Schedule",
    "ScalarOrSchedule",
    "chain",
    "identity",
    "apply_updates",
    # blocks
    "scale",
    "scale_by_schedule",
    "scale_by_learning_rate",
    "trace",
    "scale_by_adam",
    "scale_by_rms",
    "scale_by_stddev",
    "scale_by_rss",
    "add_decayed_weights",
    "masked",
    "clip",
    "clip_by_global_norm",
    "global_norm",
    # states
    "ScaleByScheduleState",
    "TraceState",
    "ScaleByAdamState",
    "ScaleByRmsState",
    "ScaleByRssState",
    "MaskedState",
    # optimizers
    "sgd",
    "adam",
    "adamw",
    "amsgrad",
    "rmsprop",
    "adagrad",
    # schedules
    "constant_schedule",
    "exponential_decay",
    "inverse_time_decay",
    "cosine_decay_schedule",
    "warmup_cosine_decay_schedule",
    "linear_schedule",
    "piecewise_constant_schedule",
]
