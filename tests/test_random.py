"""Tests for funcgrad.random: explicit keys, determinism, independence, distributions, errors."""

from __future__ import annotations

import hashlib
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, strategies as st

import funcgrad
from funcgrad import random, tree

ROOT = pathlib.Path(funcgrad.__file__).resolve().parent.parent

# name -> call with a key; one line per sampler.
SAMPLERS = {
    "normal": lambda k: random.normal(k, (5, 3)),
    "uniform": lambda k: random.uniform(k, (5, 3), minval=-2.0, maxval=3.0),
    "bernoulli": lambda k: random.bernoulli(k, 0.3, (40,)),
    "randint": lambda k: random.randint(k, (7,), -5, 5),
    "permutation": lambda k: random.permutation(k, 20),
    "choice": lambda k: random.choice(k, 10, (4,), replace=False),
    "truncated_normal": lambda k: random.truncated_normal(k, -1.0, 2.0, (6,)),
}

KEY_FUNCTIONS = {
    **SAMPLERS,
    "split": lambda k: random.split(k),
    "fold_in": lambda k: random.fold_in(k, 1),
}


def _digest(values) -> str:
    h = hashlib.sha256()
    for v in values:
        v = np.ascontiguousarray(v)
        h.update(str((v.dtype.str, v.shape)).encode())
        h.update(v.tobytes())
    return h.hexdigest()


def _all_outputs(seed: int) -> list:
    k = random.key(seed)
    k1, k2 = random.split(k)
    return [f(k) for f in KEY_FUNCTIONS.values()] + [
        random.normal(k2, (4,), dtype=np.float32),
        random.fold_in(k1, 2**64 - 1),
    ]


# ---------------------------------------------------------------- keys


def test_key_is_a_read_only_uint64_pair():
    k = random.key(42)
    assert isinstance(k, np.ndarray) and k.dtype == np.uint64 and k.shape == (2,)
    assert k.tolist() == [0, 42]
    with pytest.raises(ValueError, match="read-only"):
        k[0] = 1


def test_key_is_a_pytree_leaf():
    k = random.key(0)
    leaves, treedef = tree.flatten({"key": k, "w": 1.0})
    assert leaves[0] is k and treedef.num_leaves == 2


def test_seeds_give_distinct_keys_and_negative_seeds_wrap():
    assert len({random.key(s).tobytes() for s in range(-3, 100)}) == 103
    assert random.key(-1).tolist() == [0, 2**64 - 1]
    assert random.key(np.int32(7)).tolist() == random.key(7).tolist()


@pytest.mark.parametrize(
    "seed, error, match",
    [
        (1.5, TypeError, "seed must be an int"),
        ("0", TypeError, "seed must be an int"),
        (True, TypeError, "seed must be an int"),
        (2**64, ValueError, r"\[-2\*\*63, 2\*\*64\)"),
        (-(2**63) - 1, ValueError, r"\[-2\*\*63, 2\*\*64\)"),
        (np.array([0, 1], np.uint64), TypeError, "already a key"),
    ],
)
def test_bad_seeds(seed, error, match):
    with pytest.raises(error, match=match):
        random.key(seed)


@pytest.mark.parametrize("name", list(KEY_FUNCTIONS))
def test_same_key_same_numbers(name):
    f = KEY_FUNCTIONS[name]
    a, b = f(random.key(3)), f(random.key(3))
    assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_different_keys_different_numbers(name):
    f = SAMPLERS[name]
    outs = {f(k).tobytes() for k in random.split(random.key(0), 8)}
    assert len(outs) == 8


def test_same_numbers_in_another_process():
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from tests.test_random import _all_outputs, _digest\n"
        "print(_digest(_all_outputs(123)))\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="77")
    proc = subprocess.run(
        [sys.executable, "-c", script, str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == _digest(_all_outputs(123))


# ---------------------------------------------------------------- split, fold_in


def test_split_shape_and_distinct_children():
    k = random.key(0)
    keys = random.split(k, 5)
    assert keys.shape == (5, 2) and keys.dtype == np.uint64 and not keys.flags.writeable
    rows = {r.tobytes() for r in keys} | {k.tobytes()}
    assert len(rows) == 6
    k1, k2 = random.split(k)
    assert k1.shape == (2,) and not k1.flags.writeable
    assert random.split(k, 0).shape == (0, 2)


def test_split_children_give_independent_streams():
    k1, k2 = random.split(random.key(0))
    x, y = random.normal(k1, (100_000,)), random.normal(k2, (100_000,))
    parent = random.normal(random.key(0), (100_000,))
    assert abs(np.corrcoef(x, y)[0, 1]) < 0.02
    assert abs(np.corrcoef(x, parent)[0, 1]) < 0.02
    # a child's key is not made of the raw bits its parent samples from
    sampled = np.random.Philox(key=random.key(0)).random_raw(64)
    assert not np.isin(random.split(random.key(0), 8), sampled).any()
    assert np.array_equal(  # samplers do read Philox keyed by the key at counter 0
        random.normal(random.key(0), (5,)),
        np.random.Generator(np.random.Philox(key=random.key(0))).standard_normal(5),
    )


@given(st.integers(0, 2**64 - 1), st.integers(1, 6), st.integers(1, 6))
def test_split_rows_do_not_depend_on_num(seed, m, n):
    k = random.key(seed)
    lo, hi = sorted((m, n))
    assert np.array_equal(random.split(k, hi)[:lo], random.split(k, lo))


def test_fold_in_is_distinct_and_deterministic():
    k = random.key(0)
    keys = [random.fold_in(k, d).tobytes() for d in range(1000)]
    assert len(set(keys)) == 1000
    assert random.fold_in(k, 5).tobytes() == random.fold_in(k, np.int64(5)).tobytes()
    assert random.fold_in(k, -1).tobytes() == random.fold_in(k, 2**64 - 1).tobytes()
    assert random.fold_in(random.key(1), 0).tobytes() != random.fold_in(k, 0).tobytes()
    assert set(keys).isdisjoint({r.tobytes() for r in random.split(k, 10)})
    assert not random.fold_in(k, 0).flags.writeable


@pytest.mark.parametrize("data, error", [(1.0, TypeError), ("1", TypeError), (2**64, ValueError)])
def test_fold_in_bad_data(data, error):
    with pytest.raises(error, match="fold_in: data"):
        random.fold_in(random.key(0), data)


@pytest.mark.parametrize("num", [-1, 1.5, True])
def test_split_bad_num(num):
    with pytest.raises(ValueError, match="num must be a non-negative int"):
        random.split(random.key(0), num)


# ---------------------------------------------------------------- distributions

N = 100_000


def _phi(x):
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def test_normal_moments():
    x = random.normal(random.key(1), (N,))
    assert x.dtype == np.float64 and x.shape == (N,)
    assert abs(x.mean()) < 0.02 and abs(x.var() - 1) < 0.02
    assert abs(np.mean(np.abs(x) < 1) - 0.6827) < 0.01


def test_uniform_bounds_and_moments():
    x = random.uniform(random.key(1), (N,), minval=-2.0, maxval=4.0)
    assert x.min() >= -2.0 and x.max() < 4.0
    assert abs(x.mean() - 1.0) < 0.03 and abs(x.var() - 3.0) < 0.05


def test_uniform_array_bounds_broadcast():
    lo, hi = np.array([0.0, 10.0, -5.0]), np.array([1.0, 20.0, -4.0])
    x = random.uniform(random.key(2), (1000, 3), minval=lo, maxval=hi)
    assert (x >= lo).all() and (x < hi).all()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_uniform_never_reaches_maxval(dtype):
    hi = np.nextafter(dtype(1), dtype(2))  # one representable value in [1, hi)
    x = random.uniform(random.key(0), (1000,), dtype=dtype, minval=1.0, maxval=hi)
    assert x.dtype == dtype and (x == dtype(1)).all()
    same = random.uniform(random.key(0), (3,), dtype=dtype, minval=2.0, maxval=2.0)
    assert (same == 2.0).all()


def test_randint_range():
    x = random.randint(random.key(1), (N,), -3, 7)
    assert x.dtype == np.int64 and x.min() == -3 and x.max() == 6
    counts = np.bincount(x + 3)
    assert len(counts) == 10 and np.all(np.abs(counts / N - 0.1) < 0.01)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.uint64])
def test_randint_dtypes(dtype):
    x = random.randint(random.key(0), (100,), 0, 100, dtype=dtype)
    assert x.dtype == dtype and x.min() >= 0 and x.max() < 100


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_bernoulli_rate(p):
    x = random.bernoulli(random.key(1), p, (N,))
    assert x.dtype == np.bool_ and abs(x.mean() - p) < 0.01


def test_bernoulli_shape_from_p():
    p = np.array([[0.0, 1.0, 0.0]])
    x = random.bernoulli(random.key(0), p)
    assert x.shape == (1, 3) and x.tolist() == [[False, True, False]]
    assert random.bernoulli(random.key(0), p, (4, 3)).shape == (4, 3)


def test_permutation_is_a_permutation():
    p = random.permutation(random.key(1), 1000)
    assert sorted(p.tolist()) == list(range(1000)) and p.tolist() != list(range(1000))


def test_permutation_of_an_array_copies_along_axis():
    x = np.arange(12).reshape(3, 4)
    x.flags.writeable = False  # the input is never written
    rows = random.permutation(random.key(0), x)
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, x.tolist()))
    cols = random.permutation(random.key(0), x, axis=1)
    assert sorted(map(tuple, cols.T.tolist())) == sorted(map(tuple, x.T.tolist()))
    ind = random.permutation(random.key(0), np.tile(np.arange(50), (4, 1)), 1, independent=True)
    assert all(sorted(r) == list(range(50)) for r in ind.tolist())
    assert len({tuple(r) for r in ind.tolist()}) == 4


def test_choice():
    x = random.choice(random.key(1), 50, (50,), replace=False)
    assert sorted(x.tolist()) == list(range(50))
    a = np.array([10.0, 20.0, 30.0])
    y = random.choice(random.key(1), a, (N,), p=[0.2, 0.0, 0.8])
    assert set(np.unique(y).tolist()) == {10.0, 30.0} and abs(np.mean(y == 10.0) - 0.2) < 0.01
    z = random.choice(random.key(1), np.arange(12).reshape(4, 3), (2,), replace=False)
    assert z.shape == (2, 3) and z[0].tolist() != z[1].tolist()
    s = random.choice(random.key(1), 5)
    assert isinstance(s, np.ndarray) and s.shape == () and 0 <= s < 5
    with pytest.raises(ValueError, match="choice: "):
        random.choice(random.key(1), 3, (5,), replace=False)


@pytest.mark.parametrize(
    "lower, upper",
    [(-1.0, 2.0), (0.5, np.inf), (-np.inf, -3.0), (4.0, 5.0), (-np.inf, np.inf), (-0.1, 0.1)],
)
def test_truncated_normal_bounds_and_mean(lower, upper):
    x = random.truncated_normal(random.key(1), lower, upper, (N,))
    assert x.dtype == np.float64 and (x >= lower).all() and (x <= upper).all()
    mass = _cdf(upper) - _cdf(lower)
    pa = _phi(lower) if np.isfinite(lower) else 0.0
    pb = _phi(upper) if np.isfinite(upper) else 0.0
    mean = (pa - pb) / mass
    var = 1 + ((lower * pa if pa else 0) - (upper * pb if pb else 0)) / mass - mean**2
    assert abs(x.mean() - mean) < 4 * math.sqrt(var / N) + 1e-9
    assert abs(x.var() - var) < 0.03 * var


def test_truncated_normal_far_tail_and_array_bounds():
    x = random.truncated_normal(random.key(0), 40.0, 50.0, (10,))
    assert np.isfinite(x).all() and (x >= 40.0).all() and (x <= 50.0).all()
    lo, hi = np.array([-1.0, 0.0, 3.0]), np.array([0.0, 1.0, 3.0])
    y = random.truncated_normal(random.key(0), lo, hi)
    assert y.shape == (3,) and (y >= lo).all() and (y <= hi).all() and y[2] == 3.0


# ---------------------------------------------------------------- dtypes


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, "float32"])
@pytest.mark.parametrize("name", ["normal", "uniform", "truncated_normal"])
def test_float_dtypes(name, dtype):
    k = random.key(0)
    if name == "truncated_normal":
        x = random.truncated_normal(k, -2.0, 2.0, (1000,), dtype=dtype)
    else:
        x = getattr(random, name)(k, (1000,), dtype=dtype)
    assert x.dtype == np.dtype(dtype) and x.shape == (1000,) and np.isfinite(x).all()
    assert x.std() > 0.2


def test_float32_is_sampled_in_float32_not_rounded_float64():
    k = random.key(0)
    assert not np.array_equal(
        random.normal(k, (8,), np.float32), random.normal(k, (8,)).astype(np.float32)
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda k: random.normal(k, (2,), dtype=np.int32),
        lambda k: random.uniform(k, (2,), dtype=np.complex128),
        lambda k: random.truncated_normal(k, 0.0, 1.0, dtype=bool),
    ],
)
def test_non_float_dtypes_rejected(call):
    with pytest.raises(TypeError, match="dtype must be float16, float32 or float64"):
        call(random.key(0))


def test_randint_needs_an_integer_dtype():
    with pytest.raises(TypeError, match="randint: dtype must be an integer dtype"):
        random.randint(random.key(0), (2,), 0, 3, dtype=np.float64)


def test_shapes():
    k = random.key(0)
    assert random.normal(k).shape == ()
    assert random.normal(k, 3).shape == (3,)
    assert random.normal(k, (0, 2)).shape == (0, 2)
    with pytest.raises(ValueError, match="negative"):
        random.normal(k, (-1,))
    with pytest.raises(TypeError, match="shape must be an int or a tuple"):
        random.normal(k, [2.5])


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("name", list(KEY_FUNCTIONS))
@pytest.mark.parametrize("seed", [0, 7, np.int64(3)])
def test_an_int_seed_is_not_a_key(name, seed):
    with pytest.raises(TypeError, match=rf"funcgrad\.random\.key\({int(seed)}\)") as e:
        KEY_FUNCTIONS[name](seed)
    assert name in str(e.value)


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array([0.0, 1.0]), "dtype float64 and shape \\(2,\\)"),
        (np.array([0, 1], np.int64), "dtype int64"),
        (np.array([0, 1, 2], np.uint64), "shape \\(3,\\)"),
        (np.zeros(2, np.uint32), "dtype uint32"),
        ([0, 1], "got a list"),
        (None, "got a NoneType"),
        (2.0, "got a float"),
    ],
)
@pytest.mark.parametrize("name", ["normal", "split", "fold_in", "permutation"])
def test_malformed_keys_are_rejected(name, bad, match):
    with pytest.raises(TypeError, match="expects a PRNG key") as e:
        KEY_FUNCTIONS[name](bad)
    assert e.match(match)


def test_stacked_keys_say_to_pick_one():
    with pytest.raises(TypeError, match=r"keys\[0\]"):
        random.normal(random.split(random.key(0), 3), (2,))


def test_a_writable_copy_of_a_key_still_works():
    k = random.key(5)
    assert np.array_equal(random.normal(np.array(k), (3,)), random.normal(k, (3,)))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda k: random.uniform(k, (2,), minval=1.0, maxval=0.0), "minval <= maxval"),
        (lambda k: random.uniform(k, (2,), minval=np.zeros(3)), "do not broadcast"),
        (lambda k: random.randint(k, (2,), 3, 3), "minval < maxval"),
        (lambda k: random.randint(k, (2,), 0, np.array([1, 2, 3])), "do not broadcast"),
        (lambda k: random.bernoulli(k, 1.5), r"p must be in \[0, 1\]"),
        (lambda k: random.bernoulli(k, np.full(3, 0.5), (2,)), "do not broadcast"),
        (lambda k: random.truncated_normal(k, 1.0, 0.0), "lower <= upper"),
        (lambda k: random.truncated_normal(k, np.nan, 0.0), "lower <= upper"),
        (lambda k: random.permutation(k, -1), "non-negative"),
        (lambda k: random.permutation(k, np.zeros((2, 2)), axis=2), "out of range"),
    ],
)
def test_bad_parameters(call, match):
    with pytest.raises(ValueError, match=match):
        call(random.key(0))


def test_permutation_of_a_scalar_array_is_an_error():
    with pytest.raises(TypeError, match="an int or an array with an axis"):
        random.permutation(random.key(0), np.float64(2.5))
