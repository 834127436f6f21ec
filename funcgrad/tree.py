"""Pytree utilities (same contract as ``jax.tree_util``).

A pytree is a nested structure of containers (tuple, list, dict, None,
namedtuple, OrderedDict, defaultdict, dataclasses, attrs classes and
registered node types) whose non-container values are the *leaves*.

>>> from funcgrad import tree
>>> leaves, treedef = tree.flatten({"w": [1.0, 2.0], "b": 3.0})
>>> leaves
[3.0, 1.0, 2.0]
>>> tree.map(lambda x: x * 2, {"w": [1.0, 2.0], "b": 3.0})
{'b': 6.0, 'w': [2.0, 4.0]}
"""

from __future__ import annotations

from funcgrad._tree import (
    TreeDef as TreeDef,
    assert_same_structure as assert_same_structure,
    describe as describe,
    flatten as flatten,
    flatten_with_path as flatten_with_path,
    leaves as leaves,
    map as map,
    map_with_path as map_with_path,
    structure as structure,
    unflatten as unflatten,
)
from funcgrad._tree_keys import (
    DictKey as DictKey,
    GetAttrKey as GetAttrKey,
    KeyPath as KeyPath,
    SequenceKey as SequenceKey,
    keystr as keystr,
    register_node as register_node,
)

__all__ = [
    "DictKey",
    "GetAttrKey",
    "KeyPath",
    "SequenceKey",
    "TreeDef",
    "assert_same_structure",
    "describe",
    "flatten",
    "flatten_with_path",
    "keystr",
    "leaves",
    "map",
    "map_with_path",
    "register_node",
    "structure",
    "unflatten",
]
