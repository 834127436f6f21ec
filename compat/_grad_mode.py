"""Grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``."""

from __future__ import annotations

import functools

from compat._autograd import _MODE


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for backward.

    Example:
        >>> import compat as torch
        >>> with torch.no_grad():
        ...     torch.is_grad_enabled()
        False
    """
    return _MODE[0]


class _Mode:
    """A context manager and decorator that sets grad mode and restores it after.

    Usable as ``@no_grad()`` and, like PyTorch's, as a bare ``@no_grad``.
    """

    _enabled = True

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if orig_func is None:
            return self
        if not callable(orig_func):
            raise TypeError(f"{cls.__name__}() takes no arguments")
        return self(orig_func)

    def __init__(self, orig_func=None):
        pass

    def __enter__(self):
        self._prev = _MODE[0]
        _MODE[0] = self._enabled

    def __exit__(self, *exc):
        _MODE[0] = self._prev

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)

        return wrapped


class no_grad(_Mode):  # noqa: N801
    """Turn recording off (results don't require grad); a context manager or decorator.

    Example:
        >>> import compat as torch
        >>> w = torch.ones(2, requires_grad=True)
        >>> with torch.no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
    """

    _enabled = False


class enable_grad(_Mode):  # noqa: N801
    """Turn recording back on inside a ``no_grad`` block.

    Example:
        >>> import compat as torch
        >>> x = torch.ones(1, requires_grad=True)
        >>> with torch.no_grad():
        ...     with torch.enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
    """

    _enabled = True


class inference_mode(_Mode):  # noqa: N801
    """Like ``no_grad`` (compat has no separate inference mode).

    Example:
        >>> import compat as torch
        >>> x = torch.ones(1, requires_grad=True)
        >>> with torch.inference_mode():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    _enabled = False

    def __new__(cls, mode=True):
        return object.__new__(cls)

    def __init__(self, mode: bool = True):
        self._enabled = not mode


class set_grad_enabled:  # noqa: N801
    """Set grad mode: immediately (as a function) and until the ``with`` block ends.

    Example:
        >>> import compat as torch
        >>> with torch.set_grad_enabled(False):
        ...     torch.is_grad_enabled()
        False
        >>> torch.is_grad_enabled()
        True
    """

    def __init__(self, mode: bool):
        self._prev = _MODE[0]
        _MODE[0] = bool(mode)

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        _MODE[0] = self._prev

    def __call__(self, fn):
        mode = _MODE[0]
        _MODE[0] = self._prev

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapped
