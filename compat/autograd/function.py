"""``compat.autograd.Function``: a PyTorch-style custom op with a backward of your own.

Subclass it with static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` and
call ``MyOp.apply(...)``. The forward runs once, without recording; funcgrad's
:class:`~funcgrad.custom_vjp` makes the result a single op on compat's tape whose
reverse rule is your ``backward``. Tensors saved with ``ctx.save_for_backward`` are
version-checked like PyTorch's (changing one in place breaks backward).

Example:
    >>> import compat as torch
    >>> class Cube(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad
    tensor([ 3., 12.])
"""

from __future__ import annotations

import numpy as np

import funcgrad
import funcgrad.numpy as fnp
from compat._autograd import _MODE, CREATE_GRAPH, TAPE, apply, apply_multi, node_type
from compat._grad_mode import enable_grad, no_grad
from compat._tensor import Tensor, from_value, wrap

__all__ = ["Function", "FunctionCtx"]


class FunctionCtx:
    """What ``forward`` and ``backward`` share: saved tensors and flags.

    Example:
        >>> import compat as torch
        >>> class Scale(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x, k):
        ...         ctx.k = k
        ...         return x * k
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         return grad * ctx.k, None
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> Scale.apply(x, 3.0).sum().backward()
        >>> x.grad
        tensor([3., 3.])
    """

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self.to_save = ()
        self.materialize_grads = True
        self.non_differentiable = ()

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for ``backward`` (read them back as ``ctx.saved_tensors``)."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{tensors.index(t)} is of type {type(t).__name__}"
                )
        self.to_save = tensors
        self._versions = tuple(None if t is None else t._version for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward``."""
        return self.to_save

    def mark_non_differentiable(self, *tensors) -> None:
        """Declare outputs that have no gradient (they do not require grad)."""
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` gets None (not zeros) for outputs without a gradient."""
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors) -> None:
        """Accepted for compatibility (compat's forward never writes its inputs in place)."""


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_name = f"{name}Backward"


class Function(metaclass=_FunctionMeta):
    """Base class of custom ops: static ``forward(ctx, ...)`` and ``backward(ctx, ...)``.

    ``backward`` gets one gradient per output of ``forward`` and returns one per input of
    ``forward`` (None for inputs that are not tensors or need no gradient).

    Example:
        >>> import compat as torch
        >>> class Square(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * grad
        >>> x = torch.tensor([3.0], requires_grad=True)
        >>> (g,) = torch.autograd.grad(Square.apply(x), x)
        >>> g
        tensor([6.])
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` once and record the result with ``backward`` as its rule."""
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = FunctionCtx(needs)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        if not (_MODE[0] and any(needs)):
            return out
        for o in outs:
            if not isinstance(o, Tensor):
                raise TypeError(
                    f"{cls.__name__}.forward must return tensors when an input requires grad; "
                    f"got {type(o).__name__}"
                )
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        arrays = tuple(o._s.array for o in outs)
        dtypes = [args[i]._s.array.dtype for i in positions]

        def fun(*_values):
            return arrays[0] if single else arrays

        def fwd(*values):
            return fun(*values), None

        def bwd(_residuals, g):
            gs = (g,) if single else tuple(g)
            if CREATE_GRAPH[0]:
                # create_graph=True: the backward is recorded too, so it differentiates again
                gts = [
                    from_value(x, node_type("GradOutputBackward")((), ()))
                    if TAPE.is_recorded(x)
                    else wrap(np.asarray(x))
                    for x in gs
                ]
                with enable_grad():
                    grads = cls.backward(ctx, *gts)
            else:
                with no_grad():
                    grads = cls.backward(ctx, *[wrap(np.asarray(x)) for x in gs])
            if not isinstance(grads, tuple):
                grads = (grads,)
            if len(grads) != len(args):
                raise RuntimeError(
                    f"function {cls._backward_name} returned an incorrect number of gradients "
                    f"(expected {len(args)}, got {len(grads)})"
                )
            result = []
            for i, dt in zip(positions, dtypes):
                gi = grads[i]
                if gi is None:
                    result.append(None)
                    continue
                shape = args[i]._s.array.shape
                if isinstance(gi, Tensor) and gi._rg and CREATE_GRAPH[0]:
                    v = gi._v if gi._s.array.dtype == dt else fnp.astype(gi._v, dt)
                    result.append(v if gi.shape == shape else fnp.broadcast_to(v, shape))
                    continue
                arr = gi._s.array if isinstance(gi, Tensor) else np.asarray(gi)
                if arr.shape != shape:
                    arr = np.broadcast_to(arr, shape)
                result.append(np.asarray(arr, dt))
            return tuple(result)

        op = funcgrad.custom_vjp(fun)
        op.defvjp(fwd, bwd)
        tensors = [args[i] for i in positions]
        if single:
            results = (apply(cls._backward_name, op, *tensors, saves=()),)
        else:
            results = apply_multi(cls._backward_name, op, *tensors, saves=())
        node = results[0]._fn
        if node is not None and ctx.to_save:
            node._saved = node._saved + tuple(
                (t._counter(), v, t) for t, v in zip(ctx.to_save, ctx._versions) if t is not None
            )
        for r, o in zip(results, outs):
            if any(o is n for n in ctx.non_differentiable):
                r.detach_()
        return results[0] if single else results
