"""Save and load pytrees of arrays as ``.npz`` files keyed by their key paths.

:func:`save` writes one array per leaf, named by its key path (the
:func:`funcgrad.tree.keystr` of the path, e.g. ``['layers'][0].w``), plus a small
JSON record (entry ``__funcgrad_io__``) holding the format version, the paths in
flatten order, and the tree's structure as text. :func:`load` reads the file back
into the structure of a template and checks every path, shape and dtype against
it first, reporting all mismatches in one error. Arrays round-trip bit-exactly
(NaN payloads included), across processes and machines; no pickle is involved.

>>> import io as _io, numpy as np
>>> from funcgrad import io, random
>>> params = {"layers": [{"w": np.ones((2, 3)), "b": np.zeros(3)}], "key": random.key(0)}
>>> f = _io.BytesIO()
>>> io.save(f, params)
>>> _ = f.seek(0)
>>> restored = io.load(f, like=params)
>>> restored["layers"][0]["w"].shape, restored["key"].dtype
((2, 3), dtype('uint64'))

Leaves that are Python or numpy scalars (``1.0``, ``3``, ``True``) are saved as
0-d arrays of their numpy dtype and load as read-only 0-d arrays. Keys from
:mod:`funcgrad.random` are arrays, so they round-trip as they are.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any, BinaryIO

import numpy as np

from funcgrad import tree as _tree

__all__ = ["save", "load"]

FORMAT = "funcgrad.io"
VERSION = 1
_META = "__funcgrad_io__"

PathOrFile = str | os.PathLike | BinaryIO


def _name(name: str) -> str:
    return name or "<root>"


def _spec(x: Any) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype of a template leaf: an array, a number, or a shape/dtype record."""
    if isinstance(x, (np.ndarray, np.generic)):
        return x.shape, x.dtype
    shape, dtype = getattr(x, "shape", None), getattr(x, "dtype", None)
    if isinstance(shape, tuple) and dtype is not None:
        return tuple(shape), np.dtype(dtype)
    a = np.asarray(x)
    return a.shape, a.dtype


def _named_leaves(tree: Any, fn: str) -> tuple[list[tuple[str, Any]], _tree.TreeDef]:
    pairs, treedef = _tree.flatten_with_path(tree)
    named = [(_tree.keystr(p), x) for p, x in pairs]
    seen: set = set()
    for name, _ in named:
        if name in seen:
            raise ValueError(
                f"{fn}: two leaves have the same key path {_name(name)!r}; "
                "give the containers keys whose repr differs"
            )
        seen.add(name)
    return named, treedef


def save(path: PathOrFile, tree: Any) -> None:
    """Write a pytree of arrays to an ``.npz`` file keyed by its key paths.

    Args:
        path: a file name (written exactly there, no suffix added, replacing any
            file atomically) or a binary file object open for writing.
        tree: a pytree whose leaves are arrays or numbers (bool, int, float,
            complex); object arrays are refused (they would need pickle).

    Returns:
        None.

    >>> import io as _io, numpy as np
    >>> f = _io.BytesIO()
    >>> save(f, {"w": np.eye(2), "step": 3})
    >>> _ = f.seek(0)
    >>> sorted(np.load(f).files)
    ["['step']", "['w']", '__funcgrad_io__']
    """
    named, treedef = _named_leaves(tree, "save")
    arrays = {}
    for name, leaf in named:
        try:
            arr = np.asarray(leaf)
        except TypeError as e:  # e.g. a traced value, which refuses to become an array
            raise TypeError(f"save: the leaf at {_name(name)}: {e}") from None
        if arr.dtype.hasobject:
            raise TypeError(
                f"save: the leaf at {_name(name)} ({_tree.describe(leaf)}) cannot be "
                "stored in an .npz file without pickle; leaves must be arrays or numbers"
            )
        arrays[name] = arr
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "paths": [name for name, _ in named],
        "structure": repr(treedef),
    }
    arrays[_META] = np.array(json.dumps(meta))
    if hasattr(path, "write"):
        np.savez(path, **arrays)
        return
    path = os.fspath(path)
    head, tail = os.path.split(path)
    tmp = os.path.join(head, f".{tail}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "xb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _read(path: PathOrFile) -> tuple[dict, list[str], dict]:
    """The file's arrays by name (read-only), their names in saved order, and its record."""
    with np.load(path, allow_pickle=False) as npz:
        meta: dict = {}
        if _META in npz.files:
            meta = json.loads(str(npz[_META]))
            if meta.get("format") != FORMAT or int(meta.get("version", 0)) > VERSION:
                raise ValueError(
                    f"load: {path!r} was written by a newer or different format "
                    f"({meta.get('format')} version {meta.get('version')}); this funcgrad "
                    f"reads {FORMAT} version {VERSION}"
                )
        names = meta.get("paths", [n for n in npz.files if n != _META])
        arrays = {}
        for name in names:
            arr = npz[name]
            arr.flags.writeable = False
            arrays[name] = arr
    return arrays, names, meta


def load(path: PathOrFile, like: Any = None) -> Any:
    """Read a pytree saved by :func:`save`, in the structure of a template.

    Args:
        path: a file name or a binary file object open for reading.
        like: a pytree with the expected structure; its leaves give the expected
            shapes and dtypes (arrays, numbers, or anything with ``.shape`` and
            ``.dtype``). If None, return a flat dict of arrays keyed by path.

    Returns:
        A tree with ``like``'s structure whose leaves are the saved arrays,
        read-only and bit-exact. Raises ValueError listing every mismatch:
        paths missing from the file, paths not in the template, shapes, dtypes.

    >>> import io as _io, numpy as np
    >>> f = _io.BytesIO()
    >>> save(f, {"w": np.ones(3, np.float32)})
    >>> _ = f.seek(0)
    >>> load(f, like={"w": np.zeros(3)})
    Traceback (most recent call last):
    ...
    ValueError: load: the file does not match the template (1 mismatch):
      ['w']: dtype float32 in the file, float64 in the template
    """
    arrays, names, meta = _read(path)
    if like is None:
        return dict(arrays)
    named, treedef = _named_leaves(like, "load")
    template = {name: _spec(leaf) for name, leaf in named}
    problems = []
    missing = [n for n in template if n not in arrays]
    for name, (shape, dtype) in template.items():
        if name not in arrays:
            problems.append(f"{_name(name)}: missing from the file (template has {dtype} {shape})")
            continue
        arr = arrays[name]
        if arr.shape != shape:
            problems.append(
                f"{_name(name)}: shape {arr.shape} in the file, {shape} in the template"
            )
        if arr.dtype != dtype:
            problems.append(
                f"{_name(name)}: dtype {arr.dtype} in the file, {dtype} in the template"
            )
    extra = [n for n in names if n not in template]
    for name in extra:
        arr = arrays[name]
        problems.append(
            f"{_name(name)}: in the file ({arr.dtype} {arr.shape}) but not in the template"
        )
    if problems:
        where = "the file" if hasattr(path, "read") else repr(os.fspath(path))
        s = "" if len(problems) == 1 else "es"
        lines = [f"load: {where} does not match the template ({len(problems)} mismatch{s}):"]
        lines += ["  " + p for p in problems]
        if "structure" in meta and (extra or missing):
            lines.append(f"  (the file was saved from {meta['structure']})")
        raise ValueError("\n".join(lines))
    return treedef.unflatten([arrays[name] for name, _ in named])
