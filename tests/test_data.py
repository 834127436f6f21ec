"""Tests for funcgrad.data.batches: structure, order, shuffling by key, lengths, errors."""

from __future__ import annotations

from typing import Any, NamedTuple

import attrs
import numpy as np
import pytest
from hypothesis import given, strategies as st

from funcgrad import data, random, tree


class Example(NamedTuple):
    x: Any
    y: Any


@attrs.frozen(eq=False)
class Record:
    image: Any
    label: Any
    name: str = attrs.field(default="r", metadata={"static": True})


def _dataset(n=10):
    return {
        "x": np.arange(n * 3, dtype=np.float32).reshape(n, 3),
        "y": np.arange(n),
        "pair": (np.arange(n) * 10, Example(np.ones((n, 2, 2)), np.zeros(n, bool))),
    }


def _concat(batches_):
    return tree.map(lambda *xs: np.concatenate(xs), *batches_)


def _same(a, b):
    la, ta = tree.flatten(a)
    lb, tb = tree.flatten(b)
    return ta == tb and all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(la, lb))


def test_batches_keep_the_structure_and_cover_the_data_in_order():
    ds = _dataset(10)
    out = list(data.batches(ds, 4))
    assert len(out) == 3
    for b in out:
        assert tree.structure(b) == tree.structure(ds)
    assert [b["y"].tolist() for b in out] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert out[0]["pair"][1].x.shape == (4, 2, 2) and out[2]["x"].shape == (2, 3)
    assert _same(_concat(out), ds)


def test_records_and_a_single_array():
    recs = Record(np.arange(6).reshape(3, 2), np.arange(3), name="digits")
    out = list(data.batches(recs, 2))
    assert all(isinstance(b, Record) and b.name == "digits" for b in out)
    assert out[1].image.tolist() == [[4, 5]]
    assert [b.tolist() for b in data.batches(np.arange(5), 2)] == [[0, 1], [2, 3], [4]]


def test_len_and_drop_last():
    ds = _dataset(10)
    assert len(data.batches(ds, 3)) == 4
    assert len(data.batches(ds, 3, drop_last=True)) == 3
    assert len(data.batches(ds, 5, drop_last=True)) == 2
    assert len(data.batches(ds, 11, drop_last=True)) == 0 and list(data.batches(ds, 11)) != []
    assert [len(b["y"]) for b in data.batches(ds, 3, drop_last=True)] == [3, 3, 3]
    assert len(data.batches({"x": np.zeros((0, 2))}, 3)) == 0


@given(st.integers(0, 30), st.integers(1, 8), st.booleans(), st.booleans())
def test_batch_count_and_sizes(n, batch_size, drop_last, shuffle):
    key = random.key(n) if shuffle else None
    b = data.batches({"i": np.arange(n)}, batch_size, key=key, drop_last=drop_last)
    sizes = [len(x["i"]) for x in b]
    assert len(sizes) == len(b)
    assert all(s == batch_size for s in sizes[:-1]) and all(0 < s <= batch_size for s in sizes)
    seen = np.concatenate([x["i"] for x in b]) if sizes else np.zeros(0, int)
    assert len(set(seen.tolist())) == len(seen)
    if not drop_last:
        assert sorted(seen.tolist()) == list(range(n))
    else:
        assert len(seen) == n - n % batch_size


def test_shuffling_is_a_permutation_fixed_by_the_key():
    ds = _dataset(20)
    key = random.key(3)
    a = [b["y"].tolist() for b in data.batches(ds, 6, key=key)]
    again = [b["y"].tolist() for b in data.batches(ds, 6, key=random.key(3))]
    other = [b["y"].tolist() for b in data.batches(ds, 6, key=random.fold_in(key, 1))]
    flat = sum(a, [])
    assert a == again and a != other
    assert sorted(flat) == list(range(20)) and flat != list(range(20))
    assert flat == random.permutation(key, 20).tolist()
    # rows of every leaf move together
    for b in data.batches(ds, 6, key=key):
        assert np.array_equal(b["x"][:, 0], b["y"] * 3)
        assert np.array_equal(b["pair"][0], b["y"] * 10)


def test_iterating_twice_gives_the_same_batches():
    b = data.batches(_dataset(7), 3, key=random.key(0))
    first = [x["y"].tolist() for x in b]
    assert first == [x["y"].tolist() for x in b]


def test_batches_are_read_only_and_the_data_untouched():
    x = np.arange(6.0)
    for shuffle in (None, random.key(0)):
        for b in data.batches({"x": x}, 4, key=shuffle):
            with pytest.raises(ValueError, match="read-only"):
                b["x"][0] = -1.0
    assert x.flags.writeable and x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_different_lengths_name_the_paths_and_lengths():
    ds = {"x": np.zeros((10, 3)), "y": np.zeros(9), "z": [np.zeros(10), np.zeros(8)]}
    with pytest.raises(ValueError, match="same leading length") as e:
        data.batches(ds, 2)
    msg = str(e.value)
    assert "10 at ['x'], ['z'][0]" in msg and "9 at ['y']" in msg and "8 at ['z'][1]" in msg


def test_scalar_leaves_and_empty_trees_are_errors():
    with pytest.raises(ValueError, match=r"leaf at \['lr'\] is a scalar"):
        data.batches({"x": np.zeros(4), "lr": 0.1}, 2)
    with pytest.raises(ValueError, match="no leaves"):
        data.batches({"a": None, "b": []}, 2)


@pytest.mark.parametrize(
    "batch_size, error", [(0, ValueError), (-2, ValueError), (2.0, TypeError), (True, TypeError)]
)
def test_batch_size_must_be_a_positive_int(batch_size, error):
    with pytest.raises(error, match="batch_size must be a positive int"):
        data.batches(np.zeros(4), batch_size)


def test_numpy_int_batch_size():
    assert len(data.batches(np.zeros(4), np.int64(3))) == 2


def test_an_int_seed_is_not_a_key():
    with pytest.raises(TypeError, match=r"funcgrad\.random\.key\(0\)"):
        data.batches(np.zeros(4), 2, key=0)
    with pytest.raises(TypeError, match="expects a PRNG key"):
        data.batches(np.zeros(4), 2, key=np.zeros(2))


def test_repr():
    b = data.batches(_dataset(10), 4, key=random.key(0))
    assert repr(b) == "Batches(3 batches of 4 from 10 examples, shuffled)"
    assert b.num_examples == 10
