"""Shape, indexing, contraction and sorting ops beyond the registry table.

The table checks every primitive's rules; these tests check what the table does not
see: that the composed functions (split, pad, einsum, at[], ...) give numpy's values
for many parameter combinations when their input is traced (plain inputs go straight
to numpy), that their gradients are right, and the semantics of functional updates.
"""

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.extend import is_traced
from funcgrad.testing import check_grads, strategies as fst


def traced(fn, *arrays):
    """``fn`` run on traced ``arrays`` (the composed path, not numpy's): its value."""
    out, _ = fg.vjp(fn, *arrays)
    return out


def same(fn, np_fn, *arrays, exact=True):
    """``fn`` on traced inputs equals ``np_fn`` on plain ones (and on plain ones too)."""
    want = np_fn(*arrays)
    for got in (traced(fn, *arrays), fn(*arrays)):
        if isinstance(want, (list, tuple)):
            assert isinstance(got, (list, tuple)) and len(got) == len(want)
            pairs = list(zip(got, want))
        else:
            pairs = [(got, want)]
        for g, w in pairs:
            g = np.asarray(g)
            assert g.shape == np.shape(w) and g.dtype == np.asarray(w).dtype
            if exact:
                np.testing.assert_array_equal(g, w)
            else:
                np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


def grads_ok(fn, *arrays, order=2):
    check_grads(fn, arrays, order=order)


def arr(*shape, seed=0):
    """Distinct values, so sorting and kinks are never ambiguous."""
    n = int(np.prod(shape, dtype=np.int64))
    rng = np.random.default_rng(seed)
    return (rng.permutation(n) * 0.37 - 0.5 * n * 0.37 + 0.11).reshape(shape)


# --- axes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, dest",
    [(0, -1), (-1, 0), (1, 1), ((0, 1), (-1, -2)), ((2, 0), (0, 1)), ([], [])],
)
def test_moveaxis(source, dest):
    x = arr(2, 3, 4)
    same(lambda x: fnp.moveaxis(x, source, dest), lambda x: np.moveaxis(x, source, dest), x)
    grads_ok(lambda x: fnp.moveaxis(x, source, dest), x)


@pytest.mark.parametrize("axis, start", [(2, 0), (0, 2), (0, 3), (1, -1), (-1, 1), (1, 1), (2, -3)])
def test_rollaxis(axis, start):
    x = arr(2, 3, 4)
    same(lambda x: fnp.rollaxis(x, axis, start), lambda x: np.rollaxis(x, axis, start), x)


def test_moveaxis_errors():
    with pytest.raises(np.exceptions.AxisError):
        traced(lambda x: fnp.moveaxis(x, 3, 0), arr(2, 3))
    with pytest.raises(ValueError, match="same number"):
        traced(lambda x: fnp.moveaxis(x, (0, 1), 0), arr(2, 3))


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4)])
@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast(name, shape):
    x = arr(*shape) if shape else np.float64(1.5)
    x = np.asarray(x)
    same(getattr(fnp, name), getattr(np, name), x)
    same(lambda a, b: getattr(fnp, name)(a, b), lambda a, b: getattr(np, name)(a, b), x, x)


def test_copy_is_a_new_array_with_identity_gradient():
    x = arr(3)
    y = fnp.copy(x)
    assert y is not x and not np.shares_memory(x, y)
    np.testing.assert_array_equal(fg.grad(lambda x: (fnp.copy(x) * x).sum())(x), 2 * x)
    assert traced(lambda x: x.copy(), x).dtype == np.float64


# --- reordering ---------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), ()])
def test_flip(axis):
    x = arr(2, 3, 4)
    same(lambda x: fnp.flip(x, axis), lambda x: np.flip(x, axis), x)
    grads_ok(lambda x: fnp.flip(x, axis), x)


def test_fliplr_flipud():
    x = arr(3, 4)
    same(fnp.fliplr, np.fliplr, x)
    same(fnp.flipud, np.flipud, x)
    same(fnp.flipud, np.flipud, arr(5))
    with pytest.raises(ValueError):
        traced(fnp.fliplr, arr(3))


@pytest.mark.parametrize(
    "shift, axis",
    [
        (1, None),
        (-7, None),
        (2, 0),
        (5, 1),
        (-1, -1),
        ((1, 2), (0, 1)),
        ((1, 1), (1, 1)),
        (3, (0, 2)),
        (0, 0),
        (4, 1),
    ],
)
def test_roll(shift, axis):
    x = arr(3, 4, 2)
    same(lambda x: fnp.roll(x, shift, axis), lambda x: np.roll(x, shift, axis), x)
    grads_ok(lambda x: fnp.roll(x, shift, axis), x, order=1)


@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 3, 5])
@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (0, 2), (-1, -2)])
def test_rot90(k, axes):
    x = arr(2, 3, 4)
    same(lambda x: fnp.rot90(x, k, axes), lambda x: np.rot90(x, k, axes), x)


def test_rot90_gradient():
    grads_ok(lambda x: fnp.rot90(x, 1) * fnp.rot90(x, -1).T, arr(3, 3))


# --- joining and splitting ---------------------------------------------------------


@pytest.mark.parametrize(
    "shapes",
    [[(3,), (2,)], [(2, 3), (2, 1)], [(), ()], [(2, 1, 3), (2, 2, 3)]],
)
def test_hstack(shapes):
    xs = [arr(*s, seed=i) for i, s in enumerate(shapes)]
    same(lambda *xs: fnp.hstack(xs), lambda *xs: np.hstack(xs), *xs)
    grads_ok(lambda *xs: fnp.hstack(xs), *xs, order=1)


@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(2, 3), (3,)], [(), ()], [(1, 2, 2), (3, 2, 2)]])
def test_vstack(shapes):
    xs = [arr(*s, seed=i) for i, s in enumerate(shapes)]
    same(lambda *xs: fnp.vstack(xs), lambda *xs: np.vstack(xs), *xs)


@pytest.mark.parametrize(
    "shapes", [[(3,), (3,)], [(2, 3), (2, 3)], [(), ()], [(2, 2, 1), (2, 2, 2)]]
)
def test_dstack(shapes):
    xs = [arr(*s, seed=i) for i, s in enumerate(shapes)]
    same(lambda *xs: fnp.dstack(xs), lambda *xs: np.dstack(xs), *xs)


@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(3, 2), (3,)], [(), ()]])
def test_column_stack(shapes):
    xs = [arr(*s, seed=i) for i, s in enumerate(shapes)]
    same(lambda *xs: fnp.column_stack(xs), lambda *xs: np.column_stack(xs), *xs)
    grads_ok(lambda *xs: fnp.column_stack(xs), *xs, order=1)


def test_stacking_mixes_traced_and_plain():
    x = arr(3)
    out = traced(lambda x: fnp.vstack([x, np.zeros(3), [1.0, 2.0, 3.0]]), x)
    np.testing.assert_array_equal(out, np.vstack([x, np.zeros(3), [1.0, 2.0, 3.0]]))


@pytest.mark.parametrize(
    "sections, axis",
    [
        (3, 0),
        (4, 0),
        (1, 1),
        (2, 1),
        ([1, 3], 0),
        ([0, 2, 2, 9], 0),
        ([-2], 0),
        ([], 1),
        (np.array([1, 2]), 0),
        (5, 0),
        (7, 0),
    ],
)
def test_array_split(sections, axis):
    x = arr(5, 2)
    same(
        lambda x: fnp.array_split(x, sections, axis), lambda x: np.array_split(x, sections, axis), x
    )
    grads_ok(lambda x: fnp.array_split(x, sections, axis), x, order=1)


@pytest.mark.parametrize("sections, axis", [(2, 0), (1, 1), (3, 1), ([1, 2], 1), ([1], -1)])
def test_split(sections, axis):
    x = arr(4, 3)
    same(lambda x: fnp.split(x, sections, axis), lambda x: np.split(x, sections, axis), x)


def test_split_unequal_division_fails_like_numpy():
    with pytest.raises(ValueError, match="equal division"):
        traced(lambda x: fnp.split(x, 3), arr(4))
    with pytest.raises(ValueError, match="equal division"):
        np.split(arr(4), 3)


def test_hsplit_vsplit_dsplit():
    x = arr(4, 6, 2)
    same(lambda x: fnp.hsplit(x, 3), lambda x: np.hsplit(x, 3), x)
    same(lambda x: fnp.hsplit(x, [1, 4]), lambda x: np.hsplit(x, [1, 4]), x)
    same(lambda x: fnp.hsplit(x, 2), lambda x: np.hsplit(x, 2), arr(6))
    same(lambda x: fnp.vsplit(x, 2), lambda x: np.vsplit(x, 2), x)
    same(lambda x: fnp.dsplit(x, [1]), lambda x: np.dsplit(x, [1]), x)
    for fn in (fnp.vsplit, fnp.dsplit):
        with pytest.raises(ValueError, match="dimensions"):
            traced(lambda x, fn=fn: fn(x, 1), arr(3))


def test_split_pieces_have_their_own_gradients():
    def f(x):
        a, b, c = fnp.split(x, 3)
        return (a * 1.0 + b * 2.0 + c * 3.0).sum()

    np.testing.assert_array_equal(fg.grad(f)(arr(6)), [1, 1, 2, 2, 3, 3])


@pytest.mark.parametrize("reps", [2, (2,), (1, 3), (2, 1, 2), (3, 1, 2, 1), 1, (1, 1), 0, (2, 0)])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_tile(shape, reps):
    x = np.asarray(arr(*shape))
    same(lambda x: fnp.tile(x, reps), lambda x: np.tile(x, reps), x)


def test_tile_gradient_counts_copies():
    x = arr(2, 3)
    np.testing.assert_array_equal(
        fg.grad(lambda x: fnp.tile(x, (2, 3)).sum())(x), np.full((2, 3), 6.0)
    )
    grads_ok(lambda x: fnp.tile(x, (2, 1, 2)), x)


@pytest.mark.parametrize(
    "repeats, axis",
    [
        (2, None),
        (3, 0),
        (2, 1),
        (1, -1),
        ([1, 0, 2], 1),
        ([2, 1], 0),
        (np.array([3]), 1),
        (0, 0),
        ([1, 2, 0, 1, 1, 3], None),
    ],
)
def test_repeat(repeats, axis):
    x = arr(2, 3)
    same(lambda x: fnp.repeat(x, repeats, axis), lambda x: np.repeat(x, repeats, axis), x)
    grads_ok(lambda x: fnp.repeat(x, repeats, axis), x, order=1)


def test_repeat_errors():
    with pytest.raises(ValueError, match="counts"):
        traced(lambda x: fnp.repeat(x, [1, 2], axis=1), arr(2, 3))
    with pytest.raises(ValueError, match="negative"):
        traced(lambda x: fnp.repeat(x, -1), arr(2))


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("sizes", [(3,), (3, 2), (2, 3, 4)])
def test_meshgrid(sizes, indexing, sparse):
    xs = [arr(n, seed=i) for i, n in enumerate(sizes)]
    same(
        lambda *xs: fnp.meshgrid(*xs, indexing=indexing, sparse=sparse),
        lambda *xs: np.meshgrid(*xs, indexing=indexing, sparse=sparse),
        *xs,
    )
    grads_ok(lambda *xs: fnp.meshgrid(*xs, indexing=indexing, sparse=sparse), *xs, order=1)


# --- pad ----------------------------------------------------------------------------

PAD_WIDTHS = [0, 1, 3, (2, 0), ((1, 2),), ((0, 4), (2, 1)), ((5, 2), (0, 0)), ((1, 1), (6, 3))]


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
@pytest.mark.parametrize("width", PAD_WIDTHS)
@pytest.mark.parametrize("shape", [(3, 2), (1, 4), (2, 1)])
def test_pad_values_and_vjp(shape, width, mode):
    x = arr(*shape)
    if mode == "reflect" and 1 in shape:
        width = width  # a length-1 axis reflects onto itself: numpy repeats it
    same(lambda x: fnp.pad(x, width, mode=mode), lambda x: np.pad(x, width, mode=mode), x)
    # The VJP against the dense Jacobian of numpy.pad (a 0/1 matrix): copies add up.
    out, pullback = fg.vjp(lambda x: fnp.pad(x, width, mode=mode), x)
    jac = np.stack([np.pad(e.reshape(shape), width, mode=mode).ravel() for e in np.eye(x.size)])
    g = np.random.default_rng(1).standard_normal(out.shape)
    np.testing.assert_allclose(pullback(g)[0].ravel(), jac @ g.ravel(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["edge", "reflect", "wrap", "constant"])
def test_pad_gradients_order_2(mode):
    grads_ok(lambda x: fnp.pad(x, ((2, 5), (1, 3)), mode=mode) ** 2, arr(3, 2))


@pytest.mark.parametrize("constant", [1.5, -2, ((1, 2), (3, 4)), (7.0, 8.0)])
def test_pad_constant_values(constant):
    x = arr(2, 3)
    same(
        lambda x: fnp.pad(x, ((1, 2), (2, 1)), constant_values=constant),
        lambda x: np.pad(x, ((1, 2), (2, 1)), constant_values=constant),
        x,
    )


def test_pad_traced_constant_gets_the_border_gradient():
    x, c = arr(2, 3), np.float64(0.5)

    def f(x, c):
        return fnp.pad(x, ((1, 0), (2, 1)), constant_values=c)

    np.testing.assert_array_equal(traced(f, x, c), np.pad(x, ((1, 0), (2, 1)), constant_values=0.5))
    gx, gc = fg.grad(lambda x, c: f(x, c).sum(), argnums=(0, 1))(x, c)
    np.testing.assert_array_equal(gx, np.ones((2, 3)))
    assert gc == 3 * 6 - 6
    grads_ok(f, x, c)


def test_pad_float32_and_unsupported_modes():
    x = arr(3).astype(np.float32)
    out, pullback = fg.vjp(lambda x: fnp.pad(x, 2, mode="reflect"), x)
    assert out.dtype == np.float32 and pullback(np.ones(7, np.float32))[0].dtype == np.float32
    np.testing.assert_array_equal(fnp.pad(x, 2, mode="maximum"), np.pad(x, 2, mode="maximum"))
    with pytest.raises(NotImplementedError, match="mode 'maximum'"):
        traced(lambda x: fnp.pad(x, 2, mode="maximum"), x)
    with pytest.raises(ValueError, match="negative"):
        traced(lambda x: fnp.pad(x, -1), x)
    with pytest.raises(TypeError, match="integers"):
        traced(lambda x: fnp.pad(x, 1.5), x)


# --- diagonals and triangles -------------------------------------------------------


@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 5])
@pytest.mark.parametrize("name", ["triu", "tril"])
@pytest.mark.parametrize("shape", [(3, 4), (4, 2), (2, 3, 3), (3,)])
def test_triangles(shape, name, k):
    x = arr(*shape)
    same(lambda x: getattr(fnp, name)(x, k), lambda x: getattr(np, name)(x, k), x)
    grads_ok(lambda x: getattr(fnp, name)(x, k), x, order=1)


@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 3, 7])
@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (0, 2), (-1, 1), (2, 1)])
def test_diagonal_and_trace(offset, axes):
    x = arr(3, 4, 2)
    same(lambda x: fnp.diagonal(x, offset, *axes), lambda x: np.diagonal(x, offset, *axes), x)
    same(lambda x: fnp.trace(x, offset, *axes), lambda x: np.trace(x, offset, *axes), x)
    grads_ok(lambda x: fnp.diagonal(x, offset, *axes), x, order=1)


@pytest.mark.parametrize("k", [-2, 0, 1])
@pytest.mark.parametrize("shape", [(3,), (3, 4), (4, 3)])
def test_diag_and_diagflat(shape, k):
    x = arr(*shape)
    same(lambda x: fnp.diag(x, k), lambda x: np.diag(x, k), x)
    same(lambda x: fnp.diagflat(x, k), lambda x: np.diagflat(x, k), x)
    grads_ok(lambda x: fnp.diag(x, k), x)
    grads_ok(lambda x: fnp.diagflat(x, k), x, order=1)


def test_trace_gradient_is_the_identity():
    np.testing.assert_array_equal(fg.grad(fnp.trace)(arr(3, 3)), np.eye(3))
    assert traced(lambda x: fnp.trace(x, dtype=np.float32), arr(2, 2)).dtype == np.float32


# --- take, take_along_axis ---------------------------------------------------------


@pytest.mark.parametrize(
    "indices, axis, mode",
    [
        ([0, 2], None, "raise"),
        ([[1, 0], [3, -1]], 1, "raise"),
        (2, 0, "raise"),
        ([5, -7], 1, "wrap"),
        ([5, -7], 0, "clip"),
        (np.array([1, 1, 1]), -1, "raise"),
        ([], 0, "raise"),
    ],
)
def test_take(indices, axis, mode):
    x = arr(3, 4)
    same(
        lambda x: fnp.take(x, indices, axis, mode=mode),
        lambda x: np.take(x, indices, axis, mode=mode),
        x,
    )
    grads_ok(lambda x: fnp.take(x, indices, axis, mode=mode), x, order=1)


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_take_along_axis(axis):
    x = arr(3, 4)
    idx = np.argsort(x, axis=axis)[..., :3] if axis in (1, -1) else np.argsort(x, axis=axis)
    same(lambda x: fnp.take_along_axis(x, idx, axis), lambda x: np.take_along_axis(x, idx, axis), x)
    grads_ok(lambda x: fnp.take_along_axis(x, idx, axis), x, order=1)
    rep = np.zeros((1, 4), int) if axis == 0 else np.array([[0, 0], [1, 1], [2, 0]])
    if axis in (0, 1, -1):
        same(
            lambda x: fnp.take_along_axis(x, rep, axis),
            lambda x: np.take_along_axis(x, rep, axis),
            x,
        )


# --- functional updates -------------------------------------------------------------

UPDATE_INDICES = [
    1,
    -1,
    slice(1, 3),
    slice(None, None, 2),
    (Ellipsis, 1),
    (slice(None), [0, 2]),
    np.array([0, 2]),
    [2, 0],
    np.array([True, False, True, False]),
    (np.array([0, 1]), np.array([2, 2])),
    (1, slice(0, 3)),
]


def _np_update(x, index, v, how):
    out = np.array(x, copy=True)
    if how == "set":
        out[index] = v
    elif how == "add":
        np.add.at(out, index, v)
    else:
        np.multiply.at(out, index, v)
    return out


@pytest.mark.parametrize("how", ["set", "add", "multiply"])
@pytest.mark.parametrize("index", UPDATE_INDICES, ids=repr)
def test_at_matches_numpy(index, how):
    x = arr(4, 3)
    target = x[index].shape
    for v in (np.float64(2.5), arr(*target, seed=2) if target else arr(1, seed=2)[0]):
        x_ro = x.copy()
        x_ro.flags.writeable = False

        def f(x, v):
            return getattr(fnp.at(x)[index], how)(v)

        want = _np_update(x, index, v, how)
        np.testing.assert_array_equal(traced(f, x_ro, v), want)
        method = traced(lambda x, v: getattr(x.at[index], how)(v), x_ro, v)
        np.testing.assert_array_equal(method, want)
        np.testing.assert_array_equal(f(x_ro, v), want)
        grads_ok(f, x_ro, v)


@pytest.mark.parametrize("how", ["set", "add", "multiply"])
def test_at_broadcasts_values(how):
    x, v = arr(3, 4), arr(4, seed=3)
    f = lambda x, v: getattr(fnp.at(x)[np.array([0, 2])], how)(v)  # noqa: E731
    np.testing.assert_array_equal(traced(f, x, v), _np_update(x, np.array([0, 2]), v, how))
    grads_ok(f, x, v)
    g = fg.grad(lambda v: f(x, v).sum())(v)
    assert g.shape == v.shape


def test_at_set_repeated_index_last_write_wins():
    x, v = arr(4), np.array([10.0, 20.0, 30.0])
    idx = np.array([1, 3, 1])
    np.testing.assert_array_equal(fnp.at(x)[idx].set(v), [x[0], 30.0, x[2], 20.0])
    gx, gv = fg.grad(
        lambda x, v: (fnp.at(x)[idx].set(v) * np.arange(1.0, 5.0)).sum(), argnums=(0, 1)
    )(x, v)
    np.testing.assert_array_equal(gx, [1.0, 0.0, 3.0, 0.0])
    np.testing.assert_array_equal(gv, [0.0, 4.0, 2.0])  # the first write to 1 is overwritten
    grads_ok(lambda x, v: fnp.at(x)[idx].set(v), x, v)


def test_at_add_repeated_index_accumulates():
    x, v = arr(4), np.array([10.0, 20.0, 30.0])
    idx = np.array([1, 3, 1])
    np.testing.assert_array_equal(fnp.at(x)[idx].add(v), [x[0], x[1] + 40.0, x[2], x[3] + 20.0])
    gv = fg.grad(lambda v: (fnp.at(x)[idx].add(v) * np.arange(1.0, 5.0)).sum())(v)
    np.testing.assert_array_equal(gv, [2.0, 4.0, 2.0])
    gs = fg.grad(lambda s: fnp.at(x)[idx].add(s).sum())(np.float64(1.0))
    assert gs == 3.0


def test_at_multiply_repeated_index_product_rule():
    x, v = np.array([1.5, 2.0, -1.0]), np.array([2.0, 3.0, 0.0, 5.0])
    idx = np.array([0, 0, 2, 0])

    def f(x, v):
        return fnp.at(x)[idx].multiply(v)

    np.testing.assert_array_equal(f(x, v), [1.5 * 30.0, 2.0, 0.0])
    gx, gv = fg.grad(lambda x, v: f(x, v).sum(), argnums=(0, 1))(x, v)
    np.testing.assert_array_equal(gx, [30.0, 1.0, 0.0])
    np.testing.assert_array_equal(gv, [1.5 * 15.0, 1.5 * 10.0, -1.0, 1.5 * 6.0])  # exact at a zero
    grads_ok(f, x, v)


def test_at_never_writes_into_plain_input():
    x = np.zeros(4)
    y = fnp.at(x)[1:3].add(1.0)
    assert type(y) is np.ndarray and not np.shares_memory(x, y)
    np.testing.assert_array_equal(x, np.zeros(4))
    np.testing.assert_array_equal(fnp.at([1.0, 2.0])[0].set(5.0), [5.0, 2.0])
    np.testing.assert_array_equal(fnp.at(x)[2].get(), 0.0)


def test_at_keeps_dtype_and_get():
    x = np.ones(3, np.float32)
    out, pullback = fg.vjp(lambda x, v: x.at[1].multiply(v), x, np.float64(2.0))
    assert out.dtype == np.float32
    gx, gv = pullback(np.ones(3, np.float32))
    assert gx.dtype == np.float32 and gv.dtype == np.float64
    np.testing.assert_array_equal(traced(lambda x: x.at[1:].get(), arr(3)), arr(3)[1:])
    assert "at(" in repr(fnp.at(x)) and "slice" in repr(fnp.at(x)[1:])


def test_at_values_may_depend_on_x():
    x, idx = arr(4), np.array([0, 3])

    def f(x):
        return fnp.at(x)[idx].set(x[idx] * x[1:3])

    np.testing.assert_array_equal(traced(f, x), _np_update(x, idx, x[idx] * x[1:3], "set"))
    grads_ok(f, x)


# --- einsum -------------------------------------------------------------------------

EINSUM_ZOO = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->ij", [(2, 2, 3)]),
    ("iji->ij", [(2, 3, 2)]),
    ("iii->i", [(2, 2, 2)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ji", [(2, 3)]),
    ("i,i->", [(3,), (3,)]),
    ("i,i", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]),
    ("i,j", [(2,), (3,)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,kj->ikj", [(2, 3), (4, 3)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]),
    ("...ij,...jk", [(4, 1, 2, 3), (3, 3, 2)]),
    ("i...->...", [(2, 3, 4)]),
    ("...i,...i->...", [(2, 1, 3), (4, 3)]),
    ("...", [(2, 3)]),
    ("a...b->b...a", [(2, 3, 4, 5)]),
    ("ba...", [(2, 3, 4, 5)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("ij,j,i->", [(2, 3), (3,), (2,)]),
    ("ijk,k,jl->il", [(2, 3, 2), (2,), (3, 2)]),
    ("ii,ij->j", [(3, 3), (3, 2)]),
    ("ij,k->i", [(2, 3), (4,)]),
    (",ij->ij", [(), (2, 3)]),
    (",", [(), ()]),
    ("ij,j->ij", [(2, 1), (3,)]),
    ("ij,jk->ik", [(2, 1), (3, 2)]),
    ("Ab,bA->A", [(2, 3), (3, 2)]),
    ("aB,Ba", [(2, 3), (3, 2)]),
    (" i j , j k -> i k ", [(2, 3), (3, 2)]),
]


@pytest.mark.parametrize("subscripts, shapes", EINSUM_ZOO, ids=[s for s, _ in EINSUM_ZOO])
def test_einsum_zoo(subscripts, shapes):
    ops = [np.asarray(arr(*s, seed=i)) for i, s in enumerate(shapes)]
    want = np.einsum(subscripts, *ops)
    got = traced(lambda *ops: fnp.einsum(subscripts, *ops), *ops)
    assert np.shape(got) == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    grads_ok(lambda *ops: fnp.einsum(subscripts, *ops), *ops)


def test_einsum_same_operand_twice_and_optimize():
    x = arr(3, 3)
    np.testing.assert_allclose(fg.grad(lambda x: fnp.einsum("ij,ij", x, x))(x), 2 * x)
    np.testing.assert_allclose(
        fg.grad(lambda x: fnp.einsum("ij,jk->", x, x))(x), fg.grad(lambda x: (x @ x).sum())(x)
    )
    a, b, c = arr(2, 3), arr(3, 4, seed=1), arr(4, 2, seed=2)
    got = traced(lambda a, b, c: fnp.einsum("ij,jk,kl->il", a, b, c, optimize=True), a, b, c)
    np.testing.assert_allclose(got, a @ b @ c)
    grads_ok(
        lambda a, b, c: fnp.einsum("ij,jk,kl->il", a, b, c, optimize="greedy"), a, b, c, order=1
    )


@pytest.mark.parametrize(
    "args",
    [
        lambda a, b: (a, [0, 1], b, [1, 2]),
        lambda a, b: (a, [0, 1], b, [1, 2], [2, 0]),
        lambda a, b: (a, [Ellipsis, 1], b, [1, 2], [Ellipsis, 2]),
        lambda a, b: (a, [30, 1], b, [1, 40]),
    ],
)
def test_einsum_sublist_form(args):
    a, b = arr(2, 3), arr(3, 4, seed=1)
    want = np.einsum(*args(a, b))
    np.testing.assert_allclose(traced(lambda a, b: fnp.einsum(*args(a, b)), a, b), want)
    grads_ok(lambda a, b: fnp.einsum(*args(a, b)), a, b, order=1)


def test_einsum_float32_and_mixed_dtypes():
    a, b = arr(2, 3).astype(np.float32), arr(3, 3, seed=1)
    out, pullback = fg.vjp(lambda a, b: fnp.einsum("ij,jj->i", a, b), a, b)
    assert out.dtype == np.float64
    ga, gb = pullback(np.ones(2))
    assert ga.dtype == np.float32 and gb.dtype == np.float64
    out, pullback = fg.vjp(lambda a: fnp.einsum("ij,ij->j", a, a), a)
    assert out.dtype == np.float32 and pullback(np.ones(3, np.float32))[0].dtype == np.float32


def test_einsum_errors():
    x = arr(2, 3)
    with pytest.raises(ValueError, match="2 operands"):
        traced(lambda x: fnp.einsum("ij,jk->ik", x), x)
    with pytest.raises(ValueError, match="dimensions"):
        traced(lambda x: fnp.einsum("i->i", x), x)
    with pytest.raises(ValueError, match="invalid subscripts"):
        traced(lambda x: fnp.einsum("i1->i", x), x)
    with pytest.raises(ValueError, match="'...'"):
        traced(lambda x: fnp.einsum("...j->j", x), x)
    with pytest.raises(ValueError):
        traced(lambda x: fnp.einsum("ij,ij->ij", x, x.T), x)


@given(data=st.data())
def test_einsum_random_contractions(data):
    """Random contractions of 1-3 operands with repeated, summed and broadcast letters."""
    letters = "abcd"
    sizes = {c: data.draw(st.integers(1, 3), label=c) for c in letters}
    n_ops = data.draw(st.integers(1, 3), label="operands")
    terms = [
        "".join(
            data.draw(st.lists(st.sampled_from(letters), min_size=0, max_size=3), label=f"t{i}")
        )
        for i in range(n_ops)
    ]
    seen = sorted(set("".join(terms)))
    out = "".join(
        data.draw(st.permutations(seen), label="perm")[: data.draw(st.integers(0, len(seen)))]
    )
    subscripts = ",".join(terms) + "->" + out
    # length-1 dimensions broadcast: some operands see a letter with length 1
    ones = data.draw(st.lists(st.booleans(), min_size=n_ops * 3, max_size=n_ops * 3), label="ones")
    shapes = [
        tuple(1 if ones[3 * i + j] and t.count(c) == 1 else sizes[c] for j, c in enumerate(t))
        for i, t in enumerate(terms)
    ]
    ops = [data.draw(fst.arrays(shape=s), label=f"op{i}") for i, s in enumerate(shapes)]
    got = traced(lambda *ops: fnp.einsum(subscripts, *ops), *ops)
    np.testing.assert_allclose(got, np.einsum(subscripts, *ops), rtol=1e-12, atol=1e-12)
    grads_ok(lambda *ops: fnp.einsum(subscripts, *ops), *ops)


# --- inner, vdot, kron, cross -------------------------------------------------------


@pytest.mark.parametrize(
    "shapes", [[(3,), (3,)], [(2, 3), (3,)], [(2, 3), (4, 3)], [(), (2, 2)], [(2, 1, 3), (3,)]]
)
def test_inner(shapes):
    a, b = arr(*shapes[0]), arr(*shapes[1], seed=1)
    same(fnp.inner, np.inner, np.asarray(a), np.asarray(b), exact=False)
    grads_ok(fnp.inner, np.asarray(a), np.asarray(b))


def test_vdot():
    a, b = arr(2, 3), arr(3, 2, seed=1)
    same(fnp.vdot, np.vdot, a, b, exact=False)
    grads_ok(fnp.vdot, a, b)


@pytest.mark.parametrize(
    "shapes", [[(2,), (3,)], [(2, 2), (3, 1)], [(3,), (2, 2)], [(2, 1, 2), (2, 3)], [(), (2,)]]
)
def test_kron(shapes):
    a, b = np.asarray(arr(*shapes[0])), np.asarray(arr(*shapes[1], seed=1))
    same(fnp.kron, np.kron, a, b)
    grads_ok(fnp.kron, a, b)


@pytest.mark.parametrize(
    "sa, sb, kw",
    [
        ((3,), (3,), {}),
        ((4, 3), (3,), {}),
        ((2, 1, 3), (4, 3), {}),
        ((3, 2), (3, 2), {"axis": 0}),
        ((3, 4), (4, 3), {"axisa": 0, "axisb": 1, "axisc": 0}),
        ((2,), (3,), {}),
        ((5, 3), (5, 2), {}),
        ((2,), (2,), {}),
        ((4, 2), (2,), {}),
    ],
)
def test_cross(sa, sb, kw):
    a, b = arr(*sa), arr(*sb, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # numpy 2 deprecates 2-vectors
        want = np.cross(a, b, **kw)
    got = traced(lambda a, b: fnp.cross(a, b, **kw), a, b)
    np.testing.assert_array_equal(got, want)
    grads_ok(lambda a, b: fnp.cross(a, b, **kw), a, b)
    with pytest.raises(ValueError, match="dimension must be 2 or 3"):
        traced(lambda a: fnp.cross(a, a), arr(4))


# --- sorting ------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_sort_and_partition(axis):
    x = arr(3, 5)
    same(lambda x: fnp.sort(x, axis), lambda x: np.sort(x, axis), x)
    grads_ok(lambda x: fnp.sort(x, axis), x)
    n = x.size if axis is None else x.shape[axis]
    for kth in (0, n - 1, n // 2, [0, n - 1]):
        same(
            lambda x, kth=kth: fnp.partition(x, kth, axis),
            lambda x, kth=kth: np.partition(x, kth, axis),
            x,
        )
        grads_ok(lambda x, kth=kth: fnp.partition(x, kth, axis), x, order=1)


def test_sort_gradient_follows_the_permutation():
    x = np.array([3.0, 1.0, 2.0])
    w = np.array([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(fg.grad(lambda x: (fnp.sort(x) * w).sum())(x), [30.0, 10.0, 20.0])
    np.testing.assert_array_equal(traced(lambda x: fnp.sort(x)[::-1], x), [3.0, 2.0, 1.0])


@given(
    x=st.sampled_from([(5,), (2, 4), (3, 2, 3)]).flatmap(lambda s: fst.arrays(shape=s)),
    k=st.integers(0, 2),
)
def test_top_k(x, k):
    values, indices = fnp.top_k(x, k)
    want = -np.sort(-x, axis=-1)[..., :k]
    np.testing.assert_array_equal(values, want)
    np.testing.assert_array_equal(np.take_along_axis(x, indices, -1), want)
    seen = {}

    def f(x):
        v, i = fnp.top_k(x, k)
        seen["i"] = i
        return v

    np.testing.assert_array_equal(traced(f, x), want)
    assert seen["i"].dtype.kind == "i"
    grads_ok(lambda x: fnp.top_k(x, k)[0], x)


def test_top_k_ties_and_errors():
    values, indices = fnp.top_k(np.array([1.0, 3.0, 3.0, 2.0]), 3)
    np.testing.assert_array_equal(indices, [1, 2, 3])
    np.testing.assert_array_equal(fnp.top_k(np.array([1, 5, 2], np.uint8), 1)[1], [1])
    with pytest.raises(ValueError, match="k must be"):
        fnp.top_k(np.ones(3), 4)


def test_nondifferentiable_sort_helpers_on_traced_values():
    x = np.array([3.0, 1.0, 2.0, 1.0])
    seen = {}

    def f(x):
        seen["argsort"] = fnp.argsort(x)
        seen["method"] = x.argsort()
        seen["argpartition"] = fnp.argpartition(x, 1)
        seen["searchsorted"] = fnp.searchsorted(fnp.sort(x), np.array([1.5, 2.5]))
        seen["unique"] = fnp.unique(x, return_counts=True)
        return x.sum()

    fg.grad(f)(x)
    np.testing.assert_array_equal(seen["argsort"], np.argsort(x))
    np.testing.assert_array_equal(seen["method"], np.argsort(x))
    np.testing.assert_array_equal(seen["searchsorted"], [2, 3])
    np.testing.assert_array_equal(seen["unique"][0], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(seen["unique"][1], [2, 1, 1])


# --- methods and numpy dispatch ------------------------------------------------------


def test_methods_on_traced_values():
    x = arr(3, 3)
    seen = {}

    def f(x):
        seen["take"] = x.take([0, 2], axis=1)
        seen["repeat"] = x.repeat(2, axis=0)
        seen["diagonal"] = x.diagonal(1)
        seen["trace"] = x.trace()
        seen["copy"] = x.copy()
        return (x.at[0, 0].set(1.0) * x).sum()

    g = fg.grad(f)(x)
    expected = 2 * x
    expected[0, 0] = 1.0
    np.testing.assert_array_equal(g, expected)
    for name in ("take", "repeat", "diagonal", "trace", "copy"):
        assert is_traced(seen[name]), name
    np.testing.assert_array_equal(seen["take"]._value, x[:, [0, 2]])
    with pytest.raises(TypeError, match="tolist"):
        fg.grad(lambda x: x.tolist() or x.sum())(x)
    with pytest.raises(TypeError, match=r"fnp\.sort|funcgrad\.numpy\.sort"):
        fg.grad(lambda x: x.sort() or x.sum())(x)


DISPATCH = [
    (lambda x: np.flip(x, 0), lambda x: fnp.flip(x, 0)),
    (lambda x: np.roll(x, 1), lambda x: fnp.roll(x, 1)),
    (lambda x: np.moveaxis(x, 0, 1), lambda x: fnp.moveaxis(x, 0, 1)),
    (lambda x: np.tile(x, 2), lambda x: fnp.tile(x, 2)),
    (lambda x: np.repeat(x, 2), lambda x: fnp.repeat(x, 2)),
    (lambda x: np.pad(x, 1, mode="wrap"), lambda x: fnp.pad(x, 1, mode="wrap")),
    (lambda x: np.triu(x), lambda x: fnp.triu(x)),
    (lambda x: np.trace(x), lambda x: fnp.trace(x)),
    (lambda x: np.einsum("ij->j", x), lambda x: fnp.einsum("ij->j", x)),
    (lambda x: np.sort(x, axis=0), lambda x: fnp.sort(x, axis=0)),
    (lambda x: np.kron(x, x), lambda x: fnp.kron(x, x)),
    (lambda x: np.split(x, 2)[1], lambda x: fnp.split(x, 2)[1]),
    (lambda x: np.hstack([x, x]), lambda x: fnp.hstack([x, x])),
    (lambda x: np.take(x, [0]), lambda x: fnp.take(x, [0])),
]


@pytest.mark.parametrize("np_call, fnp_call", DISPATCH)
def test_numpy_functions_dispatch_to_funcgrad(np_call, fnp_call):
    x = arr(2, 2)
    w = np.random.default_rng(0).standard_normal(np.shape(np_call(x)))
    got = fg.grad(lambda x: fnp.sum(np_call(x) * w))(x)
    want = fg.grad(lambda x: fnp.sum(fnp_call(x) * w))(x)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(traced(np_call, x), np_call(x))


def test_composites_at_two_levels():
    """Hessians through composed ops: every rule they use differentiates again."""
    x = arr(2, 3)

    def f(x):
        y = fnp.pad(fnp.roll(x, 1, axis=1), 1, mode="reflect")
        return (fnp.einsum("ij,ij->", y, y) * fnp.sort(x.ravel())[0]).sum()

    h = fg.hessian(f)(x)
    assert h.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(h.reshape(6, 6), h.reshape(6, 6).T, atol=1e-10)


@pytest.mark.parametrize("case", list(itertools.product(["edge", "wrap", "symmetric"], [1, 4])))
def test_pad_is_numpys_gather_per_axis(case):
    """pad in gather modes equals the separable gather of numpy.pad'ed index vectors."""
    mode, w = case
    x = arr(3, 2, 2)
    idx = [np.pad(np.arange(n), w, mode=mode) for n in x.shape]
    np.testing.assert_array_equal(np.pad(x, w, mode=mode), x[np.ix_(*idx)])
