"""``compat.autograd``: ``grad`` and ``backward`` over compat's recorded graph.

Example:
    >>> import compat as torch
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> (g,) = torch.autograd.grad(x**3, x, create_graph=True)
    >>> g, torch.autograd.grad(g, x)[0]
    (tensor(12., grad_fn=<MulBackward0>), tensor(12.))
"""

from __future__ import annotations

from compat._backward import run_backward as _run_backward
from compat._grad_mode import enable_grad, no_grad, set_grad_enabled
from compat._tensor import Tensor
from compat.autograd.function import Function as Function

__all__ = [
    "Function",
    "grad",
    "backward",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "Variable",
]


def _seq(x):
    if x is None:
        return None
    return [x] if isinstance(x, Tensor) or x is None else list(x)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """Gradients of ``outputs`` with respect to ``inputs``, as a tuple (``.grad`` untouched).

    Args:
        outputs: a tensor or a sequence of them.
        inputs: a tensor or a sequence of tensors that require grad.
        grad_outputs: the vectors of the vector-Jacobian product (needed for outputs
            with more than one element).
        retain_graph: keep the graph for another pass (defaults to ``create_graph``).
        create_graph: record the gradient computation, for higher derivatives.
        allow_unused: give None for inputs the outputs do not depend on (else an error).
        materialize_grads: give zeros instead of None for unused inputs.

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> torch.autograd.grad((x ** 2).sum(), x)
        (tensor([2., 4.]),)
    """
    outs = _seq(outputs)
    ins = _seq(inputs)
    gos = _seq(grad_outputs) if grad_outputs is not None else [None] * len(outs)
    if len(gos) != len(outs):
        raise RuntimeError(
            f"grad requires one grad_output per output: got {len(gos)} grad_outputs and "
            f"{len(outs)} outputs"
        )
    for t in ins:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element of inputs, got {type(t).__name__}")
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    result = _run_backward(
        outs,
        gos,
        retain_graph=retain_graph,
        create_graph=create_graph,
        inputs=ins,
        accumulate=False,
    )
    grads = []
    for i, t in enumerate(ins):
        g = result.get(id(t))
        if g is None:
            if materialize_grads:
                from compat._filled import zeros_like

                g = zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
        grads.append(g)
    return tuple(grads)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate gradients of ``tensors`` into the leaves' ``.grad``.

    Example:
        >>> import compat as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> torch.autograd.backward([(x ** 2).sum()])
        >>> x.grad
        tensor([2., 4.])
    """
    outs = _seq(tensors)
    gts = _seq(grad_tensors) if grad_tensors is not None else [None] * len(outs)
    _run_backward(
        outs, gts, retain_graph=retain_graph, create_graph=create_graph, inputs=_seq(inputs)
    )


def Variable(data, requires_grad=False):  # noqa: N802
    """The pre-0.4 wrapper: returns ``data`` (optionally requiring grad).

    Example:
        >>> import compat as torch
        >>> v = torch.autograd.Variable(torch.tensor([1.0]), requires_grad=True)
        >>> v.requires_grad, type(v).__name__
        (True, 'Tensor')
    """
    if requires_grad:
        data.requires_grad_(True)
    return data
