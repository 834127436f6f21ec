"""What every layer shares: the ``layer`` decorator, static fields, ``replace``, a short repr.

A layer is an attrs frozen record (``eq=False``: array fields make ``==`` ill-defined)
that is a pytree: its array fields are leaves, its configuration (sizes, strides,
activation choices) are fields marked static, which belong to the tree's structure.
Its constructor takes sizes and a keyword-only ``key``; the record is then filled with
``__attrs_init__``. Unflattening a tree rebuilds records without running ``__init__``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import attrs
import numpy as np

from funcgrad.extend import concrete

__all__ = ["FROZEN_LAYER", "FrozenLayerError", "layer", "replace", "static", "STATIC"]

#: Field metadata that puts a field in the pytree structure instead of the leaves.
STATIC = {"static": True}

FROZEN_LAYER = """\
{cls} is immutable: {name!r} cannot be {verb}. Layers are frozen records whose arrays are \
pytree leaves, so that training steps return new layers instead of changing old ones.
Build a new layer instead:
    layer = funcgrad.nn.replace(layer, {name}=new_value)    # not: layer.{name} = new_value
or change every array at once:
    layer = funcgrad.tree.map(lambda a: a * 0.5, layer)"""

T = TypeVar("T")


def static(**kwargs: Any) -> Any:
    """An attrs field marked static: part of the pytree structure, not a leaf."""
    return attrs.field(metadata=STATIC, **kwargs)


class FrozenLayerError(attrs.exceptions.FrozenInstanceError):
    """Raised on assignment to a layer's field (an AttributeError, like attrs' own)."""

    def __init__(self, msg: str):
        AttributeError.__init__(self, msg)
        self.msg = msg


def _frozen_setattr(self, name, value):
    raise FrozenLayerError(FROZEN_LAYER.format(cls=type(self).__name__, name=name, verb="set"))


def _frozen_delattr(self, name):
    raise FrozenLayerError(FROZEN_LAYER.format(cls=type(self).__name__, name=name, verb="deleted"))


def _brief(v: Any) -> str:
    v_ = concrete(v)
    if isinstance(v_, np.ndarray):
        return f"{v_.dtype.name}{list(v_.shape)}"
    if isinstance(v, tuple):
        inner = ", ".join(_brief(x) for x in v)
        return f"({inner}{',' if len(v) == 1 else ''})"
    if callable(v) and not attrs.has(type(v)):
        return getattr(v, "__name__", repr(v))
    return repr(v)


def layer_repr(self) -> str:
    """``Linear(weight=float64[4, 3], bias=float64[4], in_features=3, out_features=4)``."""
    fields = attrs.fields(type(self))
    return (
        f"{type(self).__name__}("
        + ", ".join(f"{f.name}={_brief(getattr(self, f.name))}" for f in fields)
        + ")"
    )


def layer(cls: type[T]) -> type[T]:
    """Make ``cls`` a layer: ``attrs.frozen(eq=False, init=False)``, with an error on
    assignment that says what to do instead, and a short repr (arrays as dtype[shape]).

    The class defines its own ``__init__`` (sizes, then a keyword-only ``key``) that
    ends with ``self.__attrs_init__(...)``.
    """
    cls = attrs.frozen(eq=False, init=False, repr=False)(cls)
    cls.__setattr__ = _frozen_setattr  # type: ignore[assignment,method-assign]
    cls.__delattr__ = _frozen_delattr  # type: ignore[assignment,method-assign]
    if "__repr__" not in cls.__dict__:
        cls.__repr__ = layer_repr  # type: ignore[assignment,method-assign]
    return cls


def replace(layer: T, **changes: Any) -> T:
    """A copy of ``layer`` with some fields replaced (the layer itself is unchanged).

    Like ``attrs.evolve``, but without running the constructor (which takes sizes
    and a key, not arrays). No check is made that new arrays fit the static fields.

    Example:
        >>> import numpy as np
        >>> from funcgrad import nn, random
        >>> lin = nn.Linear(2, 1, key=random.key(0))
        >>> lin2 = nn.replace(lin, bias=np.zeros(1))
        >>> lin2.bias, lin2.weight is lin.weight
        (array([0.]), True)
    """
    cls = type(layer)
    if not attrs.has(cls):
        raise TypeError(f"replace: expected an attrs record (a layer); got {cls.__name__}")
    names = {f.name for f in attrs.fields(cls)}
    unknown = sorted(set(changes) - names)
    if unknown:
        raise TypeError(
            f"replace: {cls.__name__} has no field(s) {', '.join(map(repr, unknown))}; "
            f"its fields are {', '.join(sorted(names))}"
        )
    new = object.__new__(cls)
    for name in names:
        object.__setattr__(new, name, changes[name] if name in changes else getattr(layer, name))
    return new
