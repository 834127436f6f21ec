"""Pytree utilities: flatten nested containers to leaves and back.

Same contract as ``jax.tree_util``. Every traversal uses an explicit stack,
so arbitrarily deep trees work at the default recursion limit. A TreeDef
stores its nodes in post-order as a flat tuple: ``None`` for a leaf, and
``(kind, aux, arity)`` for an inner node.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from funcgrad._tree_keys import (
    _KINDS,
    _MISSING,
    _child_index,
    _describe_leaf,
    _find_mismatch,
    _lookup,
    keystr,
)

IsLeaf = Callable[[Any], bool] | None


class TreeDef:
    """Immutable, hashable description of a pytree's structure.

    Two TreeDefs are equal when node types, aux data (dict keys, static
    fields, ...) and arities match. Build one with :func:`structure`.

    >>> td = structure({"w": 1.0, "b": (2.0, None)})
    >>> td
    TreeDef({'b': (*, None), 'w': *})
    >>> td.num_leaves, td.num_nodes
    (2, 5)
    >>> td.unflatten([10, 20])
    {'b': (10, None), 'w': 20}
    """

    __slots__ = ("_nodes", "_hash", "_num_leaves")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("TreeDef is immutable")

    @property
    def num_leaves(self) -> int:
        """Number of leaves."""
        return self._num_leaves

    @property
    def num_nodes(self) -> int:
        """Number of nodes, leaves and empty nodes such as None included."""
        return len(self._nodes)

    def unflatten(self, leaves: Iterable[Any]) -> Any:
        """Build a tree of this structure from ``leaves`` (in flatten order).

        Args:
            leaves: exactly ``num_leaves`` values.

        Returns:
            The rebuilt tree. Raises ValueError on a wrong leaf count.

        >>> structure([1, (2, 3)]).unflatten("abc")
        ['a', ('b', 'c')]
        """
        leaves = list(leaves)
        n = len(leaves)
        if n != self._num_leaves:
            raise ValueError(f"TreeDef.unflatten: expected {self._num_leaves} leaves, got {n}")
        nodes = self._nodes
        if len(nodes) == n + 1:  # one inner node: the root, all leaves below it
            kind, aux, _ = nodes[-1]
            return kind.unflatten(aux, leaves)
        if len(nodes) == 1:
            return leaves[0]
        stack: list = []
        push = stack.append
        it = iter(leaves)
        for node in nodes:
            if node is None:
                push(next(it))
            else:
                kind, aux, k = node
                if k:
                    children = stack[-k:]
                    del stack[-k:]
                else:
                    children = []
                push(kind.unflatten(aux, children))
        return stack[0]

    def flatten_up_to(self, tree: Any) -> list:
        """Return the subtrees of ``tree`` found at this TreeDef's leaf positions.

        Args:
            tree: a tree having this structure as a prefix.

        Returns:
            A list of ``num_leaves`` subtrees. Raises ValueError (naming the
            first differing key path) if ``tree`` does not match.

        >>> structure([0, 0]).flatten_up_to([{"a": 1}, (2, 3)])
        [{'a': 1}, (2, 3)]
        """
        return _up_to(self, tree, "TreeDef.flatten_up_to", None, "tree")

    def children(self) -> list:
        """Return the TreeDefs of the root's children (``[]`` for a leaf).

        >>> structure({"a": [1, 2], "b": 3}).children()
        [TreeDef([*, *]), TreeDef(*)]
        """
        nodes = self._nodes
        if nodes[-1] is None:
            return []
        out, start = [], 0
        for end in _child_index(nodes)[len(nodes) - 1]:
            out.append(_make_treedef(nodes[start : end + 1]))
            start = end + 1
        return out

    def node_data(self) -> tuple | None:
        """Return ``(node_type, aux_data)`` of the root, or None for a leaf.

        >>> structure({"b": 1, "a": 2}).node_data()
        (<class 'dict'>, ('a', 'b'))
        """
        root = self._nodes[-1]
        return None if root is None else (root[0].cls, root[1])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TreeDef):
            return NotImplemented
        return self is other or (self._hash == other._hash and self._nodes == other._nodes)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        nodes = self._nodes
        kids = _child_index(nodes)
        out = ["TreeDef("]
        work: list = [")", len(nodes) - 1]
        while work:
            item = work.pop()
            if type(item) is str:
                out.append(item)
                continue
            node = nodes[item]
            if node is None:
                out.append("*")
                continue
            kind, aux, n = node
            open_, prefixes, close = kind.parts(aux, n)
            out.append(open_)
            work.append(close)
            children = kids[item]
            for j in range(n - 1, -1, -1):
                work.append(children[j])
                pre = prefixes[j] if prefixes else ""
                work.append(", " + pre if j else pre)
        return "".join(out)

    def __copy__(self) -> TreeDef:
        return self

    def __deepcopy__(self, memo: dict) -> TreeDef:
        return self

    def __reduce__(self):
        raise TypeError("TreeDef objects cannot be pickled")


_new = object.__new__
_set_nodes = TreeDef._nodes.__set__  # type: ignore[attr-defined]
_set_hash = TreeDef._hash.__set__  # type: ignore[attr-defined]
_set_num_leaves = TreeDef._num_leaves.__set__  # type: ignore[attr-defined]


def _make_treedef(nodes: tuple) -> TreeDef:
    td = _new(TreeDef)
    _set_nodes(td, nodes)
    try:
        _set_hash(td, hash(nodes))
    except TypeError:
        for node in nodes:
            if node is not None:
                try:
                    hash(node[1])
                except TypeError as e:
                    raise TypeError(
                        f"pytree aux data must be hashable (static fields "
                        f"included): {node[0].describe(node[1], node[2])}: {e}"
                    ) from None
        raise
    _set_num_leaves(td, nodes.count(None))
    return td


_LEAF_DEF = _make_treedef((None,))


def flatten(tree: Any, is_leaf: IsLeaf = None) -> tuple[list, TreeDef]:
    """Flatten a pytree into its leaves and a TreeDef.

    Args:
        tree: nested dicts/lists/tuples/None/namedtuples/dataclasses/attrs
            classes/registered nodes; anything else is a leaf.
        is_leaf: optional predicate; where it returns True the subtree is
            taken as a single leaf.

    Returns:
        ``(leaves, treedef)``: leaves in order (dict keys sorted).

    >>> flatten({"b": [1, 2], "a": None})
    ([1, 2], TreeDef({'a': None, 'b': [*, *]}))
    """
    get_kind = _KINDS.get
    if is_leaf is None:  # fast paths: a leaf, or one node whose children are leaves
        kind = get_kind(type(tree), _MISSING)
        if kind is None:
            return [tree], _LEAF_DEF
        if kind is not _MISSING:
            children, aux = kind.flatten(tree)
            n = len(children)
            for c in children:
                if get_kind(type(c), _MISSING) is not None:
                    return _flatten_loop([(kind, aux, n)], list(children), None)
            return list(children), _make_treedef((None,) * n + ((kind, aux, n),))
    return _flatten_loop([], [tree], is_leaf)


def _flatten_loop(nodes: list, stack: list, is_leaf: IsLeaf) -> tuple[list, TreeDef]:
    """Flatten the subtrees on ``stack``; ``nodes`` holds the nodes emitted so
    far in reversed post-order (children are visited right to left)."""
    leaves_: list = []
    add_leaf, add_node = leaves_.append, nodes.append
    pop, push_all = stack.pop, stack.extend
    get_kind = _KINDS.get
    while stack:
        x = pop()
        if is_leaf is not None and is_leaf(x):
            add_node(None)
            add_leaf(x)
            continue
        kind = get_kind(type(x), _MISSING)
        if kind is _MISSING:
            kind = _lookup(type(x))
        if kind is None:
            add_node(None)
            add_leaf(x)
            continue
        children, aux = kind.flatten(x)
        n = len(children)
        add_node((kind, aux, n))
        if is_leaf is None:
            # Children that are all of known leaf types skip the stack.
            for c in children:
                if get_kind(type(c), _MISSING) is not None:
                    push_all(children)
                    break
            else:
                nodes.extend([None] * n)
                leaves_.extend(reversed(children))
        else:
            push_all(children)
    nodes.reverse()
    leaves_.reverse()
    return leaves_, _make_treedef(tuple(nodes))


def flatten_with_path(tree: Any, is_leaf: IsLeaf = None) -> tuple[list, TreeDef]:
    """Flatten a pytree, pairing each leaf with its key path.

    Args:
        tree: the pytree.
        is_leaf: optional predicate stopping descent (see :func:`flatten`).

    Returns:
        ``([(path, leaf), ...], treedef)``; ``path`` is a tuple of
        DictKey/SequenceKey/GetAttrKey.

    >>> pairs, _ = flatten_with_path({"layers": [{"bias": 0.5}]})
    >>> [(keystr(p), x) for p, x in pairs]
    [("['layers'][0]['bias']", 0.5)]
    """
    out: list = []
    nodes: list = []
    stack: list = [((), tree)]
    get_kind = _KINDS.get
    while stack:
        path, x = stack.pop()
        if is_leaf is not None and is_leaf(x):
            kind = None
        else:
            kind = get_kind(type(x), _MISSING)
            if kind is _MISSING:
                kind = _lookup(type(x))
        if kind is None:
            nodes.append(None)
            out.append((path, x))
            continue
        pairs, aux = kind.keyed(x)
        n = len(pairs)
        nodes.append((kind, aux, n))
        if is_leaf is None:
            for _, c in pairs:  # all children of known leaf types: emit now
                if get_kind(type(c), _MISSING) is not None:
                    stack.extend([(path + (k,), c) for k, c in pairs])
                    break
            else:
                nodes.extend([None] * n)
                out.extend([(path + (k,), c) for k, c in reversed(pairs)])
        else:
            stack.extend([(path + (k,), c) for k, c in pairs])
    nodes.reverse()
    out.reverse()
    return out, _make_treedef(tuple(nodes))


def leaves(tree: Any, is_leaf: IsLeaf = None) -> list:
    """Return the leaves of a pytree in flatten order.

    Args:
        tree: the pytree.
        is_leaf: optional predicate stopping descent.

    Returns:
        A list of leaves.

    >>> leaves([1, {"x": 2, "y": (3,)}, None])
    [1, 2, 3]
    """
    return flatten(tree, is_leaf)[0]


def structure(tree: Any, is_leaf: IsLeaf = None) -> TreeDef:
    """Return the TreeDef of a pytree.

    Args:
        tree: the pytree.
        is_leaf: optional predicate stopping descent.

    Returns:
        The TreeDef.

    >>> structure((1, [2, 3]))
    TreeDef((*, [*, *]))
    """
    return flatten(tree, is_leaf)[1]


def unflatten(treedef: TreeDef, leaves: Iterable[Any]) -> Any:
    """Rebuild a pytree from a TreeDef and its leaves.

    Args:
        treedef: the structure, e.g. from :func:`flatten`.
        leaves: exactly ``treedef.num_leaves`` values, in flatten order.

    Returns:
        The tree. Raises ValueError if the leaf count is wrong.

    >>> leaves_, td = flatten({"a": 1, "b": (2, 3)})
    >>> unflatten(td, [x * 10 for x in leaves_])
    {'a': 10, 'b': (20, 30)}
    """
    return treedef.unflatten(leaves)


def describe(x: Any) -> str:
    """Describe a value briefly, for error messages.

    Args:
        x: any value, container or leaf.

    Returns:
        A short string such as ``"ndarray float32 (3, 4)"`` or
        ``"dict with keys ['a', 'b']"``.

    >>> import numpy as np
    >>> describe(np.zeros((3, 4), np.float32))
    'ndarray float32 (3, 4)'
    >>> describe({"b": 1, "a": 2}), describe([1, 2])
    ("dict with keys ['a', 'b']", 'list of length 2')
    """
    kind = _lookup(type(x))
    if kind is None:
        return _describe_leaf(x)
    children, aux = kind.flatten(x)
    return kind.describe(aux, len(children))


def _raise_mismatch(fn, treedef, leaves_a, b, prefix, name_a, name_b):
    found = _find_mismatch(treedef._nodes, leaves_a, b, prefix)
    if found is None:  # e.g. a flatten function that is not deterministic
        raise ValueError(
            f"{fn}: structures differ: {name_a} is {treedef!r}, {name_b} is {structure(b)!r}"
        )
    path, pa, pb = found
    where = keystr(path) if path else "the root"
    raise ValueError(f"{fn}: structures differ at {where}: {name_a} has {pa}, {name_b} has {pb}")


def _up_to(treedef: TreeDef, tree: Any, fn: str, leaves_a, name_b: str) -> list:
    """Subtrees of ``tree`` at ``treedef``'s leaves (reversed post-order walk)."""
    nodes, get_kind = treedef._nodes, _KINDS.get
    if len(nodes) == treedef._num_leaves + 1:  # a single node over leaves
        kind, aux, n = nodes[-1]
        if get_kind(type(tree)) is kind:
            children, aux_x = kind.flatten(tree)
            if len(children) == n and aux_x == aux:
                return list(children)
    elif len(nodes) == 1:
        return [tree]
    else:
        out: list = []
        stack = [tree]
        pop, push_all = stack.pop, stack.extend
        for node in reversed(nodes):
            x = pop()
            if node is None:
                out.append(x)
                continue
            kind, aux, n = node
            if get_kind(type(x)) is not kind:
                break
            children, aux_x = kind.flatten(x)
            if len(children) != n or aux_x != aux:
                break
            push_all(children)
        else:
            out.reverse()
            return out
    name_a = "first tree" if leaves_a is not None else "treedef"
    _raise_mismatch(fn, treedef, leaves_a, tree, True, name_a, name_b)
    raise AssertionError("unreachable")  # pragma: no cover


def map(f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: IsLeaf = None) -> Any:
    """Apply ``f`` to each leaf of ``tree`` (and matching subtrees of ``rest``).

    Args:
        f: called as ``f(leaf, *others)`` where ``others`` are the subtrees
            of each ``rest`` tree at the leaf's position.
        tree: the pytree defining the structure.
        *rest: trees that have ``tree``'s structure as a prefix.
        is_leaf: optional predicate stopping descent in ``tree``.

    Returns:
        A tree with ``tree``'s structure holding ``f``'s results. Raises
        ValueError naming the first differing key path on mismatch.

    >>> map(lambda x, y: x + y, {"a": 1, "b": [2, 3]}, {"a": 10, "b": [20, 30]})
    {'a': 11, 'b': [22, 33]}
    """
    leaves_, treedef = flatten(tree, is_leaf)
    if not rest:
        return treedef.unflatten([f(x) for x in leaves_])
    others = [_up_to(treedef, r, "tree.map", leaves_, f"tree {i}") for i, r in enumerate(rest, 2)]
    return treedef.unflatten([f(*xs) for xs in zip(leaves_, *others)])


def map_with_path(f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: IsLeaf = None) -> Any:
    """Like :func:`map`, but ``f`` receives the leaf's key path first.

    Args:
        f: called as ``f(path, leaf, *others)``.
        tree: the pytree defining the structure.
        *rest: trees that have ``tree``'s structure as a prefix.
        is_leaf: optional predicate stopping descent in ``tree``.

    Returns:
        A tree with ``tree``'s structure holding ``f``'s results.

    >>> map_with_path(lambda p, x: f"{keystr(p)}={x}", {"a": [1, 2]})
    {'a': ["['a'][0]=1", "['a'][1]=2"]}
    """
    pairs, treedef = flatten_with_path(tree, is_leaf)
    leaves_ = [x for _, x in pairs]
    others = [
        _up_to(treedef, r, "tree.map_with_path", leaves_, f"tree {i}")
        for i, r in enumerate(rest, 2)
    ]
    return treedef.unflatten([f(p, x, *xs) for (p, x), *xs in zip(pairs, *others)])


def assert_same_structure(a: Any, b: Any, *, names: tuple[str, str] = ("first", "second")) -> None:
    """Raise ValueError unless ``a`` and ``b`` have identical structure.

    Args:
        a: first tree.
        b: second tree.
        names: how the two trees are called in the error message.

    Returns:
        None. The error names the first differing key path and both sides.

    >>> assert_same_structure({"a": 1}, {"a": 2.0})
    >>> assert_same_structure({"a": 1}, {"a": [1]}, names=("params", "grads"))
    Traceback (most recent call last):
    ...
    ValueError: assert_same_structure: structures differ at ['a']:
    params has a leaf (int 1), grads has a list of length 1
    """
    leaves_a, td_a = flatten(a)
    if td_a != structure(b):
        _raise_mismatch("assert_same_structure", td_a, leaves_a, b, False, *names)
