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

from funcgrad._tree import DictKey as DictKey
from funcgrad._tree import GetAttrKey as GetAttrKey
from funcgrad._tree import KeyPath as KeyPath
from funcgrad._tree import SequenceKey as SequenceKey
from funcgrad._tree import TreeDef as TreeDef
from funcgrad._tree import assert_same_structure as assert_same_structure
from funcgrad._tree import describe as describe
from funcgrad._tree import flatten as flatten
from funcgrad._tree import flatten_with_path as flatten_with_path
from funcgrad._tree import keystr as keystr
from funcgrad._tree import leaves as leaves
from funcgrad._tree import map as map
from funcgrad._tree import map_with_path as map_with_path
from funcgrad._tree import register_node as register_node
from funcgrad._tree import structure as structure
from funcgrad._tree import unflatten as unflatten

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
