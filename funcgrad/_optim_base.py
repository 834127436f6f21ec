"""The optimizer protocol: GradientTransformation, chain, apply_updates, shared helpers.

A transformation is a pair of pure functions. ``init(params)`` builds the state;
``update(updates, state, params=None)`` returns ``(new_updates, new_state)``. Nothing
here differentiates: the caller computes gradients (with :func:`funcgrad.grad`) and
hands them in as ``updates``. All arithmetic is plain numpy on concrete arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from funcgrad import tree

Params = Any  # a pytree of arrays
Updates = Any  # a pytree of arrays with params' structure
OptState = Any  # a NamedTuple (or tuple of them) holding arrays
Schedule = Callable[[Any], Any]  # step count -> value
ScalarOrSchedule = float | Schedule


class GradientTransformation(NamedTuple):
    """A pair of pure functions ``init(params) -> state`` and
    ``update(updates, state, params=None) -> (updates, state)``.

    The state is immutable data (NamedTuples holding read-only arrays); ``update``
    returns a new one and never changes the old.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.sgd(0.1)
    >>> state = tx.init({"w": np.ones(2)})
    >>> updates, state = tx.update({"w": np.array([1.0, -2.0])}, state)
    >>> updates["w"]
    array([-0.1,  0.2])
    """

    init: Callable[[Params], OptState]
    update: Callable[..., tuple[Updates, OptState]]


class EmptyState(NamedTuple):
    """The state of a stateless transformation.

    >>> from funcgrad import optim
    >>> optim.scale(2.0).init({"w": 1.0})
    EmptyState()
    """


def identity() -> GradientTransformation:
    """A transformation that returns the updates unchanged.

    Returns:
        A GradientTransformation with an :class:`EmptyState`.

    >>> from funcgrad import optim
    >>> tx = optim.identity()
    >>> tx.update({"w": 3.0}, tx.init({"w": 0.0}))
    ({'w': 3.0}, EmptyState())
    """

    def init(params):
        return EmptyState()

    def update(updates, state, params=None):
        return updates, state

    return GradientTransformation(init, update)


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply transformations one after the other, left to right.

    Args:
        *transforms: GradientTransformations; the updates flow through them in order.

    Returns:
        A GradientTransformation whose state is the tuple of the inner states.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> tx = optim.chain(optim.clip(1.0), optim.scale(-0.5))  # clip, then scale
    >>> updates, _ = tx.update({"w": np.array([3.0, 0.5])}, tx.init({"w": np.zeros(2)}))
    >>> updates["w"]
    array([-0.5 , -0.25])
    """
    for i, t in enumerate(transforms):
        if not isinstance(t, GradientTransformation):
            raise TypeError(
                f"chain: argument {i} must be a GradientTransformation (an (init, update) "
                f"pair such as optim.scale(0.1)), got {type(t).__name__}."
            )

    def init(params):
        return tuple(t.init(params) for t in transforms)

    def update(updates, state, params=None):
        if not isinstance(state, tuple) or len(state) != len(transforms):
            raise ValueError(
                f"chain.update: expected the state returned by this chain's init (a tuple "
                f"of {len(transforms)} states), got {type(state).__name__}."
            )
        new_state = []
        for t, s in zip(transforms, state):
            updates, s = t.update(updates, s, params)
            new_state.append(s)
        return updates, tuple(new_state)

    return GradientTransformation(init, update)


def apply_updates(params: Params, updates: Updates) -> Params:
    """Return ``params + updates`` as new read-only arrays with each param's dtype.

    The only function that combines parameters and updates. The inputs are never
    written to; every returned array is new and has ``flags.writeable == False``, so an
    accidental in-place change (``params["w"] += 1``) fails loudly.

    Args:
        params: a pytree of arrays (or Python numbers).
        updates: a pytree with ``params``' structure and shapes.

    Returns:
        The new params, with ``params``' structure. A structure or shape mismatch is a
        ValueError naming the key path.

    >>> import numpy as np
    >>> from funcgrad import optim
    >>> new = optim.apply_updates({"w": np.ones(2, np.float32)}, {"w": np.array([0.5, -1.0])})
    >>> new["w"], new["w"].flags.writeable
    (array([1.5, 0. ], dtype=float32), False)
    """
    p_leaves, treedef = tree.flatten(params)
    u_leaves, u_def = tree.flatten(updates)
    if u_def != treedef:
        tree.assert_same_structure(params, updates, names=("params", "updates"))
    out = []
    for i, (p, u) in enumerate(zip(p_leaves, u_leaves)):
        p_arr = np.asarray(p)
        u_shape = np.shape(u)
        if u_shape != p_arr.shape:
            path = tree.flatten_with_path(params)[0][i][0]
            raise ValueError(
                f"apply_updates: at {tree.keystr(path) or 'the root'}: params has shape "
                f"{p_arr.shape}, updates has shape {u_shape}; updates must match params leaf "
                "for leaf (were the gradients taken with respect to these params?)."
            )
        new = np.asarray(p_arr + u).astype(p_arr.dtype, copy=False)  # always a new array
        new.flags.writeable = False
        out.append(new)
    return treedef.unflatten(out)


# ---------------------------------------------------------------- helpers (private)


def _frozen(x: Any, dtype: Any) -> np.ndarray:
    """``x`` (a freshly computed value, never a caller's array) as a read-only array."""
    a = np.asarray(x, dtype=dtype)
    a.flags.writeable = False
    return a


def _dtype(x: Any) -> np.dtype:
    return np.result_type(x)


def _zeros_like(x: Any) -> np.ndarray:
    return _frozen(np.zeros(np.shape(x), dtype=_dtype(x)), None)


def _full_like(x: Any, value: float) -> np.ndarray:
    return _frozen(np.full(np.shape(x), value, dtype=_dtype(x)), None)


def _count(n: int) -> np.ndarray:
    return _frozen(n, np.int64)


def _abs_sq(g: Any) -> Any:
    g = np.asarray(g)
    return g.real**2 + g.imag**2 if np.iscomplexobj(g) else g * g


def _cast(x: Any, like: Any) -> np.ndarray:
    """``x`` with the dtype of ``like`` (so float32 stays float32)."""
    return np.asarray(x).astype(_dtype(like), copy=False)


def _check(
    fn: str,
    name: str,
    value: Any,
    low: float = 0.0,
    high: float | None = None,
    high_open: bool = False,
) -> float:
    """Validate a hyperparameter at construction; return it as a float."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: {name} must be a number, got {value!r}.") from None
    ok = v >= low and (high is None or (v < high if high_open else v <= high))
    if not ok:
        if high is None:
            need = f">= {low:g}"
        else:
            need = f"in [{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{fn}: {name} must be {need}, got {value!r}.")
    return v


def _leafwise(
    fn: Callable[..., tuple], n_out: int, updates: Any, *others: Any, names: tuple[str, ...] = ()
) -> tuple:
    """Apply ``fn`` to matching leaves of ``updates`` and ``others``.

    ``fn`` returns an ``n_out``-tuple per leaf; the result is ``n_out`` trees with
    ``updates``' structure. One flatten per input and one unflatten per output. A
    structure mismatch is a ValueError naming the key path and ``names[i]`` for
    ``others[i]``.
    """
    leaves, treedef = tree.flatten(updates)
    columns = [leaves]
    for i, other in enumerate(others):
        o_leaves, o_def = tree.flatten(other)
        if o_def != treedef:
            name = names[i] if i < len(names) else f"tree {i + 2}"
            tree.assert_same_structure(updates, other, names=("updates", name))
        columns.append(o_leaves)
    results = [fn(*xs) for xs in zip(*columns)]
    if not results:
        return tuple(treedef.unflatten([]) for _ in range(n_out))
    return tuple(treedef.unflatten(col) for col in zip(*results))


def _need_params(fn: str, params: Any) -> None:
    if params is None:
        raise ValueError(f"{fn} needs the current parameters: call update(updates, state, params).")


def _check_real(fn: str, name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: {name} must be a number, got {value!r}.") from None
    if not np.isfinite(v):
        raise ValueError(f"{fn}: {name} must be finite, got {value!r}.")
    return v
