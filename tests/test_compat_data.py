"""compat.utils.data: datasets, samplers, collation and the DataLoader (COMPAT_SPEC section 6).

Exact numbers and messages below come from the spec (recorded from torch 2.13); where torch is
installed, the same calls are also compared with it live.
"""

import collections

import numpy as np
import pytest

import compat
from compat.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    default_convert,
    random_split,
)

Point = collections.namedtuple("Point", "x y")


def batches(loader):
    return [b.tolist() for b in loader]


# --- datasets --------------------------------------------------------------------------------


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i * i


def test_dataset_is_abstract_and_adds_to_a_concat_dataset():
    with pytest.raises(TypeError, match="object of type 'Dataset' has no len()"):
        len(Dataset())
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement"):
        Dataset()[0]
    both = Squares(3) + Squares(2)
    assert isinstance(both, ConcatDataset) and [both[i] for i in range(5)] == [0, 1, 4, 0, 1]


def test_tensor_dataset():
    x, y = compat.arange(6.0).reshape(3, 2), compat.tensor([1, 0, 1])
    ds = TensorDataset(x, y)
    assert len(ds) == 3 and ds.tensors == (x, y)
    item = ds[2]
    assert type(item) is tuple and item[0].tolist() == [4.0, 5.0] and item[1].item() == 1
    with pytest.raises(AssertionError, match="^Size mismatch between tensors$"):
        TensorDataset(compat.zeros(3), compat.zeros(4))


def test_subset():
    sub = Subset(Squares(10), [9, 2, 4])
    assert len(sub) == 3 and sub[0] == 81 and sub.indices == [9, 2, 4]
    assert sub.__getitems__([2, 0]) == [16, 81]
    assert Subset([[10, 11], [20]], [1, 0])[1] == [10, 11]


def test_concat_dataset():
    ds = ConcatDataset([range(3), ["a", "b"]])
    assert len(ds) == 5 and ds.cumulative_sizes == [3, 5]
    assert [ds[i] for i in range(-5, 5)] == [0, 1, 2, "a", "b"] * 2
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset"):
        ds[-6]
    with pytest.raises(IndexError):
        ds[5]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])


@pytest.mark.parametrize(
    "n, fractions, sizes",
    [(10, [0.7, 0.3], [7, 3]), (11, [0.5, 0.25, 0.25], [6, 3, 2]), (4, [1 / 3] * 3, [2, 1, 1])],
)
def test_random_split_fractions(n, fractions, sizes):
    parts = random_split(range(n), fractions, generator=compat.Generator().manual_seed(0))
    assert [len(p) for p in parts] == sizes
    assert all(isinstance(p, Subset) and p.dataset == range(n) for p in parts)
    assert sorted(i for p in parts for i in p.indices) == list(range(n))


def test_random_split_lengths_generator_and_errors():
    first = random_split(range(8), [5, 3], generator=compat.Generator().manual_seed(1))
    again = random_split(range(8), [5, 3], generator=compat.Generator().manual_seed(1))
    assert [p.indices for p in first] == [p.indices for p in again]
    compat.manual_seed(3)
    a = random_split(range(8), [4, 4])
    compat.manual_seed(3)
    assert [p.indices for p in a] == [p.indices for p in random_split(range(8), [4, 4])]
    message = "^Sum of input lengths does not equal the length of the input dataset!$"
    for lengths in ([3, 3], [0.5, 0.6]):
        with pytest.raises(ValueError, match=message):
            random_split(range(10), lengths)
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 2 is 0"):
        parts = random_split(range(2), [0.5, 0.5, 0.0])
    assert [len(p) for p in parts] == [1, 1, 0]


# --- samplers -------------------------------------------------------------------------------


def test_sequential_and_batch_samplers():
    assert list(SequentialSampler("abcd")) == [0, 1, 2, 3] and len(SequentialSampler("ab")) == 2
    assert list(BatchSampler(range(5), 2, False)) == [[0, 1], [2, 3], [4]]
    assert list(BatchSampler(range(5), 2, True)) == [[0, 1], [2, 3]]
    assert len(BatchSampler(range(5), 2, False)) == 3 and len(BatchSampler(range(5), 2, True)) == 2
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match=f"positive integer value, but got batch_size={bad}"):
            BatchSampler(range(5), bad, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value, but got drop_las"):
        BatchSampler(range(5), 2, 1)
    with pytest.raises(NotImplementedError):
        iter(Sampler())
    with pytest.raises(TypeError):
        len(Sampler())


def test_random_sampler():
    g = compat.Generator().manual_seed(0)
    sampler = RandomSampler(range(6), generator=g)
    first, second = list(sampler), list(sampler)
    assert sorted(first) == sorted(second) == list(range(6)) and first != second
    assert list(RandomSampler(range(6), generator=compat.Generator().manual_seed(0))) == first
    longer = list(RandomSampler(range(3), num_samples=7, generator=g))
    assert len(longer) == 7 and sorted(longer[:3]) == sorted(longer[3:6]) == [0, 1, 2]
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=100, generator=g))
    assert len(drawn) == 100 and set(drawn) == {0, 1, 2}
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got repl"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but"):
        RandomSampler(range(3), num_samples=0)
    subset = SubsetRandomSampler([10, 20, 30, 40], generator=g)
    assert sorted(subset) == [10, 20, 30, 40] and len(subset) == 4


# --- default_collate / default_convert ------------------------------------------------------


def test_collate_tensors_numbers_and_strings():
    stacked = default_collate([compat.tensor([1.0, 2.0]), compat.tensor([3.0, 4.0])])
    assert stacked.tolist() == [[1.0, 2.0], [3.0, 4.0]] and stacked.dtype == compat.float32
    ints, floats = default_collate([1, 2]), default_collate([1.5, 2])
    assert ints.dtype == compat.int64 and ints.tolist() == [1, 2]
    assert floats.dtype == compat.float64 and floats.tolist() == [1.5, 2.0]
    assert default_collate([True, False]).dtype == compat.bool
    assert default_collate(["a", "b"]) == ["a", "b"]
    assert default_collate([b"a", b"b"]) == [b"a", b"b"]


def test_collate_numpy_keeps_dtypes():
    arrays = default_collate([np.zeros(2), np.ones(2)])
    assert arrays.dtype == compat.float64 and arrays.tolist() == [[0, 0], [1, 1]]
    assert default_collate([np.zeros(2, np.int32)] * 3).dtype == compat.int32
    scalars = default_collate([np.float32(1), np.float32(2)])
    assert scalars.dtype == compat.float32 and scalars.tolist() == [1.0, 2.0]
    assert default_collate([np.int16(1), np.int16(2)]).dtype == compat.int16


def test_collate_containers():
    batch = default_collate([(compat.zeros(2), 0), (compat.ones(2), 1)])
    assert type(batch) is list and batch[0].shape == (2, 2) and batch[1].tolist() == [0, 1]
    d = default_collate([{"x": 1.0, "name": "a"}, {"x": 2.0, "name": "b"}])
    assert type(d) is dict and d["x"].tolist() == [1.0, 2.0] and d["name"] == ["a", "b"]
    od = default_collate([collections.OrderedDict(a=1)] * 2)
    assert type(od) is collections.OrderedDict and od["a"].tolist() == [1, 1]
    point = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert type(point) is Point and point.x.tolist() == [1, 3] and point.y.tolist() == [2.0, 4.0]
    nested = default_collate([[[1, 2], ("a", 3)], [[3, 4], ("b", 5)]])
    assert [t.tolist() for t in nested[0]] == [[1, 3], [2, 4]]
    assert nested[1][0] == ("a", "b") and nested[1][1].tolist() == [3, 5]


def test_collate_deep_nesting_does_not_recurse():
    sample = 1
    for _ in range(5000):
        sample = [sample]
    out = default_collate([sample, sample])
    for _ in range(5000):
        assert type(out) is list and len(out) == 1
        out = out[0]
    assert out.tolist() == [1, 1]


def test_collate_errors():
    with pytest.raises(
        RuntimeError,
        match=r"^stack expects each tensor to be equal size, but got \[2\] at entry 0 and "
        r"\[3\] at entry 1$",
    ):
        default_collate([compat.zeros(2), compat.zeros(3)])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        default_collate([[1, 2], [3]])
    message = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists"
    with pytest.raises(TypeError, match=f"^{message}; found <class 'object'>$"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match=f"^{message}; found <U1$"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(TypeError, match="NoneType"):
        default_collate([None, None])


def test_default_convert():
    out = default_convert((np.zeros(2), 1, "a", [np.ones(1, np.float32)], Point(np.int64(3), 2)))
    assert type(out) is list and out[1:3] == [1, "a"]
    assert out[0].dtype == compat.float64 and out[3][0].dtype == compat.float32
    assert type(out[4]) is Point and out[4].x.dtype == compat.int64 and out[4].y == 2
    strings = np.array(["a"])
    assert default_convert({"s": strings})["s"] is strings


# --- DataLoader -------------------------------------------------------------------------------


def test_loader_batches_in_order():
    ds = TensorDataset(compat.arange(5.0).reshape(5, 1), compat.arange(5))
    loader = DataLoader(ds, batch_size=2)
    assert len(loader) == 3
    got = list(loader)
    assert [type(b) for b in got] == [list] * 3
    assert [yb.tolist() for _, yb in got] == [[0, 1], [2, 3], [4]]
    assert got[0][0].shape == (2, 1)
    dropping = DataLoader(ds, batch_size=2, drop_last=True)
    assert len(dropping) == 2 and [yb.tolist() for _, yb in dropping] == [[0, 1], [2, 3]]
    assert loader.dataset is ds and loader.batch_size == 2 and loader.drop_last is False
    assert type(loader.sampler) is SequentialSampler
    assert type(loader.batch_sampler) is BatchSampler
    assert batches(DataLoader(list(range(7)), batch_size=3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_loader_without_batching():
    loader = DataLoader([(np.zeros(2), 1.5), (np.ones(2), 2.5)], batch_size=None)
    assert len(loader) == 2 and loader.batch_sampler is None
    first = next(iter(loader))
    assert type(first) is list and first[0].dtype == compat.float64 and first[1] == 1.5
    assert list(DataLoader(range(3), batch_size=None)) == [0, 1, 2]


def test_loader_shuffle_is_reproducible_and_differs_per_epoch():
    def loader(**kwargs):
        return DataLoader(range(5), batch_size=2, shuffle=True, **kwargs)

    # the spec's value, recorded from torch 2.13
    assert batches(loader(generator=compat.Generator().manual_seed(0))) == [[3, 1], [0, 4], [2]]
    shuffled = DataLoader(range(20), batch_size=4, shuffle=True, generator=compat.Generator())
    epochs = [batches(shuffled) for _ in range(4)]
    assert len({str(e) for e in epochs}) == 4
    assert all(sorted(sum(e, [])) == list(range(20)) for e in epochs)
    assert type(shuffled.sampler) is RandomSampler
    compat.manual_seed(7)
    global_rng = [batches(loader()) for _ in range(3)]
    compat.manual_seed(7)
    assert [batches(loader()) for _ in range(3)] == global_rng


def test_loader_samplers_and_collate_fn():
    class Backwards(Sampler):
        def __iter__(self):
            return iter([3, 2, 1, 0])

        def __len__(self):
            return 4

    assert batches(DataLoader(range(4), batch_size=3, sampler=Backwards())) == [[3, 2, 1], [0]]
    by_batch = DataLoader(range(6), batch_sampler=[[5, 0], [2]])
    assert batches(by_batch) == [[5, 0], [2]] and len(by_batch) == 2
    assert by_batch.batch_size is None
    summed = DataLoader(range(5), batch_size=2, collate_fn=sum)
    assert list(summed) == [1, 5, 4]


def test_loader_uses_getitems_when_the_dataset_has_it():
    class Batched(Squares):
        def __getitems__(self, indices):
            return [-i for i in indices]

    assert batches(DataLoader(Batched(5), batch_size=2)) == [[0, -1], [-2, -3], [-4]]
    assert batches(DataLoader(Subset(Batched(5), [4, 3]), batch_size=2)) == [[-4, -3]]


def test_loader_workers_run_in_process():
    calls = []
    loader = DataLoader(
        range(5), batch_size=2, num_workers=2, worker_init_fn=calls.append, persistent_workers=True
    )
    assert batches(loader) == [[0, 1], [2, 3], [4]] and calls == [0]
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true"):
        assert batches(DataLoader(range(2), pin_memory=True)) == [[0], [1]]


def test_loader_argument_errors():
    sampler = SequentialSampler(range(5))
    cases = [
        (dict(shuffle=True, sampler=sampler), "sampler option is mutually exclusive with shuffle"),
        (
            dict(batch_size=2, batch_sampler=[[0]]),
            "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
            "and drop_last",
        ),
        (
            dict(batch_size=None, drop_last=True),
            "batch_size=None option disables auto-batching and is mutually exclusive with "
            "drop_last",
        ),
        (
            dict(num_workers=-1),
            "num_workers option should be non-negative; use num_workers=0 to disable "
            "multiprocessing.",
        ),
        (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError) as info:
            DataLoader(range(5), **kwargs)
        assert str(info.value) == message
    loader = DataLoader(range(5))
    with pytest.raises(ValueError, match="^batch_size attribute should not be set after Data"):
        loader.batch_size = 3
    loader.num_workers = 2  # not one of the fixed attributes
    assert loader.num_workers == 2


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def test_loader_over_an_iterable_dataset():
    assert batches(DataLoader(Stream(5), batch_size=2)) == [[0, 1], [2, 3], [4]]
    assert batches(DataLoader(Stream(5), batch_size=2, drop_last=True)) == [[0, 1], [2, 3]]
    assert len(DataLoader(Stream(5), batch_size=2)) == 3
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]
    with pytest.raises(ValueError, match="expected unspecified shuffle option, but got shuffl"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Stream(2)])


# --- compared with torch live -----------------------------------------------------------------


def same_structure(ours, theirs, torch):
    if isinstance(theirs, torch.Tensor):
        return (
            isinstance(ours, compat.Tensor)
            and str(ours.dtype) == str(theirs.dtype)
            and ours.tolist() == theirs.tolist()
        )
    if isinstance(theirs, (list, tuple)):
        return (
            type(ours) is type(theirs)
            and len(ours) == len(theirs)
            and all(same_structure(a, b, torch) for a, b in zip(ours, theirs))
        )
    if isinstance(theirs, dict):
        return (
            type(ours) is type(theirs)
            and list(ours) == list(theirs)
            and all(same_structure(ours[k], theirs[k], torch) for k in theirs)
        )
    return type(ours) is type(theirs) and ours == theirs


COLLATE_CASES = [
    [1, 2],
    [1.5, 2],
    [True, False],
    ["a", "b"],
    [np.zeros(2), np.ones(2)],
    [np.float32(1), np.float32(2)],
    [np.array([1, 2], np.int32)] * 2,
    [(1, "a"), (2, "b")],
    [{"x": 1.0, "y": [1, 2]}, {"x": 2.0, "y": [3, 4]}],
    [Point(1, 2.0), Point(3, 4.0)],
    [collections.OrderedDict(a=np.int64(1))] * 2,
    [[[1, 2], (3, "c")], [[4, 5], (6, "d")]],
]


@pytest.mark.parametrize("batch", COLLATE_CASES, ids=range(len(COLLATE_CASES)))
def test_collate_matches_torch(batch):
    torch = pytest.importorskip("torch")
    tdata = torch.utils.data

    assert same_structure(default_collate(batch), tdata.default_collate(batch), torch)
    assert same_structure(default_convert(batch[0]), tdata.default_convert(batch[0]), torch)


def test_shuffling_and_splitting_match_torch():
    torch = pytest.importorskip("torch")
    tdata = torch.utils.data

    def run(lib, data):
        lib.manual_seed(11)
        loader = data.DataLoader(range(10), batch_size=3, shuffle=True)
        epochs = [[b.tolist() for b in loader] for _ in range(2)]
        seeded = data.DataLoader(
            range(7), batch_size=2, shuffle=True, generator=lib.Generator().manual_seed(4)
        )
        split = [s.indices for s in data.random_split(range(9), [0.5, 0.5])]
        replaced = list(data.RandomSampler(range(4), replacement=True, num_samples=40))
        after = lib.rand(3).tolist()  # the global stream after all of that
        return epochs, [b.tolist() for b in seeded], split, replaced, after

    assert run(compat, compat.utils.data) == run(torch, tdata)
