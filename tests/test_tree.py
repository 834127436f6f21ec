"""Tests for funcgrad.tree (pytree flatten/unflatten/map and friends)."""

from __future__ import annotations

import dataclasses
import pickle
import sys
from collections import OrderedDict, defaultdict, namedtuple
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from funcgrad import tree
from funcgrad.tree import DictKey, GetAttrKey, SequenceKey, TreeDef

Point = namedtuple("Point", ["x", "y"])


@dataclasses.dataclass
class DC:
    a: Any
    b: Any
    n: int = dataclasses.field(default=0, metadata={"static": True})


@attrs.define(frozen=True)  # slotted and frozen
class AT:
    a: Any
    b: Any
    tag: str = attrs.field(default="t", metadata={"static": True})


# ----------------------------------------------------------------- helpers


def _record_fields(x):
    if dataclasses.is_dataclass(x):
        return [f.name for f in dataclasses.fields(x)]
    if attrs.has(type(x)):
        return [a.name for a in attrs.fields(type(x))]
    return None


def tree_equal(a, b) -> bool:
    """Exact structural equality, iterative, ndarray-aware (dtype too)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, np.ndarray):
            if x.dtype != y.dtype or x.shape != y.shape or not np.array_equal(x, y):
                return False
        elif isinstance(x, (list, tuple)):  # namedtuples included
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif isinstance(x, dict):  # OrderedDict/defaultdict included
            if list(x) != list(y) if type(x) is OrderedDict else set(x) != set(y):
                return False
            if isinstance(x, defaultdict) and x.default_factory is not y.default_factory:
                return False
            stack.extend((x[k], y[k]) for k in x)
        elif _record_fields(x) is not None:
            names = _record_fields(x)
            stack.extend((getattr(x, n), getattr(y, n)) for n in names)
        elif x != y:
            return False
    return True


def get_at(t, path):
    for k in path:
        if isinstance(k, DictKey):
            t = t[k.key]
        elif isinstance(k, SequenceKey):
            t = t[k.idx]
        else:
            t = getattr(t, k.name)
    return t


leaf_st = st.one_of(
    st.floats(allow_nan=False, width=64),
    hnp.arrays(
        st.sampled_from([np.float32, np.float64]),
        hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
        elements=st.floats(-10, 10, width=32),
    ),
)
key_st = st.sampled_from(["a", "b", "w", "bias", "layers"])


def _extend(children):
    return st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(key_st, children, max_size=3),
        st.dictionaries(key_st, children, max_size=3).map(
            lambda d: OrderedDict(reversed(d.items()))
        ),
        st.dictionaries(key_st, children, max_size=3).map(lambda d: defaultdict(list, d)),
        st.builds(Point, children, children),
        st.builds(DC, children, children, st.integers(0, 2)),
        st.builds(AT, children, children, st.sampled_from(["p", "q"])),
    )


tree_st = st.recursive(st.one_of(leaf_st, st.none()), _extend, max_leaves=12)


# ------------------------------------------------------------- properties


@given(tree_st)
def test_roundtrip(t):
    leaves, td = tree.flatten(t)
    assert isinstance(td, TreeDef)
    assert td.num_leaves == len(leaves)
    assert all(isinstance(x, (float, np.ndarray)) for x in leaves)
    again = tree.leaves(t)
    assert len(again) == len(leaves) and all(x is y for x, y in zip(again, leaves))
    t2 = tree.unflatten(td, leaves)
    assert tree_equal(t, t2)
    assert tree.structure(t2) == td and hash(tree.structure(t2)) == hash(td)
    assert repr(tree.structure(t)) == repr(td)
    assert tree_equal(tree.map(lambda x: x, t), t)
    assert tree_equal(td.unflatten(leaves), t)


@given(tree_st)
def test_paths_lead_to_leaves(t):
    pairs, td = tree.flatten_with_path(t)
    leaves, td2 = tree.flatten(t)
    assert td == td2
    assert len(pairs) == len(leaves)
    for (path, leaf), expected in zip(pairs, leaves):
        assert leaf is expected
        assert get_at(t, path) is leaf
    seen: list = []
    out = tree.map_with_path(lambda p, x: seen.append((p, x)) or 0, t)
    assert tree.structure(out) == td
    assert [p for p, _ in seen] == [p for p, _ in pairs]
    assert all(x is y for (_, x), (_, y) in zip(seen, pairs))


@given(tree_st)
def test_map_two_trees_and_same_structure(t):
    doubled = tree.map(lambda x: x * 2, t)
    tree.assert_same_structure(t, doubled)
    summed = tree.map(lambda x, y: x + y, t, t)
    assert tree_equal(summed, doubled)


# ------------------------------------------------------------ containers


def test_none_is_an_empty_node():
    assert tree.leaves(None) == []
    assert tree.leaves([None, 1, {"a": None}]) == [1]
    td = tree.structure(None)
    assert td.num_leaves == 0 and td.num_nodes == 1
    assert tree.unflatten(td, []) is None
    assert tree.leaves([None], is_leaf=lambda x: x is None) == [None]


def test_dict_sorted_and_rebuilt_sorted():
    leaves, td = tree.flatten({"b": 1, "a": 2, "c": 3})
    assert leaves == [2, 1, 3]
    out = td.unflatten([10, 20, 30])
    assert type(out) is dict and list(out) == ["a", "b", "c"]
    assert tree.structure({"a": 1, "b": 2}) == tree.structure({"b": 0, "a": 0})
    assert tree.structure({"a": 1}) != tree.structure({"b": 1})
    assert repr(tree.structure({"w": 1, "b": 2})) == "TreeDef({'b': *, 'w': *})"


def test_dict_with_unorderable_keys():
    d = {1: "one", "x": "ex", (2,): "tup", None: "none"}
    leaves, td = tree.flatten(d)
    assert sorted(leaves) == sorted(d.values())
    out = td.unflatten(leaves)
    assert out == d
    assert tree.structure(dict(reversed(d.items()))) == td


def test_ordered_dict_keeps_insertion_order():
    od = OrderedDict([("z", 1), ("a", 2)])
    leaves, td = tree.flatten(od)
    assert leaves == [1, 2]
    out = td.unflatten([3, 4])
    assert type(out) is OrderedDict and list(out.items()) == [("z", 3), ("a", 4)]
    assert td != tree.structure(OrderedDict([("a", 2), ("z", 1)]))
    assert td != tree.structure({"z": 1, "a": 2})


def test_defaultdict_keeps_factory():
    dd = defaultdict(list, {"b": 1, "a": 2})
    leaves, td = tree.flatten(dd)
    assert leaves == [2, 1]
    out = td.unflatten([5, 6])
    assert type(out) is defaultdict and out.default_factory is list
    assert dict(out) == {"a": 5, "b": 6}
    assert td != tree.structure(defaultdict(int, {"b": 1, "a": 2}))


def test_namedtuple_rebuilt_as_its_class():
    p = Point(1.0, [2.0, 3.0])
    pairs, td = tree.flatten_with_path(p)
    assert [tree.keystr(path) for path, _ in pairs] == [".x", ".y[0]", ".y[1]"]
    out = td.unflatten([4, 5, 6])
    assert type(out) is Point and out == Point(4, [5, 6])
    assert td != tree.structure((1.0, [2.0, 3.0]))
    assert repr(td) == "TreeDef(Point(x=*, y=[*, *]))"


def test_list_vs_tuple_and_single_tuple_repr():
    assert tree.structure([1]) != tree.structure((1,))
    assert repr(tree.structure((1,))) == "TreeDef((*,))"
    assert repr(tree.structure(3.0)) == "TreeDef(*)"


def test_is_leaf_stops_descent():
    t = {"a": [1, 2], "b": (3, [4])}
    leaves = tree.leaves(t, is_leaf=lambda x: isinstance(x, list))
    assert leaves == [[1, 2], 3, [4]]
    assert tree.map(
        lambda x: len(x) if isinstance(x, list) else x, t, is_leaf=lambda x: isinstance(x, list)
    ) == {"a": 2, "b": (3, 1)}


# ------------------------------------------------------- records / static


def test_dataclass_static_field_in_treedef_not_leaves():
    x = DC(np.ones(2), 3.0, n=7)
    leaves, td = tree.flatten(x)
    assert len(leaves) == 2 and leaves[1] == 3.0
    assert not any(type(x) is int for x in leaves)
    assert td != tree.structure(DC(np.ones(2), 3.0, n=8))
    assert td == tree.structure(DC(0.0, 1.0, n=7))
    out = td.unflatten(["p", "q"])
    assert type(out) is DC and (out.a, out.b, out.n) == ("p", "q", 7)
    assert repr(td) == "TreeDef(DC(a=*, b=*, n=7))"
    pairs, _ = tree.flatten_with_path(x)
    assert [p for p, _ in pairs] == [(GetAttrKey("a"),), (GetAttrKey("b"),)]


def test_attrs_static_field_in_treedef_not_leaves():
    x = AT([1.0, 2.0], None, tag="hello")
    leaves, td = tree.flatten(x)
    assert leaves == [1.0, 2.0]
    assert td != tree.structure(AT([1.0, 2.0], None, tag="bye"))
    out = td.unflatten([3.0, 4.0])
    assert type(out) is AT and out == AT([3.0, 4.0], None, tag="hello")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        out.a = 1


def test_records_rebuilt_without_calling_init():
    @dataclasses.dataclass(frozen=True)
    class Checked:
        w: Any

        def __post_init__(self):
            if not isinstance(self.w, np.ndarray):
                raise TypeError("w must be an array")

    td = tree.structure(Checked(np.zeros(3)))
    out = td.unflatten([object()])  # __init__ would refuse this
    assert type(out) is Checked and type(out.w) is object

    @attrs.define(slots=False)
    class Plain:
        w: Any = attrs.field(validator=attrs.validators.instance_of(float))

    out = tree.map(lambda x: "not a float", Plain(1.0))
    assert out.w == "not a float"


def test_dataclass_slots_init_false_and_attrs_cache_hash():
    @dataclasses.dataclass
    class WithDerived:
        a: float
        total: float = dataclasses.field(init=False)

        def __post_init__(self):
            self.total = self.a * 2

    x = WithDerived(1.5)
    assert tree.leaves(x) == [1.5, 3.0]  # init=False fields are carried too
    y = tree.map(lambda v: v + 1, x)
    assert (y.a, y.total) == (2.5, 4.0)

    @attrs.frozen(cache_hash=True)
    class Hashed:
        a: float

    h = tree.map(lambda v: v + 1, Hashed(1.0))
    assert h == Hashed(2.0) and hash(h) == hash(Hashed(2.0))

    @attrs.define(slots=False, cache_hash=True, hash=True)
    class HashedDict:
        a: float

    assert hash(tree.map(lambda v: v, HashedDict(1.0))) == hash(HashedDict(1.0))


def test_unhashable_static_field_raises():
    with pytest.raises(TypeError, match="hashable"):
        tree.flatten(DC(1.0, 2.0, n=[1, 2]))


# ------------------------------------------------------------- errors


def test_map_mismatch_message_names_path_and_both_sides():
    Layer = namedtuple("Layer", ["w", "bias"])
    a = {"layers": [Layer(1.0, 2.0), Layer(1.0, 2.0), Layer(1.0, np.zeros(10))]}
    b = {"layers": [Layer(1.0, 2.0), Layer(1.0, 2.0), Layer(1.0, {"a": 1, "b": 2})]}
    # a's leaves may map to subtrees of b (prefix semantics) ...
    out = tree.map(lambda x, y: y, a, b)
    assert out["layers"][2].bias == {"a": 1, "b": 2}
    # ... but not the other way round.
    with pytest.raises(ValueError) as exc:
        tree.map(lambda x, y: x, b, a)
    msg = str(exc.value)
    assert "['layers'][2].bias" in msg
    assert "dict with keys ['a', 'b']" in msg
    assert "ndarray float64 (10,)" in msg
    assert "tree 2" in msg and "first tree" in msg


def test_map_mismatch_kinds_of_difference():
    msg = r"at \[1\]: first tree has a list of length 2, tree 2 has a tuple"
    with pytest.raises(ValueError, match=msg):
        tree.map(lambda x, y: x, [1, [2, 3]], [1, (2, 3)])
    with pytest.raises(ValueError, match=r"at the root: .*\['a', 'b'\].*\['a', 'c'\]"):
        tree.map(lambda x, y: x, {"a": 1, "b": 2}, {"a": 1, "c": 2})
    with pytest.raises(ValueError, match=r"tree 3 has a leaf \(float 5.0\)"):
        tree.map(lambda x, y, z: x, [1, [2]], [1, [2]], [1, 5.0])
    with pytest.raises(ValueError, match=r"static n=1.*static n=2"):
        tree.map(lambda x, y: x, DC(1, 2, n=1), DC(1, 2, n=2))
    msg = r"tree.map_with_path: .* at \['p'\]\.y: first tree has a list"
    with pytest.raises(ValueError, match=msg):
        tree.map_with_path(lambda p, x, y: x, {"p": Point(1, [2])}, {"p": Point(1, 2)})


def test_assert_same_structure():
    tree.assert_same_structure({"a": [1, 2]}, {"a": [3.0, np.ones(2)]})
    with pytest.raises(ValueError) as exc:
        tree.assert_same_structure({"a": [1, 2]}, {"a": [1, [2]]}, names=("params", "grads"))
    msg = str(exc.value)
    assert "['a'][1]" in msg and "params has a leaf (int 2)" in msg
    assert "grads has a list of length 1" in msg
    with pytest.raises(ValueError, match="at the root"):
        tree.assert_same_structure([1], (1,))


def test_unflatten_wrong_leaf_count():
    td = tree.structure({"a": 1, "b": [2, 3]})
    with pytest.raises(ValueError, match="expected 3 leaves, got 2"):
        tree.unflatten(td, [1, 2])
    with pytest.raises(ValueError, match="expected 3 leaves, got 4"):
        td.unflatten([1, 2, 3, 4])


def test_flatten_up_to_error():
    td = tree.structure([0, {"k": 0}])
    assert td.flatten_up_to([[1], {"k": (2, 3)}]) == [[1], (2, 3)]
    msg = r"at \[1\]: treedef has a dict with keys \['k'\], tree has a leaf"
    with pytest.raises(ValueError, match=msg):
        td.flatten_up_to([1, 2])


def test_describe():
    assert tree.describe(np.zeros((3, 4), np.float32)) == "ndarray float32 (3, 4)"
    assert tree.describe({"b": 1, "a": 2}) == "dict with keys ['a', 'b']"
    assert tree.describe((1, 2)) == "tuple of length 2"
    assert tree.describe(None) == "None"
    assert tree.describe(np.float32(1.5)) == "float32 scalar 1.5"
    assert tree.describe(Point(1, 2)) == "namedtuple Point"
    assert tree.describe(DC(1, 2, n=3)) == "dataclass DC (static n=3)"
    assert "(100 keys)" in tree.describe({i: i for i in range(100)})


# --------------------------------------------------------- deep and wide


def _deep_equal_lists(a, b):
    while a != []:
        if type(b) is not list or len(a) != 2 or len(b) != 2 or a[1] != b[1]:
            return False
        a, b = a[0], b[0]
    return b == []


def test_deep_tree_roundtrip_without_recursion():
    assert sys.getrecursionlimit() <= 10_000
    t: Any = []
    for _ in range(100_000):
        t = [t, 1.0]
    leaves, td = tree.flatten(t)
    assert len(leaves) == 100_000 and td.num_nodes == 200_001
    t2 = tree.unflatten(td, leaves)
    assert _deep_equal_lists(t, t2)
    assert tree.structure(t2) == td and hash(tree.structure(t2)) == hash(td)
    assert td != tree.structure([t, 2.0, 3.0])
    assert repr(td).startswith("TreeDef([[[") and len(td.children()) == 2
    t3 = tree.map(lambda x: x + 1, t)
    assert t3[1] == 2.0 and tree.leaves(t3)[-1] == 2.0
    tree.map(lambda x, y: x, t, t2)
    tree.assert_same_structure(t, t2)


def test_deep_mismatch_and_paths():
    a: Any = 0.0
    b: Any = {"x": 1}
    for _ in range(3000):
        a, b = [a], [b]
    pairs, _ = tree.flatten_with_path(a)
    assert pairs[0][0] == (SequenceKey(0),) * 3000
    with pytest.raises(ValueError) as exc:
        tree.assert_same_structure(b, a)
    assert "[0]" * 3000 + ":" in str(exc.value)
    a, b = {"k": 1.0}, 2.0
    for _ in range(100_000):
        a, b = [a, 1.0], [b, 1.0]
    with pytest.raises(ValueError) as exc:
        tree.map(lambda x, y: x, a, b)
    msg = str(exc.value)
    expected = ": first tree has a dict with keys ['k'], tree 2 has a leaf (float 2.0)"
    assert "[0]" * 100_000 + expected in msg


def test_wide_dict():
    d = {f"k{i:06d}": float(i) for i in range(100_000)}
    leaves, td = tree.flatten(d)
    assert leaves == sorted(d.values())
    assert tree.unflatten(td, leaves) == d
    assert td.num_leaves == 100_000


# ------------------------------------------------------------ registry


def test_register_node_without_keys():
    class Box:
        def __init__(self, items, label):
            self.items, self.label = list(items), label

    tree.register_node(Box, lambda b: (b.items, b.label), lambda label, c: Box(c, label))
    t = {"box": Box([1.0, [2.0]], "L")}
    leaves, td = tree.flatten(t)
    assert leaves == [1.0, 2.0]
    out = td.unflatten([3.0, 4.0])
    assert type(out["box"]) is Box and out["box"].items == [3.0, [4.0]]
    assert out["box"].label == "L"
    assert td != tree.structure({"box": Box([1.0, [2.0]], "M")})
    pairs, _ = tree.flatten_with_path(t)
    assert [tree.keystr(p) for p, _ in pairs] == ["['box'][0]", "['box'][1][0]"]
    assert repr(td) == "TreeDef({'box': Box['L'](*, [*])})"
    with pytest.raises(ValueError, match="already registered"):
        tree.register_node(Box, lambda b: ((), None), lambda a, c: Box([], None))
    with pytest.raises(ValueError, match="already registered"):
        tree.register_node(dict, lambda b: ((), None), lambda a, c: {})


def test_register_node_with_keys():
    class Params:
        def __init__(self, w, b):
            self.w, self.b = w, b

    tree.register_node(
        Params,
        lambda p: ((p.w, p.b), None),
        lambda _, c: Params(*c),
        lambda p: (((GetAttrKey("w"), p.w), (GetAttrKey("b"), p.b)), None),
    )
    pairs, td = tree.flatten_with_path({"layers": [Params(1.0, 2.0)]})
    assert [tree.keystr(p) for p, _ in pairs] == ["['layers'][0].w", "['layers'][0].b"]
    assert td == tree.structure({"layers": [Params(0, 0)]})
    with pytest.raises(ValueError, match=r"\['layers'\]\[0\]\.b"):
        tree.map(lambda x, y: x, {"layers": [Params(1.0, [2.0])]}, {"layers": [Params(1.0, 2.0)]})


# ------------------------------------------------------- keys / treedef


def test_keys_and_keystr():
    path = (DictKey("layers"), SequenceKey(2), GetAttrKey("bias"))
    assert tree.keystr(path) == "['layers'][2].bias"
    assert tree.keystr(()) == ""
    assert [str(k) for k in path] == ["['layers']", "[2]", ".bias"]
    assert repr(path[0]) == "DictKey(key='layers')"
    assert DictKey("a") == DictKey("a") and hash(DictKey("a")) == hash(DictKey("a"))
    assert DictKey(0) != SequenceKey(0)
    assert pickle.loads(pickle.dumps(path)) == path
    with pytest.raises(AttributeError):
        path[0].key = "other"  # type: ignore[misc]
    assert tree.leaves(path) == list(path)  # keys are leaves, not nodes


def test_treedef_api():
    td = tree.structure({"a": [1, 2], "b": None, "c": 3})
    assert td.num_leaves == 3 and td.num_nodes == 6  # dict, list, 1, 2, None, 3
    assert td.children() == [tree.structure([0, 0]), tree.structure(None), tree.structure(0)]
    assert td.node_data() == (dict, ("a", "b", "c"))
    assert tree.structure(1).node_data() is None
    assert {td: 1}[tree.structure({"c": 0, "b": None, "a": [0, 0]})] == 1
    assert td != tree.structure({"a": [1, 2], "b": 0, "c": 3})
    assert (td == 5) is False
    with pytest.raises(AttributeError):
        td._nodes = ()  # type: ignore[misc]
    assert tree.unflatten(tree.structure(5), ["x"]) == "x"
    assert tree.leaves("a string") == ["a string"]
