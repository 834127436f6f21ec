"""Key paths and node kinds for :mod:`funcgrad.tree`.

A *key path* is a tuple of key objects locating a subtree inside a pytree:
``DictKey`` for mapping entries, ``SequenceKey`` for positional children and
``GetAttrKey`` for attributes (namedtuple fields, dataclass/attrs fields).

A *node kind* (``_Kind``) says how to take apart and rebuild one node type.
``_KINDS`` maps exact types to kinds (or to None for leaf types); it holds
the built-in containers and classes added by :func:`register_node`, and
caches namedtuple, dataclass and attrs detection per type.

Also here: the iterative walk that locates the first structural difference
for error messages (used by :mod:`funcgrad._tree`).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np

__all__ = ["DictKey", "SequenceKey", "GetAttrKey", "KeyPath", "keystr", "register_node"]


class _Key:
    """Base class of the key objects: immutable, hashable, picklable."""

    __slots__ = ()
    _field = ""

    def _value(self) -> Any:
        return getattr(self, self._field)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._value() == other._value()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._value()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._field}={self._value()!r})"

    def __reduce__(self) -> tuple:
        return (type(self), (self._value(),))


class DictKey(_Key):
    """Key of a mapping entry; ``str()`` renders like ``['a']``.

    Args:
        key: the (hashable) mapping key.

    >>> k = DictKey("a")
    >>> k, str(k), k.key
    (DictKey(key='a'), "['a']", 'a')
    """

    __slots__ = ("key",)
    _field = "key"

    def __init__(self, key: Hashable) -> None:
        object.__setattr__(self, "key", key)

    def __str__(self) -> str:
        return f"[{self.key!r}]"


class SequenceKey(_Key):
    """Key of a positional child (list/tuple item); ``str()`` renders ``[0]``.

    Args:
        idx: the integer position.

    >>> k = SequenceKey(2)
    >>> k, str(k), k.idx
    (SequenceKey(idx=2), '[2]', 2)
    """

    __slots__ = ("idx",)
    _field = "idx"

    def __init__(self, idx: int) -> None:
        object.__setattr__(self, "idx", idx)

    def __str__(self) -> str:
        return f"[{self.idx!r}]"


class GetAttrKey(_Key):
    """Key of an attribute child (record field); ``str()`` renders ``.name``.

    Args:
        name: the attribute name.

    >>> k = GetAttrKey("bias")
    >>> k, str(k), k.name
    (GetAttrKey(name='bias'), '.bias', 'bias')
    """

    __slots__ = ("name",)
    _field = "name"

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)

    def __str__(self) -> str:
        return f".{self.name}"


KeyPath = tuple[DictKey | SequenceKey | GetAttrKey, ...]


def keystr(path: Iterable[Any], *, simple: bool = False, separator: str = "") -> str:
    """Render a key path as a string, e.g. ``['layers'][2].bias``.

    Args:
        path: a tuple of key objects (as produced by ``flatten_with_path``).
        simple: if true, render each key bare (``layers``, ``2``, ``bias``)
            instead of in indexing syntax.
        separator: string placed between keys (default: nothing).

    Returns:
        The rendered path ("" for the empty path, i.e. the root).

    >>> keystr((DictKey("layers"), SequenceKey(2), GetAttrKey("bias")))
    "['layers'][2].bias"
    >>> keystr((DictKey("layers"), SequenceKey(2)), simple=True, separator="/")
    'layers/2'
    """
    if simple:
        return separator.join(str(k._value()) if isinstance(k, _Key) else str(k) for k in path)
    return separator.join(str(k) for k in path)


def _short_repr(x: Any, limit: int = 40) -> str:
    r = repr(x)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _fmt_keys(keys: Iterable[Any], limit: int = 10) -> str:
    keys = list(keys)
    if len(keys) <= limit:
        return "[" + ", ".join(_short_repr(k) for k in keys) + "]"
    shown = ", ".join(_short_repr(k) for k in keys[:limit])
    return f"[{shown}, ...] ({len(keys)} keys)"


def _describe_leaf(x: Any) -> str:
    """Short description of a leaf value (arrays by dtype and shape)."""
    if isinstance(x, np.ndarray):
        return f"ndarray {x.dtype} {x.shape}"
    if isinstance(x, np.generic):
        return f"{x.dtype} scalar {_short_repr(x.item())}"
    if isinstance(x, (bool, int, float, complex, str, bytes)):
        return f"{type(x).__name__} {_short_repr(x)}"
    shape = getattr(x, "shape", None)
    dtype = getattr(x, "dtype", None)
    if isinstance(shape, tuple) and dtype is not None:
        return f"{type(x).__name__} {dtype} {shape}"
    return f"{type(x).__name__} object"


def _fallback_sort_key(k: Any) -> tuple:
    """Sort key for dict keys of mutually unorderable types."""
    return (type(k).__name__, repr(k))


# ---------------------------------------------------------------- node kinds


class _Kind:
    """How to take apart and rebuild one node type (compared by identity)."""

    __slots__ = ("cls", "flatten", "keyed", "unflatten", "describe", "parts")

    def __init__(self, cls, flatten, keyed, unflatten, describe, parts):
        self.cls = cls
        self.flatten = flatten  # x -> (children sequence, aux)
        self.keyed = keyed  # x -> ([(key, child), ...], aux)
        self.unflatten = unflatten  # (aux, children list) -> x
        self.describe = describe  # (aux, arity) -> str
        self.parts = parts  # (aux, arity) -> (open, prefixes, close)


def _dict_flatten(d):
    try:
        keys = tuple(sorted(d))
    except TypeError:
        keys = tuple(sorted(d, key=_fallback_sort_key))
    if len(keys) > 1:
        return itemgetter(*keys)(d), keys
    return [d[k] for k in keys], keys


_DICT_KEYS: dict = {}  # str -> DictKey, so hot-path paths reuse key objects


def _dict_key(k: Any) -> DictKey:
    if type(k) is not str:
        return DictKey(k)
    if len(_DICT_KEYS) >= 4096:
        _DICT_KEYS.clear()
    dk = _DICT_KEYS[k] = DictKey(k)
    return dk


def _dict_keyed(d):
    children, keys = _dict_flatten(d)
    get = _DICT_KEYS.get
    return [(get(k) or _dict_key(k), c) for k, c in zip(keys, children)], keys


def _dict_parts(keys, prefix="{", suffix="}"):
    return prefix, [f"{k!r}: " for k in keys], suffix


_SEQ_KEYS = tuple(SequenceKey(i) for i in range(256))


def _seq_keyed(x):
    if len(x) <= len(_SEQ_KEYS):
        return list(zip(_SEQ_KEYS, x))
    return [(SequenceKey(i), c) for i, c in enumerate(x)]


def _odict_flatten(d):
    keys = tuple(d)
    return [d[k] for k in keys], keys


def _ddict_flatten(d):
    children, keys = _dict_flatten(d)
    return children, (d.default_factory, keys)


def _ddict_keyed(d):
    pairs, keys = _dict_keyed(d)
    return pairs, (d.default_factory, keys)


_DICT = _Kind(
    dict,
    _dict_flatten,
    _dict_keyed,
    lambda keys, c: dict(zip(keys, c)),
    lambda keys, n: f"dict with keys {_fmt_keys(keys)}",
    lambda keys, n: _dict_parts(keys),
)
_LIST = _Kind(
    list,
    lambda x: (x, None),
    lambda x: (_seq_keyed(x), None),
    lambda _, c: c,
    lambda _, n: f"list of length {n}",
    lambda _, n: ("[", None, "]"),
)
_TUPLE = _Kind(
    tuple,
    lambda x: (x, None),
    lambda x: (_seq_keyed(x), None),
    lambda _, c: tuple(c),
    lambda _, n: f"tuple of length {n}",
    lambda _, n: ("(", None, ",)" if n == 1 else ")"),
)
_NONE = _Kind(
    type(None),
    lambda x: ((), None),
    lambda x: ([], None),
    lambda _, c: None,
    lambda _, n: "None",
    lambda _, n: ("None", None, ""),
)
_ODICT = _Kind(
    OrderedDict,
    _odict_flatten,
    lambda d: ([(_dict_key(k), v) for k, v in d.items()], tuple(d)),
    lambda keys, c: OrderedDict(zip(keys, c)),
    lambda keys, n: f"OrderedDict with keys {_fmt_keys(keys)}",
    lambda keys, n: _dict_parts(keys, "OrderedDict({", "})"),
)
_DDICT = _Kind(
    defaultdict,
    _ddict_flatten,
    _ddict_keyed,
    lambda aux, c: defaultdict(aux[0], zip(aux[1], c)),
    lambda aux, n: f"defaultdict({aux[0]!r}) with keys {_fmt_keys(aux[1])}",
    lambda aux, n: _dict_parts(aux[1], f"defaultdict({aux[0]!r}, {{", "})"),
)

_BUILTIN_KINDS = {k.cls: k for k in (_DICT, _LIST, _TUPLE, _NONE, _ODICT, _DDICT)}
# type -> _Kind, or None for leaf types; filled lazily for detected types.
_KINDS: dict = dict(_BUILTIN_KINDS)
_REGISTERED: set = set()
_MISSING = object()


def _namedtuple_kind(cls: type) -> _Kind:
    fields = tuple(cls._fields)
    keys = [GetAttrKey(f) for f in fields]
    prefixes = [f"{f}=" for f in fields]
    return _Kind(
        cls,
        lambda x: (x, None),
        lambda x: (list(zip(keys, x)), None),
        lambda _, c: tuple.__new__(cls, c),
        lambda _, n: f"namedtuple {cls.__name__}",
        lambda _, n: (f"{cls.__name__}(", prefixes, ")"),
    )


def _getter(names: tuple) -> Callable[[Any], tuple]:
    if not names:
        return lambda x: ()
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda x: (get(x),)
    return attrgetter(*names)


def _record_kind(cls: type, fields: Iterable[Any], label: str) -> _Kind:
    """Kind for a dataclass/attrs class; ``fields`` have .name and .metadata."""
    fields = list(fields)
    static = tuple(f.name for f in fields if f.metadata.get("static", False))
    names = tuple(f.name for f in fields if not f.metadata.get("static", False))
    get_children, get_static = _getter(names), _getter(static)
    keys = [GetAttrKey(n) for n in names]
    # attrs classes with cache_hash=True expect this slot to be set by __init__.
    hash_code = getattr(cls.__hash__, "__code__", None)
    cached_hash = "_attrs_cached_hash" in getattr(hash_code, "co_names", ())
    # Instances with a __dict__ and no descriptors shadowing the fields can be
    # filled with one dict.update; otherwise go through object.__setattr__.
    use_dict = cls.__dictoffset__ != 0 and not any(
        hasattr(getattr(cls, n, None), "__set__") for n in names + static
    )
    new, setattr_ = object.__new__, object.__setattr__

    def flatten(x):
        return get_children(x), (get_static(x) if static else None)

    def keyed(x):
        return list(zip(keys, get_children(x))), (get_static(x) if static else None)

    def unflatten(aux, children):
        obj = new(cls)
        if use_dict:
            d = obj.__dict__
            d.update(zip(names, children))
            if static:
                d.update(zip(static, aux))
        else:
            for n, v in zip(names, children):
                setattr_(obj, n, v)
            for n, v in zip(static, aux or ()):
                setattr_(obj, n, v)
        if cached_hash:
            setattr_(obj, "_attrs_cached_hash", None)
        return obj

    def describe(aux, n):
        extra = ", ".join(f"{s}={_short_repr(v)}" for s, v in zip(static, aux or ()))
        return f"{label} {cls.__name__}" + (f" (static {extra})" if extra else "")

    prefixes = [f"{name}=" for name in names]

    def parts(aux, n):
        extra = ", ".join(f"{s}={v!r}" for s, v in zip(static, aux or ()))
        close = ((", " if n else "") + extra + ")") if extra else ")"
        return f"{cls.__name__}(", prefixes, close

    return _Kind(cls, flatten, keyed, unflatten, describe, parts)


def _detect(cls: type) -> _Kind | None:
    if issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple):
        return _namedtuple_kind(cls)
    if dataclasses.is_dataclass(cls):
        return _record_kind(cls, dataclasses.fields(cls), "dataclass")
    if getattr(cls, "__attrs_attrs__", None) is not None:
        try:
            import attrs
        except ImportError:  # pragma: no cover - attrs not installed
            return None
        if attrs.has(cls):
            return _record_kind(cls, attrs.fields(cls), "attrs class")
    return None


def _lookup(cls: type) -> _Kind | None:
    kind = _KINDS.get(cls, _MISSING)
    if kind is _MISSING:
        # setdefault: concurrent first lookups all end up with the same kind.
        kind = _KINDS.setdefault(cls, _detect(cls))
    return kind


def register_node(
    cls: type,
    flatten_fn: Callable[[Any], tuple[Iterable[Any], Hashable]],
    unflatten_fn: Callable[[Hashable, tuple], Any],
    flatten_with_keys_fn: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Hashable]] | None = None,
) -> None:
    """Register ``cls`` as a pytree node type.

    Args:
        cls: the exact type to register (subclasses are not covered).
        flatten_fn: ``obj -> (children, aux_data)``; ``aux_data`` must be
            hashable and is compared as part of the TreeDef.
        unflatten_fn: ``(aux_data, children_tuple) -> obj``.
        flatten_with_keys_fn: optional ``obj -> (((key, child), ...), aux)``
            giving key-path entries; without it children get ``SequenceKey(i)``.

    Returns:
        None. Raises ValueError if ``cls`` is already registered.

    >>> class Pair:
    ...     def __init__(self, a, b):
    ...         self.a, self.b = a, b
    >>> register_node(Pair, lambda p: ((p.a, p.b), None), lambda _, c: Pair(*c))
    >>> from funcgrad.tree import leaves
    >>> leaves(Pair(1, [2, 3]))
    [1, 2, 3]
    """
    if cls in _REGISTERED or cls in _BUILTIN_KINDS:
        raise ValueError(f"register_node: {cls.__name__} is already registered")

    def flatten(x):
        children, aux = flatten_fn(x)
        return tuple(children), aux

    if flatten_with_keys_fn is None:

        def keyed(x):
            children, aux = flatten_fn(x)
            return _seq_keyed(tuple(children)), aux
    else:

        def keyed(x):
            pairs, aux = flatten_with_keys_fn(x)
            return [tuple(p) for p in pairs], aux

    name = cls.__name__
    kind = _Kind(
        cls,
        flatten,
        keyed,
        lambda aux, c: unflatten_fn(aux, tuple(c)),
        lambda aux, n: (
            f"{name} node with {n} children" + ("" if aux is None else f" (aux {_short_repr(aux)})")
        ),
        lambda aux, n: (name + ("(" if aux is None else f"[{aux!r}]("), None, ")"),
    )
    _REGISTERED.add(cls)
    _KINDS[cls] = kind


# ------------------------------------------------- structure walks (errors)


def _child_index(nodes: tuple) -> dict:
    """Map each inner node's position to the positions of its children."""
    stack: list = []
    kids = {}
    for i, node in enumerate(nodes):
        if node is not None:
            n = node[2]
            kids[i] = stack[len(stack) - n :]
            del stack[len(stack) - n :]
        stack.append(i)
    return kids


def _phrase(kind: _Kind | None, aux: Any, n: int, x: Any) -> str:
    """Phrase for one side of a mismatch: 'a leaf (...)' or 'a dict ...'."""
    if kind is None:
        return "a leaf" if x is _MISSING else f"a leaf ({_describe_leaf(x)})"
    text = kind.describe(aux, n)
    return text if text == "None" else ("an " if text[0] in "aeiouAEIOU" else "a ") + text


def _find_mismatch(nodes: tuple, leaves_a: list | None, b: Any, prefix: bool):
    """Walk TreeDef ``nodes`` and tree ``b`` in order; return the first
    difference as ``(path, phrase_a, phrase_b)``, or None if they match."""
    kids = _child_index(nodes)
    leaf_ord = {}
    for i, node in enumerate(nodes):
        if node is None:
            leaf_ord[i] = len(leaf_ord)
    # Paths are linked lists (parent, key) so deep trees stay linear.
    stack: list = [(len(nodes) - 1, b, None)]
    while stack:
        i, y, link = stack.pop()
        node = nodes[i]
        if node is None and prefix:
            continue
        kind_b = _lookup(type(y))
        aux_b, n_b = None, 0
        if kind_b is not None:
            children_b, aux_b = kind_b.flatten(y)
            n_b = len(children_b)
        if node is None:
            if kind_b is None:
                continue
            x = _MISSING if leaves_a is None else leaves_a[leaf_ord[i]]
            found = (_phrase(None, None, 0, x), _phrase(kind_b, aux_b, n_b, y))
        else:
            kind, aux, n = node
            if kind is kind_b and n == n_b and aux == aux_b:
                pairs = kind_b.keyed(y)[0]
                for j in range(n - 1, -1, -1):
                    stack.append((kids[i][j], pairs[j][1], (link, pairs[j][0])))
                continue
            found = (_phrase(kind, aux, n, None), _phrase(kind_b, aux_b, n_b, y))
        path = []
        while link is not None:
            link, key = link
            path.append(key)
        return (tuple(reversed(path)),) + found
    return None
