"""compat.save / compat.load: PyTorch's ``.pt`` zip format, written and read without torch.

A file is an uncompressed zip holding ``<name>/data.pkl`` (a protocol-2 pickle of the object, in
which every tensor is ``torch._utils._rebuild_tensor_v2(<storage>, offset, size, stride,
requires_grad, OrderedDict())`` and every storage a persistent id ``('storage',
torch.FloatStorage, '<key>', 'cpu', numel)``), the raw little-endian bytes of each storage as
``<name>/data/<key>`` (64-byte aligned), and a few small records (``byteorder``, ``version``...).

The pickle writer is ``compat._pickle_write`` (protocol-2 opcodes for the few types a
checkpoint needs, so nothing but tensors and plain containers can be written); the reader is
``compat._pickle_read`` (a ``pickle.Unpickler`` whose allow-list of globals means loading a
file never runs code from it: PyTorch's ``weights_only=True``, always). This module holds the
entry points and the zip around the pickle.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import struct
import zipfile

from compat._pickle_read import Unpickler
from compat._pickle_write import Pickler

__all__ = ["save", "load"]

_ALIGNMENT = 64


# --- writing -----------------------------------------------------------------------------------


def save(obj, f, pickle_module=None, pickle_protocol: int = 2) -> None:
    """Save tensors and plain containers in PyTorch's file format (``torch.save``).

    The file loads in real PyTorch with ``torch.load(f)`` (``weights_only=True``): state dicts,
    optimizer state dicts and checkpoints nesting them. Tensors are written C-contiguous, each
    with its own storage; an object that appears twice (e.g. tied weights) is written once and
    loads as one object.

    Args:
        obj: tensors (``Parameter`` included), dict, ``OrderedDict``, list, tuple, ``Size``, str,
            int, float, bool and None, nested in any way.
        f: a path (str or ``os.PathLike``) or a binary file object open for writing.
        pickle_module: only the standard ``pickle`` (or None) is accepted.
        pickle_protocol: the pickle protocol header, 2 (PyTorch's default) to 5.

    Raises:
        TypeError: for any other object, naming where it sits in ``obj``.

    Example:
        >>> import io
        >>> import compat as torch
        >>> buffer = io.BytesIO()
        >>> torch.save({"weight": torch.ones(2, 3), "step": 7}, buffer)
        >>> _ = buffer.seek(0)
        >>> torch.load(buffer)
        {'weight': tensor([[1., 1., 1.],
                [1., 1., 1.]]), 'step': 7}
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("compat.save writes its pickles itself: leave pickle_module out")
    if not (isinstance(pickle_protocol, int) and 2 <= pickle_protocol <= 5):
        raise ValueError(f"compat.save writes pickle protocols 2 to 5, got {pickle_protocol!r}")
    data_pkl, storages = Pickler(pickle_protocol).dump(obj)
    if isinstance(f, (str, os.PathLike)):
        name = os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
        with open(f, "wb") as out:
            out.write(_zip(name, data_pkl, storages))
    else:
        f.write(_zip("archive", data_pkl, storages))


def _zip(name: str, data_pkl: bytes, storages: list[bytes]) -> bytes:
    """The zip PyTorch writes: STORED records, each record's data 64-byte aligned."""
    digest = hashlib.sha256(data_pkl)
    for s in storages:
        digest.update(s)
    records = [
        ("data.pkl", data_pkl),
        (".format_version", b"1"),
        (".storage_alignment", str(_ALIGNMENT).encode()),
        ("byteorder", b"little"),
        *((f"data/{key}", s) for key, s in enumerate(storages)),
        ("version", b"3\n"),
        (".data/serialization_id", str(int(digest.hexdigest()[:32], 16)).zfill(40).encode()),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for record, data in records:
            info = zipfile.ZipInfo(f"{name}/{record}", date_time=(1980, 1, 1, 0, 0, 0))
            # pad the local header with an extra field ('FB', as torch does) so data aligns
            header = 30 + len(info.filename.encode("utf-8")) + 4
            if len(data) > zipfile.ZIP64_LIMIT:
                header += 20  # zipfile then adds a zip64 extra field to the local header
            pad = -(buffer.tell() + header) % _ALIGNMENT
            info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            archive.writestr(info, data)
    return buffer.getvalue()


# --- reading -----------------------------------------------------------------------------------


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None):
    """Load what ``torch.save`` or ``compat.save`` wrote (``torch.load``, weights only).

    Tensors, Parameters and plain containers load; any other object in the file is refused
    with ``pickle.UnpicklingError`` before anything from the file runs, as PyTorch does with
    ``weights_only=True`` (its default since 2.6). compat never runs code from a file, so
    ``weights_only=False`` reads the same things. Views in the file (a tensor and its
    transpose, say) load as separate tensors with the right values.

    Args:
        f: a path (str or ``os.PathLike``) or a binary file object open for reading.
        map_location: where tensors go: compat has the CPU only, so None, ``"cpu"``, a CPU
            ``device``, a dict mapping to the CPU or a function are accepted (and ignored).
        pickle_module: only the standard ``pickle`` (or None) is accepted.
        weights_only: accepted for compatibility; loading is always weights-only.
        mmap: accepted for compatibility; the file is read into memory.

    Returns:
        The saved object, tensors as ``compat.Tensor`` (``compat.nn.Parameter`` for
        Parameters).

    Example:
        >>> import io
        >>> import compat as torch
        >>> buffer = io.BytesIO()
        >>> torch.save({"state": {0: {"step": torch.tensor(3.0)}}, "lr": [0.1, None]}, buffer)
        >>> _ = buffer.seek(0)
        >>> torch.load(buffer, map_location="cpu")
        {'state': {0: {'step': tensor(3.)}}, 'lr': [0.1, None]}
    """
    del weights_only, mmap  # always weights only, always read into memory
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("compat.load reads its pickles itself: leave pickle_module out")
    _check_map_location(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            raw = file.read()
    else:
        raw = f.read()
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise pickle.UnpicklingError(_not_a_zip(raw))
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        prefix = _archive_prefix(archive)
        names = set(archive.namelist())
        byteorder = "little"
        if f"{prefix}byteorder" in names:
            byteorder = archive.read(f"{prefix}byteorder").decode("ascii", "replace").strip()
        if byteorder not in ("little", "big"):
            raise pickle.UnpicklingError(f"unknown byte order {byteorder!r} in the file")

        def read_storage(key):
            name = f"{prefix}data/{key}"
            if name not in names:
                raise pickle.UnpicklingError(f"the file has no record {name!r} for a storage")
            return archive.read(name)

        unpickler = Unpickler(io.BytesIO(archive.read(f"{prefix}data.pkl")), read_storage)
        unpickler.order = "<" if byteorder == "little" else ">"
        return unpickler.load()


def _check_map_location(map_location) -> None:
    targets = map_location.values() if isinstance(map_location, dict) else [map_location]
    for target in targets:
        if target is None or (callable(target) and not isinstance(target, str)):
            continue
        if str(target).split(":")[0] != "cpu":
            raise RuntimeError(
                f"compat runs on the CPU only, so it cannot load tensors to {str(target)!r}: "
                "use map_location='cpu' (or leave map_location out)."
            )


def _not_a_zip(raw: bytes) -> str:
    # the legacy format starts with a pickled magic number: PROTO 2, LONG1 10 bytes
    if raw[:4] == b"\x80\x02\x8a\x0a":
        return (
            "compat.load reads PyTorch's zip format (torch.save's default since PyTorch 1.6); "
            "this file is in the legacy format (_use_new_zipfile_serialization=False). "
            "Re-save it with a recent torch: torch.save(torch.load(path), path)."
        )
    return "compat.load reads files written by torch.save or compat.save; this is not one."


def _archive_prefix(archive: zipfile.ZipFile) -> str:
    """``name/``, the top-level folder holding ``data.pkl`` (any name is accepted)."""
    for name in archive.namelist():
        folder, _, rest = name.partition("/")
        if rest == "data.pkl":
            return f"{folder}/"
    if any(name.endswith("constants.pkl") for name in archive.namelist()):
        raise pickle.UnpicklingError(
            "compat.load cannot read TorchScript archives (torch.jit.save)"
        )
    raise pickle.UnpicklingError("compat.load found no <name>/data.pkl in this zip file")
