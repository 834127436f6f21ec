"""compat.save / compat.load: PyTorch's zip format, checked against files written by torch.

The files in tests/fixtures/torch_files were written by torch 2.13 (see record_torch_files.py);
expected.json / expected.npz hold what torch had in memory when it saved them.
"""

import collections
import io
import json
import os
import pathlib
import pickle
import struct
import sys
import zipfile

import numpy as np
import pytest

import compat
from compat._serialization import load, save

FILES = pathlib.Path(__file__).resolve().parent / "fixtures" / "torch_files"
EXPECTED = json.loads((FILES / "expected.json").read_text())
CASES = ["sequential_state_dict", "views", "parameter", "adam_state_dict", "dtypes"]


@pytest.fixture(scope="module")
def arrays():
    with np.load(FILES / "expected.npz") as data:
        return {k: data[k] for k in data.files}


def parameter_class():
    try:
        from compat.nn import Parameter
    except ImportError:
        return None
    return Parameter


def assert_described(obj, desc, arrays, where="obj"):
    """obj is what expected.json describes (types, dtypes, shapes, exact values)."""
    if "tensor" in desc:
        assert isinstance(obj, compat.Tensor), where
        assert str(obj.dtype) == f"torch.{desc['dtype']}", where
        assert list(obj.shape) == desc["shape"], where
        assert obj.requires_grad == desc["requires_grad"], where
        if desc["parameter"] and parameter_class() is not None:
            assert isinstance(obj, parameter_class()), where
        value = obj.detach().numpy()
        assert value.dtype == arrays[desc["tensor"]].dtype, where
        np.testing.assert_array_equal(value, arrays[desc["tensor"]], err_msg=where)
    elif "dict" in desc:
        kind = collections.OrderedDict if desc["ordered"] else dict
        assert type(obj) is kind, where
        assert len(obj) == len(desc["dict"]), where
        for (key, value), (key_desc, value_desc) in zip(obj.items(), desc["dict"]):
            assert_described(key, key_desc, arrays, f"{where} key")
            assert_described(value, value_desc, arrays, f"{where}[{key!r}]")
        if "metadata" in desc:
            assert_described(obj._metadata, desc["metadata"], arrays, f"{where}._metadata")
    elif "list" in desc or "tuple" in desc:
        kind = "list" if "list" in desc else "tuple"
        assert type(obj).__name__ == kind, where
        assert len(obj) == len(desc[kind]), where
        for i, (item, item_desc) in enumerate(zip(obj, desc[kind])):
            assert_described(item, item_desc, arrays, f"{where}[{i}]")
    elif "none" in desc:
        assert obj is None, where
    else:
        ((kind, value),) = desc.items()
        assert type(obj).__name__ == kind, where
        assert obj == (int(value) if kind == "int" else value), where


# --- reading files written by torch ---------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_reads_files_written_by_torch(name, arrays):
    assert_described(load(FILES / f"{name}.pt"), EXPECTED[name], arrays)


def test_reads_state_dict_details():
    sd = load(str(FILES / "sequential_state_dict.pt"))  # a str path works too
    assert list(sd) == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    ]
    assert sd["1.num_batches_tracked"].shape == () and sd["1.num_batches_tracked"].item() == 1
    assert sd._metadata["1"] == {"version": 2}


def test_views_sharing_a_storage_load_as_their_own_values():
    views = load(FILES / "views.pt")
    base = views["base"].numpy()
    np.testing.assert_array_equal(views["transposed"].numpy(), base.T)
    np.testing.assert_array_equal(views["stepped"].numpy(), base[:, ::2])
    np.testing.assert_array_equal(views["row"].numpy(), base[1])
    assert views["element"].shape == () and views["element"].item() == base[2, 3]
    assert views["transposed"].numpy().flags.c_contiguous


def test_parameters_load_as_parameters_or_tensors_that_require_grad():
    loaded = load(FILES / "parameter.pt")
    assert loaded["weight"].requires_grad and not loaded["frozen"].requires_grad
    assert loaded["leaf"].requires_grad and loaded["leaf"].is_leaf
    if parameter_class() is not None:
        assert isinstance(loaded["weight"], parameter_class())
        assert not isinstance(loaded["leaf"], parameter_class())


def test_reads_from_a_file_object_and_accepts_cpu_map_locations():
    raw = (FILES / "dtypes.pt").read_bytes()
    for where in (None, "cpu", compat.device("cpu"), {"cuda:0": "cpu"}, lambda s, loc: s):
        loaded = load(io.BytesIO(raw), map_location=where)
        assert loaded["int8"].tolist() == [-128, 127]


def test_refuses_other_devices():
    with pytest.raises(RuntimeError, match="CPU only.*'cuda:0'"):
        load(FILES / "dtypes.pt", map_location="cuda:0")


def test_reads_big_endian_files(tmp_path, arrays):
    # same content, byteorder record "big" and every storage byte-swapped
    with zipfile.ZipFile(FILES / "dtypes.pt") as source:
        pickled = source.read("dtypes/data.pkl")
        records = {"data.pkl": pickled, "byteorder": b"big"}
        torch_like = load(FILES / "dtypes.pt")
        for info in source.infolist():
            _, _, name = info.filename.partition("/")
            if name.startswith("data/"):
                records[name] = source.read(info.filename)
    # find each storage's dtype from the tensors that use it (one storage per tensor here)
    order = [k for k, v in torch_like.items() if isinstance(v, compat.Tensor)]
    for key, tensor_name in enumerate(order):
        value = arrays[f"dtypes/root.{tensor_name}"]
        records[f"data/{key}"] = value.astype(value.dtype.newbyteorder(">")).tobytes()
    path = tmp_path / "big.pt"
    write_zip(path, "big", records)
    loaded = load(path)
    for name in order:
        np.testing.assert_array_equal(loaded[name].numpy(), arrays[f"dtypes/root.{name}"])
        assert loaded[name].numpy().dtype.isnative


# --- refusing what is not tensors and containers -------------------------------------------


def write_zip(path, name, records):
    with zipfile.ZipFile(path, "w") as archive:
        for record, data in records.items():
            archive.writestr(f"{name}/{record}", data)


class RunsACommand:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


@pytest.mark.parametrize("protocol", [2, 4])
def test_refuses_a_pickle_that_would_run_code(tmp_path, protocol):
    marker = tmp_path / "ran"
    payload = {"weight": [1.0], "evil": RunsACommand(f"touch {marker}")}
    path = tmp_path / "evil.pt"
    write_zip(path, "evil", {"data.pkl": pickle.dumps(payload, protocol=protocol)})
    with pytest.raises(pickle.UnpicklingError) as info:
        load(path, weights_only=False)  # refused whatever weights_only says
    assert f"{os.system.__module__}.system" in str(info.value)
    assert "Only tensors and plain containers" in str(info.value)
    assert not marker.exists()


def test_refuses_numpy_arrays_pickled_by_torch():
    with pytest.raises(pickle.UnpicklingError, match=r"Weights only load failed.*numpy"):
        load(FILES / "numpy_array.pt")


def pickled(tensor_or_obj):
    """compat.save's data.pkl and storages, as a dict of zip records."""
    buffer = io.BytesIO()
    save(tensor_or_obj, buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {n.partition("/")[2]: archive.read(n) for n in archive.namelist()}


def load_records(tmp_path, records):
    path = tmp_path / "patched.pt"
    write_zip(path, "patched", records)
    return load(path)


def test_refuses_setting_a_tensors_state(tmp_path):
    records = pickled(compat.ones(2))
    # BUILD {'numpy': None} on the tensor, just before STOP
    data = records["data.pkl"]
    records["data.pkl"] = data[:-1] + b"}X\x05\x00\x00\x00numpyNsb."
    with pytest.raises(pickle.UnpicklingError, match="setting a tensor's state"):
        load_records(tmp_path, records)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n}b.", "setting the state"),
        (b"\x80\x02ccollections\nOrderedDict\n.", "bare"),
        (b"\x80\x02ctorch\nFloatStorage\n)R.", "calling torch.FloatStorage"),
        (b"\x80\x02ctorch\nBFloat16Storage\n.", "a dtype compat does not have"),
        (b"\x80\x02(X\x03\x00\x00\x00abcX\x01\x00\x00\x000tQ.", "persistent id"),
    ],
)
def test_refuses_misused_globals(tmp_path, data, message):
    with pytest.raises(pickle.UnpicklingError, match=message):
        load_records(tmp_path, {"data.pkl": data})


def test_refuses_views_outside_their_storage(tmp_path):
    records = pickled(compat.zeros(2, 3))
    assert records["data.pkl"].count(b"K\x02K\x03\x86") == 1  # the size (2, 3)
    records["data.pkl"] = records["data.pkl"].replace(b"K\x02K\x03\x86", b"K\x09K\x03\x86")
    with pytest.raises(pickle.UnpicklingError, match="reaches past its storage of 6 elements"):
        load_records(tmp_path, records)


def test_refuses_storages_of_the_wrong_size(tmp_path):
    records = pickled(compat.zeros(2, 3))
    records["data/0"] = records["data/0"][:-4]
    with pytest.raises(pickle.UnpicklingError, match="holds 20 bytes, not 6 elements"):
        load_records(tmp_path, records)


def test_refuses_files_that_are_not_torch_zips(tmp_path):
    legacy = tmp_path / "legacy.pt"
    legacy.write_bytes(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.")
    with pytest.raises(pickle.UnpicklingError, match="legacy format"):
        load(legacy)
    plain = tmp_path / "plain.pkl"
    plain.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(pickle.UnpicklingError, match="not one"):
        load(plain)
    with pytest.raises(pickle.UnpicklingError, match="no <name>/data.pkl"):
        load_records(tmp_path, {"other.txt": b""})


# --- round trips through compat --------------------------------------------------------------

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
DTYPES += ["complex64", "complex128"]


def round_trip(obj, **kwargs):
    buffer = io.BytesIO()
    save(obj, buffer, **kwargs)
    buffer.seek(0)
    return load(buffer)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 3), (2, 3, 4)])
def test_round_trip_dtypes_and_shapes(dtype, shape, rng):
    values = rng.normal(size=shape) * 50 + 1j * rng.normal(size=shape)
    array = values if dtype.startswith("complex") else values.real
    array = np.array(array).astype(dtype)
    loaded = round_trip({"t": compat.from_numpy(array)})["t"]
    assert loaded.dtype == getattr(compat, dtype)
    assert tuple(loaded.shape) == shape
    np.testing.assert_array_equal(loaded.numpy(), array)


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a.T,  # transposed
        lambda a: a[::2, 1:],  # stepped and offset
        lambda a: np.broadcast_to(a[0], (4, 3)),  # zero strides
    ],
)
def test_round_trip_non_contiguous_sources(make, rng):
    array = make(rng.normal(size=(4, 3)))
    loaded = round_trip([compat.from_numpy(array)])[0]
    np.testing.assert_array_equal(loaded.numpy(), array)


def test_round_trip_tensor_views_and_requires_grad():
    base = compat.arange(12.0).reshape(3, 4)
    w = compat.ones(3, requires_grad=True)
    loaded = round_trip({"t": base.t(), "row": base[1], "w": w})
    np.testing.assert_array_equal(loaded["t"].numpy(), base.numpy().T)
    np.testing.assert_array_equal(loaded["row"].numpy(), base.numpy()[1])
    assert loaded["w"].requires_grad and not loaded["t"].requires_grad


def test_round_trip_optimizer_state_dict():
    state = {
        "state": {
            0: {"step": compat.tensor(3.0), "exp_avg": compat.ones(2, 2)},
            1: {"momentum_buffer": None},
        },
        "param_groups": [
            {
                "lr": 0.001,
                "betas": (0.9, 0.999),
                "eps": 1e-08,
                "weight_decay": 0,
                "amsgrad": False,
                "foreach": None,
                "nesterov": True,
                "params": [0, 1],
            }
        ],
    }
    loaded = round_trip(state)
    assert list(loaded) == ["state", "param_groups"] and list(loaded["state"]) == [0, 1]
    assert loaded["param_groups"] == state["param_groups"]
    assert type(loaded["param_groups"][0]["betas"]) is tuple
    assert loaded["state"][0]["step"].shape == () and loaded["state"][0]["step"].item() == 3.0
    assert loaded["state"][0]["exp_avg"].tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert loaded["state"][1] == {"momentum_buffer": None}


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_round_trip_scalars_and_containers(protocol):
    ints = [0, 1, 255, 256, 65535, 65536, -1, 2**31 - 1, -(2**31), 2**31, -(2**31) - 1]
    ints += [2**63, -(2**70), 2**2100]  # LONG1 and LONG4
    floats = [0.1, -0.0, float("inf"), 1e-300]
    strings = ["", "naïve ☃", "\ud800", "x" * 70000]
    obj = collections.OrderedDict(ints=ints, floats=floats, strings=strings)
    obj["nested"] = {(1, "a"): [None, True, False, ()], 2.5: [[[]]]}
    obj["tuples"] = ((), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4))
    loaded = round_trip(obj, pickle_protocol=protocol)
    assert type(loaded) is collections.OrderedDict and loaded == obj
    assert [type(t) for t in loaded["tuples"]] == [tuple] * 5
    nan = round_trip(float("nan"))
    assert nan != nan


def test_round_trip_keeps_shared_objects_and_metadata():
    t = compat.ones(2)
    shared = [1, 2]
    obj = {f"k{i}": [i] for i in range(300)}  # more than 256 memo slots
    obj.update(a=t, b=t, c=shared, d=shared, last=obj["k299"])
    sd = collections.OrderedDict(w=t)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    obj["sd"] = sd
    loaded = round_trip(obj)
    assert loaded["a"] is loaded["b"] and loaded["c"] is loaded["d"]
    assert loaded["last"] is loaded["k299"] and loaded["last"] == [299]
    assert loaded["sd"]._metadata == {"": {"version": 1}}
    cycle = [1]
    cycle.append(cycle)
    again = round_trip(cycle)
    assert again[1] is again


def test_round_trip_size_and_parameter():
    loaded = round_trip({"shape": compat.zeros(2, 3).shape})
    assert type(loaded["shape"]) is compat.Size and loaded["shape"] == (2, 3)
    Parameter = parameter_class()
    if Parameter is not None:
        p = round_trip(Parameter(compat.ones(2)))
        assert isinstance(p, Parameter) and p.requires_grad and p.tolist() == [1.0, 1.0]


def test_save_refuses_other_objects_saying_where():
    point = collections.namedtuple("Point", "x y")
    cases = [
        ({"a": [1, np.zeros(2)]}, r"numpy.ndarray at obj\['a'\]\[1\]"),
        ({"a": {"b": np.float64(1.0)}}, r"numpy.float64 at obj\['a'\]\['b'\]"),
        ([point(1, 2)], r"Point at obj\[0\]"),
        ({1, 2}, "builtins.set at obj"),
        ({"m": object()}, "builtins.object"),
    ]
    for obj, message in cases:
        with pytest.raises(TypeError, match=message):
            save(obj, io.BytesIO())
    looped = ([],)
    looped[0].append(looped)
    with pytest.raises(ValueError, match=r"tuple at obj\[0\]\[0\] contains itself"):
        save(looped, io.BytesIO())
    with pytest.raises(ValueError, match="protocols 2 to 5"):
        save({}, io.BytesIO(), pickle_protocol=1)


# --- the file format itself, without torch ---------------------------------------------------


def test_zip_layout_matches_torch(tmp_path):
    sd = load(FILES / "sequential_state_dict.pt")
    path = tmp_path / "sequential_state_dict.pt"
    save(sd, path)
    with zipfile.ZipFile(path) as ours, zipfile.ZipFile(FILES / path.name) as theirs:
        assert ours.namelist() == theirs.namelist()
        for name in ("version", "byteorder", ".format_version", ".storage_alignment"):
            record = f"sequential_state_dict/{name}"
            assert ours.read(record) == theirs.read(record)
        assert len(ours.read("sequential_state_dict/.data/serialization_id")) == 40
        raw = path.read_bytes()
        for info in ours.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            name_length, extra_length = struct.unpack("<HH", raw[info.header_offset + 26 :][:4])
            start = info.header_offset + 30 + name_length + extra_length
            assert start % 64 == 0, info.filename
            assert raw[start : start + info.file_size] == ours.read(info.filename)
    buffer = io.BytesIO()
    save(sd, buffer)
    assert zipfile.ZipFile(buffer).namelist()[0] == "archive/data.pkl"


def test_pickle_has_torchs_structure():
    """A plain unpickler sees _rebuild_tensor_v2(('storage', FloatStorage, ...), ...) calls."""
    records = pickled(collections.OrderedDict(w=compat.ones(2, 3), n=compat.tensor(7)))
    calls = []

    class Global:
        def __init__(self, name):
            self.name = name

        def __call__(self, *args):
            calls.append((self.name, args))
            return self.name

    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ("collections", "OrderedDict"):
                return collections.OrderedDict
            return Global(f"{module}.{name}")

        def persistent_load(self, pid):
            return pid

    result = Recorder(io.BytesIO(records["data.pkl"])).load()
    assert result == {"w": "torch._utils._rebuild_tensor_v2"} | {"n": result["w"]}
    assert type(result) is collections.OrderedDict and list(result) == ["w", "n"]
    (w_name, w_args), (n_name, n_args) = calls
    assert w_name == n_name == "torch._utils._rebuild_tensor_v2"
    (_, w_type, *w_rest), (_, n_type, *n_rest) = w_args[0], n_args[0]
    assert w_args[0][0] == n_args[0][0] == "storage"
    assert (w_type.name, w_rest) == ("torch.FloatStorage", ["0", "cpu", 6])
    assert (n_type.name, n_rest) == ("torch.LongStorage", ["1", "cpu", 1])
    assert w_args[1:] == (0, (2, 3), (3, 1), False, collections.OrderedDict())
    assert n_args[1:] == (0, (), (), False, collections.OrderedDict())
    assert records["data/0"] == np.ones(6, "<f4").tobytes()
    assert records["data/1"] == np.array(7, "<i8").tobytes()


# --- real torch reads what compat writes -----------------------------------------------------


def to_compat(obj):
    torch = sys.modules["torch"]
    if isinstance(obj, torch.Tensor):
        t = compat.from_numpy(obj.detach().numpy().copy())
        return t.requires_grad_() if obj.requires_grad else t
    if isinstance(obj, dict):
        out = type(obj)((k, to_compat(v)) for k, v in obj.items())
        if hasattr(obj, "_metadata"):
            out._metadata = obj._metadata
        return out
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_compat(v) for v in obj)
    return obj


def assert_same(ours, theirs, where="obj"):
    torch = sys.modules["torch"]
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, torch.Tensor), where
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, where
        assert torch.equal(ours, theirs), where
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs), where
        for k in theirs:
            assert_same(ours[k], theirs[k], f"{where}[{k!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert type(ours) is type(theirs) and ours == theirs, where


def test_torch_loads_a_state_dict_compat_saved(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    model(torch.randn(4, 3))
    path = tmp_path / "model.pt"
    save(to_compat(model.state_dict()), path)
    loaded = torch.load(path, weights_only=True)
    assert_same(loaded, model.state_dict())
    fresh = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    fresh.load_state_dict(loaded)
    x = torch.randn(5, 3)
    assert torch.equal(fresh.eval()(x), model.eval()(x))


def test_torch_loads_an_optimizer_state_dict_compat_saved(tmp_path):
    torch = pytest.importorskip("torch")
    w = torch.nn.Parameter(torch.randn(2, 3))
    opt = torch.optim.Adam([w], lr=0.01)
    (w**2).sum().backward()
    opt.step()
    path = tmp_path / "adam.pt"
    save(to_compat(opt.state_dict()), path)
    loaded = torch.load(path, weights_only=True)
    assert_same(loaded, opt.state_dict())
    torch.optim.Adam([w], lr=0.01).load_state_dict(loaded)


def test_torch_loads_every_dtype_parameters_and_sizes(tmp_path):
    torch = pytest.importorskip("torch")
    arrays = {d: np.arange(-3, 3).reshape(2, 3).astype(d) for d in DTYPES}
    obj = {d: compat.from_numpy(a) for d, a in arrays.items()}
    obj.update(scalar=compat.tensor(2.5), empty=compat.zeros(0, 3), size=compat.zeros(2, 5).shape)
    obj["grad"] = compat.ones(2, requires_grad=True)
    Parameter = parameter_class()
    if Parameter is not None:
        obj["param"] = Parameter(compat.ones(3))
    path = tmp_path / "all.pt"
    save(obj, path)
    loaded = torch.load(path, weights_only=True)
    for d, a in arrays.items():
        assert loaded[d].dtype == getattr(torch, d)
        np.testing.assert_array_equal(loaded[d].numpy(), a)
    assert loaded["scalar"].shape == () and loaded["scalar"].item() == 2.5
    assert loaded["empty"].shape == (0, 3) and loaded["size"] == torch.Size([2, 5])
    assert type(loaded["size"]) is torch.Size and loaded["grad"].requires_grad
    if Parameter is not None:
        assert isinstance(loaded["param"], torch.nn.Parameter) and loaded["param"].requires_grad
