"""default_collate and default_convert: samples -> batches of tensors, as PyTorch makes them.

Both walk the sample structure with an explicit work list (no recursion), building each
container before its contents and converting containers that need all their items
(namedtuples, custom sequence types) once those are done.
"""

from __future__ import annotations

import collections.abc
import copy

import numpy as np

_COLLATE_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def default_collate(batch):
    """Merge a list of samples into a batch, the way PyTorch's DataLoader does by default.

    By the type of the first sample: tensors are stacked (they must have equal sizes);
    numpy arrays and numpy scalars become a stacked tensor of their dtype; Python ``int`` ->
    int64 tensor, ``float`` -> float64 tensor, ``bool`` -> bool tensor; ``str``/``bytes`` stay
    as they are (a list of them); dicts are collated key by key; namedtuples stay namedtuples;
    tuples and lists are collated position by position (tuples become lists).

    Example:
        >>> import compat as torch
        >>> from compat.utils.data import default_collate
        >>> default_collate([(torch.tensor([1.0, 2.0]), 0), (torch.tensor([3.0, 4.0]), 1)])
        [tensor([[1., 2.],
                [3., 4.]]), tensor([0, 1])]
        >>> default_collate([{"x": 0.5, "name": "a"}, {"x": 1.5, "name": "b"}])
        {'x': tensor([0.5000, 1.5000], dtype=torch.float64), 'name': ['a', 'b']}
    """
    import compat

    root: list = [None]
    finish: list = []  # (build, items, parent, slot) for containers built from their items
    work = [(batch, root, 0)]  # (samples, where the result goes: parent[slot])
    while work:
        samples, parent, slot = work.pop()
        elem = samples[0]
        kind = type(elem)
        if isinstance(elem, compat.Tensor):
            parent[slot] = _stack(compat, samples)
        elif kind.__module__ == "numpy" and kind.__name__ not in ("str_", "bytes_"):
            if isinstance(elem, np.ndarray):
                if elem.dtype.kind in "SaUO":
                    raise TypeError(_COLLATE_ERROR.format(elem.dtype))
                parent[slot] = _stack(compat, [compat.as_tensor(s) for s in samples])
            elif elem.shape == ():  # numpy scalars
                parent[slot] = compat.as_tensor(np.array(samples))
            else:
                raise TypeError(_COLLATE_ERROR.format(kind))
        elif isinstance(elem, float):
            parent[slot] = compat.tensor(samples, dtype=compat.float64)
        elif isinstance(elem, int):
            parent[slot] = compat.tensor(samples)
        elif isinstance(elem, (str, bytes)):
            parent[slot] = samples
        elif isinstance(elem, collections.abc.Mapping):
            if isinstance(elem, collections.abc.MutableMapping):
                out = copy.copy(elem)  # keeps the mapping's type (OrderedDict, ...)
            else:
                out = {}
            parent[slot] = out
            for key in reversed(list(elem)):
                work.append(([d[key] for d in samples], out, key))
            if not isinstance(elem, collections.abc.MutableMapping):
                finish.append((kind, out, parent, slot))
        elif isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
            items = [None] * min(len(s) for s in samples)
            finish.append((lambda values, kind=kind: kind(*values), items, parent, slot))
            _push_columns(work, samples, items)
        elif isinstance(elem, collections.abc.Sequence):
            size = len(elem)
            if any(len(s) != size for s in samples):
                raise RuntimeError("each element in list of batch should be of equal size")
            items = [None] * size
            if isinstance(elem, tuple):
                parent[slot] = items
            elif isinstance(elem, collections.abc.MutableSequence):
                items = copy.copy(elem)  # keeps a list subclass's type
                parent[slot] = items
            else:
                finish.append((kind, items, parent, slot))
            _push_columns(work, samples, items)
        else:
            raise TypeError(_COLLATE_ERROR.format(kind))
    _finish(finish)
    return root[0]


def _finish(finish: list) -> None:
    """Build the containers that need their items, innermost first."""
    for build, items, parent, slot in reversed(finish):
        try:
            parent[slot] = build(items)
        except TypeError:  # a type that cannot be built from its items: a plain list / dict
            parent[slot] = items


def _push_columns(work: list, samples, items) -> None:
    columns = list(zip(*samples))
    for i in range(len(columns) - 1, -1, -1):
        work.append((columns[i], items, i))


def _stack(compat, tensors):
    first = tuple(tensors[0].shape)
    for i, t in enumerate(tensors):
        if tuple(t.shape) != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                f"and {list(t.shape)} at entry {i}"
            )
    return compat.stack(list(tensors), 0)


def default_convert(data):
    """Turn numpy arrays in a sample into tensors, keeping everything else.

    This is what a DataLoader with ``batch_size=None`` does to each sample: arrays and numpy
    scalars become tensors of their dtype, dicts and lists are converted item by item,
    tuples become lists (namedtuples stay), anything else is returned unchanged.

    Example:
        >>> import numpy as np
        >>> from compat.utils.data import default_convert
        >>> default_convert((np.array([1.0, 2.0]), 3, "a"))
        [tensor([1., 2.], dtype=torch.float64), 3, 'a']
    """
    import compat

    root: list = [None]
    finish: list = []
    work = [(data, root, 0)]
    while work:
        x, parent, slot = work.pop()
        kind = type(x)
        if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "bytes_"):
            if isinstance(x, np.ndarray) and x.dtype.kind in "SaUO":
                parent[slot] = x  # strings and objects stay arrays
            else:
                parent[slot] = compat.as_tensor(x)
        elif isinstance(x, collections.abc.Mapping):
            out = copy.copy(x) if isinstance(x, collections.abc.MutableMapping) else {}
            parent[slot] = out
            for key in reversed(list(x)):
                work.append((x[key], out, key))
            if not isinstance(x, collections.abc.MutableMapping):
                finish.append((kind, out, parent, slot))
        elif isinstance(x, tuple) and hasattr(x, "_fields"):
            items = [None] * len(x)
            finish.append((lambda values, kind=kind: kind(*values), items, parent, slot))
            work.extend((x[i], items, i) for i in range(len(x) - 1, -1, -1))
        elif isinstance(x, collections.abc.Sequence) and not isinstance(x, (str, bytes)):
            items = [None] * len(x)
            if isinstance(x, tuple):
                parent[slot] = items
            elif isinstance(x, collections.abc.MutableSequence):
                items = copy.copy(x)
                parent[slot] = items
            else:
                finish.append((kind, items, parent, slot))
            work.extend((x[i], items, i) for i in range(len(x) - 1, -1, -1))
        else:
            parent[slot] = x
    _finish(finish)
    return root[0]
