"""Tests for funcgrad.io: bit-exact round trips, key-path names, template checks, processes."""

from __future__ import annotations

import io as _io
import json
import os
import pathlib
import subprocess
import sys
from typing import Any, NamedTuple

import attrs
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st
from hypothesis.extra import numpy as hnp

import funcgrad
from funcgrad import io, random, tree
from funcgrad.testing import strategies as fst

ROOT = pathlib.Path(funcgrad.__file__).resolve().parent.parent


class State(NamedTuple):
    step: Any
    mu: Any


@attrs.frozen(eq=False)
class Linear:
    w: Any
    b: Any
    features: int = attrs.field(default=2, metadata={"static": True})


def _params():
    nan_payload = np.array([0x7FF8_0000_DEAD_BEEF], np.uint64).view(np.float64)
    return {
        "layers": [
            Linear(np.arange(6, dtype=np.float32).reshape(3, 2), np.array([-0.0, np.inf])),
            Linear(np.array([[1.5]]), np.concatenate([nan_payload, [np.nan]])),
        ],
        "opt": State(np.int64(7), (np.zeros(2, np.float16), None)),
        "key": random.key(11),
        "flags": np.array([True, False]),
        "z": np.array([1 + 2j], np.complex64),
    }


def _assert_bit_equal(a, b):
    la, ta = tree.flatten(a)
    lb, tb = tree.flatten(b)
    assert ta == tb
    for x, y in zip(la, lb):
        x = np.asarray(x)
        assert y.dtype == x.dtype and y.shape == x.shape and y.tobytes() == x.tobytes()


def test_round_trip_is_bit_exact_and_read_only(tmp_path):
    params = _params()
    path = tmp_path / "params.npz"
    io.save(path, params)
    out = io.load(path, like=params)
    _assert_bit_equal(params, out)
    assert isinstance(out["layers"][1], Linear) and isinstance(out["opt"], State)
    for leaf in tree.leaves(out):
        assert isinstance(leaf, np.ndarray) and not leaf.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        out["layers"][0].w[0, 0] = 1.0


def test_entries_are_named_by_key_paths(tmp_path):
    io.save(tmp_path / "p.npz", _params())
    with np.load(tmp_path / "p.npz", allow_pickle=False) as f:
        names = set(f.files)
        record = json.loads(str(f["__funcgrad_io__"]))
    expected = {
        "['flags']",
        "['key']",
        "['layers'][0].w",
        "['layers'][0].b",
        "['layers'][1].w",
        "['layers'][1].b",
        "['opt'].step",
        "['opt'].mu[0]",
        "['z']",
    }
    assert names == expected | {"__funcgrad_io__"}
    assert record["format"] == "funcgrad.io" and record["version"] == 1
    assert record["paths"][:3] == ["['flags']", "['key']", "['layers'][0].w"]
    assert record["structure"].startswith("TreeDef({'flags': *, 'key': *, 'layers': [Linear(")


def test_the_path_is_used_as_given_and_files_are_replaced(tmp_path):
    path = tmp_path / "checkpoint"
    io.save(str(path), {"a": np.ones(2)})
    io.save(path, {"a": np.zeros(2)})
    assert os.listdir(tmp_path) == ["checkpoint"]  # no .npz added, no temporary left over
    assert io.load(path, like={"a": np.ones(2)})["a"].tolist() == [0.0, 0.0]


def test_scalars_become_0d_arrays_of_their_numpy_dtype():
    f = _io.BytesIO()
    io.save(f, {"lr": 0.1, "step": 3, "on": True, "c": 1j, "h": np.float16(2)})
    f.seek(0)
    out = io.load(f, like={"lr": 0.0, "step": 0, "on": False, "c": 0j, "h": np.float16(0)})
    assert {k: (v.shape, v.dtype) for k, v in out.items()} == {
        "lr": ((), np.float64),
        "step": ((), np.asarray(3).dtype),
        "on": ((), np.bool_),
        "c": ((), np.complex128),
        "h": ((), np.float16),
    }
    assert out["lr"] == 0.1 and out["step"] == 3 and out["on"] and out["c"] == 1j


def test_a_single_array_and_an_empty_tree_round_trip():
    for t in (np.arange(3), {}, [None, ()]):
        f = _io.BytesIO()
        io.save(f, t)
        f.seek(0)
        _assert_bit_equal(t, io.load(f, like=t))


def test_keys_round_trip_and_still_work(tmp_path):
    key = random.key(5)
    keys = random.split(key, 3)
    io.save(tmp_path / "k", {"key": key, "keys": keys})
    out = io.load(tmp_path / "k", like={"key": key, "keys": keys})
    assert out["key"].dtype == np.uint64 and out["key"].tolist() == key.tolist()
    assert np.array_equal(random.normal(out["key"], (3,)), random.normal(key, (3,)))
    assert np.array_equal(random.uniform(out["keys"][2]), random.uniform(keys[2]))


def test_load_without_a_template_gives_a_flat_dict():
    f = _io.BytesIO()
    io.save(f, {"b": [np.ones(1), 2.0], "a": np.zeros(2)})
    f.seek(0)
    out = io.load(f)
    assert list(out) == ["['a']", "['b'][0]", "['b'][1]"]
    assert out["['b'][1]"].dtype == np.float64 and not out["['a']"].flags.writeable


def test_shape_dtype_records_can_serve_as_templates():
    class Spec:  # anything with .shape and .dtype, e.g. a record of an abstract array
        def __init__(self, shape, dtype):
            self.shape, self.dtype = shape, dtype

    f = _io.BytesIO()
    io.save(f, {"w": np.ones((2, 3), np.float32)})
    f.seek(0)
    out = io.load(f, like={"w": Spec((2, 3), "float32")})
    assert out["w"].shape == (2, 3) and out["w"].dtype == np.float32


def test_every_mismatch_is_named_in_one_error(tmp_path):
    path = tmp_path / "model.npz"
    io.save(path, {"w": np.ones((3, 2)), "b": np.zeros(2, np.float32), "extra": [np.ones(1)]})
    like = {"w": np.ones((2, 3)), "b": np.zeros(2), "missing": 0.0, "m2": Linear(1.0, 2.0)}
    with pytest.raises(ValueError) as e:
        io.load(path, like=like)
    msg = str(e.value)
    assert msg.startswith(f"load: {str(path)!r} does not match the template (6 mismatches):")
    for line in [
        "['w']: shape (3, 2) in the file, (2, 3) in the template",
        "['b']: dtype float32 in the file, float64 in the template",
        "['missing']: missing from the file (template has float64 ())",
        "['m2'].w: missing from the file",
        "['m2'].b: missing from the file",
        "['extra'][0]: in the file (float64 (1,)) but not in the template",
        "(the file was saved from TreeDef({'b': *, 'extra': [*], 'w': *}))",
    ]:
        assert line in msg


def test_shape_and_dtype_mismatch_on_one_leaf_are_both_named():
    f = _io.BytesIO()
    io.save(f, [np.ones(2, np.float32)])
    f.seek(0)
    with pytest.raises(ValueError, match="2 mismatches") as e:
        io.load(f, like=[np.ones(3)])
    assert "[0]: shape (2,) in the file, (3,)" in str(e.value)
    assert "[0]: dtype float32 in the file, float64" in str(e.value)


def test_object_leaves_are_refused():
    with pytest.raises(
        TypeError, match=r"leaf at \['f'\] \(builtin_function_or_method object\) cannot be stored"
    ):
        io.save(_io.BytesIO(), {"f": len})
    with pytest.raises(TypeError, match=r"leaf at \[0\] \(ndarray object \(2,\)\)"):
        io.save(_io.BytesIO(), [np.array([None, 1])])


def test_saving_a_traced_value_names_its_path():
    def loss(w):
        io.save(_io.BytesIO(), {"w": w})
        return w.sum()

    with pytest.raises(TypeError, match=r"save: the leaf at \['w'\]: a traced value"):
        funcgrad.grad(loss)(np.ones(2))


def test_leaves_with_the_same_path_text_are_refused():
    class K:
        def __init__(self, i):
            self.i = i

        def __repr__(self):
            return "k"

    with pytest.raises(ValueError, match="same key path '\\[k\\]'"):
        io.save(_io.BytesIO(), {K(1): 1.0, K(2): 2.0})


def test_other_formats_are_refused_and_plain_npz_files_load():
    f = _io.BytesIO()
    np.savez(
        f, **{"__funcgrad_io__": np.array(json.dumps({"format": "funcgrad.io", "version": 99}))}
    )
    f.seek(0)
    with pytest.raises(ValueError, match="version 99"):
        io.load(f)
    g = _io.BytesIO()
    np.savez(g, **{"['a']": np.arange(3)})
    g.seek(0)
    assert io.load(g, like={"a": np.zeros(3, np.int64)})["a"].tolist() == [0, 1, 2]


def test_a_file_saved_in_another_process_loads_bit_exactly(tmp_path):
    path = tmp_path / "from_child.npz"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from tests.test_io import _params, _child_tree\n"
        "from funcgrad import io\n"
        "io.save(sys.argv[2], _child_tree())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(ROOT), str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    expected = _child_tree()
    _assert_bit_equal(expected, io.load(path, like=expected))


def _child_tree():
    k1, k2 = random.split(random.key(2024))
    return {
        "params": _params(),
        "noise": random.normal(k1, (4, 5), dtype=np.float32),
        "next_key": k2,
    }


# ---------------------------------------------------------------- properties

_leaf_arrays = hnp.arrays(
    dtype=st.one_of(
        hnp.boolean_dtypes(),
        hnp.integer_dtypes(),
        hnp.unsigned_integer_dtypes(),
        hnp.floating_dtypes(),
        hnp.complex_number_dtypes(),
    ),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
)
_leaves = st.one_of(
    fst.arrays(),
    _leaf_arrays,
    st.floats(allow_nan=True),
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
)


@given(fst.pytrees(leaves=_leaves, max_leaves=8))
def test_generated_pytrees_round_trip_bit_exactly(t):
    f = _io.BytesIO()
    io.save(f, t)
    f.seek(0)
    _assert_bit_equal(t, io.load(f, like=t))


@given(fst.pytrees(max_leaves=6), st.data())
def test_a_changed_leaf_shape_is_reported_at_its_path(t, data):
    pairs, treedef = tree.flatten_with_path(t)
    assume(pairs)
    i = data.draw(st.integers(0, len(pairs) - 1))
    path, leaf = pairs[i]
    changed = np.zeros(leaf.shape + (2,))
    like = treedef.unflatten([changed if j == i else x for j, (_, x) in enumerate(pairs)])
    f = _io.BytesIO()
    io.save(f, t)
    f.seek(0)
    with pytest.raises(ValueError, match="1 mismatch") as e:
        io.load(f, like=like)
    where = tree.keystr(path) or "<root>"
    assert f"{where}: shape {leaf.shape} in the file, {changed.shape} in the template" in str(
        e.value
    )
