"""What a compat tensor does to its own value: the traced value, writes, accumulation.

These are the internals the rest of compat calls (``_traced``, ``_assign``,
``_become``, ``_write``, ``_accumulate``); :class:`compat.Tensor` inherits them.
In-place writes go into the array when no recorded graph can hold its memory and
replace it otherwise (copy on write); a view writes through to its base
(``compat._views``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

import funcgrad
from compat import _autograd
from compat._autograd import TAPE

if TYPE_CHECKING:
    from compat._tensor import Tensor


def wrap(array):
    """A new tensor around ``array`` (``compat._tensor.wrap``, imported when first used)."""
    from compat._tensor import wrap as make

    return make(array)


class TensorState:
    """The state-changing internals of :class:`compat.Tensor` (a mixin: no slots)."""

    __slots__ = ()

    def _traced(self):
        """The tensor's value for a recorded op (traced when it requires grad)."""
        if self._fn is None:
            s = self._s
            v = self._v
            # a watched array is never written in place (it is held): its identity
            # says whether the watched value is current
            if v is None or self._vv is not s.array:
                _autograd.hold(s.array)
                v = self._v = TAPE.watch(s.array)
                self._vv = s.array
            return v
        return self._v

    def _accumulate(self, g: Tensor) -> None:
        if self._grad is None:
            self._grad = g
        elif g._rg or self._grad._rg:
            self._grad = self._grad + g
        else:
            self._grad._iadd_array(g._s.array)

    def _iadd_array(self, arr) -> None:
        s = self._s
        a = s.array
        if s.writable():
            np.add(a, arr, out=a, casting="unsafe")
        else:
            s.array = (a + arr).astype(a.dtype, copy=False)
        s.version += 1

    def _assign(self, array) -> None:
        """Replace the value (an in-place write under no_grad): same dtype, version + 1."""
        s = self._s
        a = s.array
        array = np.asarray(array)
        if array.dtype != a.dtype:
            array = array.astype(a.dtype)
        if array.shape != a.shape:
            array = np.broadcast_to(array, a.shape)
        adoptable = array.base is None and not array.flags.writeable and array.flags.c_contiguous
        if self._view_of is None and adoptable and a.base is None:
            # a fresh read-only array (what funcgrad.optim returns): nobody can change it,
            # so it replaces the old array instead of being copied into it
            s.array = array
        elif s.writable():
            np.copyto(a, array)
            if self._view_of is not None:
                from compat._views import bump_bases

                bump_bases(self)
        elif self._view_of is not None:
            from compat._views import write_back

            write_back(self, wrap(np.array(array, order="C")))
            return
        elif adoptable:
            s.array = array
        else:
            s.array = np.array(array, order="C")
        s.version += 1
        if self._fn is not None and self._rg:
            # a non-leaf changed without recording: the gradient still flows as before
            old = self._v
            self._v = old - funcgrad.stop_gradient(old) + s.array

    def _become(self, r: Tensor) -> None:
        """Take the recorded result ``r`` of an in-place op as this tensor's new value."""
        if r._s.array.dtype != self._s.array.dtype:
            from compat._cast import to_dtype

            r = to_dtype(r, self._s.array.dtype)
        if self._view_of is not None:
            from compat._views import write_back

            write_back(self, r)
            return
        s = self._s
        s.array = r._s.array
        s.version += 1
        node = r._fn
        if node is not None:
            # what the op saved of this tensor is its old value, which copy-on-write kept
            # intact (PyTorch saves a copy too): later writes must not invalidate it
            node._saved = tuple(e for e in node._saved if e[0] is not s)
        self._fn = node
        self._v = r._v
        self._rg = r._rg

    def _write(self, mutate) -> None:
        """Mutate the array in place (copying it first if a graph may hold it)."""
        s = self._s
        a = s.array
        if not s.writable():
            a = np.array(a, order="C")
            if self._view_of is not None:  # write the changed copy through the base
                from compat._views import write_back

                mutate(a)
                write_back(self, wrap(a))
                return
            s.array = a
        mutate(a)
        s.version += 1
        if self._view_of is not None:  # numpy's view wrote the base's memory too
            from compat._views import bump_bases

            bump_bases(self)
        if self._fn is not None and self._rg:
            old = self._v
            self._v = old - funcgrad.stop_gradient(old) + a
