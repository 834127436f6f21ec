"""Module's state dict: ``state_dict()`` and ``load_state_dict()`` with PyTorch's rules.

Entries come in ``named_modules()`` pre-order (a module's own parameters, then its
persistent buffers, then its children); shared members appear under every name.
Loading walks the same tree with an explicit stack, handing each module the entries
under its prefix, and reports problems with PyTorch's texts.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from compat._grad_mode import no_grad
from compat._tensor import Tensor
from compat.nn.parameter import Parameter

__all__ = ["StateDictMixin"]


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it missed and the keys it did not use."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (
            f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, "
            f"unexpected_keys={self.unexpected_keys!r})"
        )

    __str__ = __repr__


def _quoted(key: str) -> str:
    return f'"{key}"'


class StateDictMixin:
    """``state_dict`` / ``load_state_dict`` for :class:`~compat.nn.Module`."""

    def _save_to_state_dict(self, destination, prefix: str, keep_vars: bool) -> None:
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()

    def state_dict(self, *, destination=None, prefix: str = "", keep_vars: bool = False):
        """An ``OrderedDict`` of every parameter and persistent buffer by dotted name.

        The values share data with the module's tensors (an in-place update shows
        through; snapshot with ``copy.deepcopy``). Shared members appear under each name.

        Args:
            destination: a dict to fill instead of a new ``OrderedDict``.
            prefix: prepended to every key.
            keep_vars: return the Parameters themselves instead of detached tensors.

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.w = torch.nn.Parameter(torch.ones(2))
            >>> m.register_buffer("n", torch.tensor(0))
            >>> m.state_dict()
            OrderedDict([('w', tensor([1., 1.])), ('n', tensor(0))])
        """
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        metadata = getattr(destination, "_metadata", None)
        for name, module in self.named_modules(remove_duplicate=False):
            full = f"{prefix}{name}." if name else prefix
            if metadata is not None:
                metadata[full[:-1]] = {"version": module._version}
            module._save_to_state_dict(destination, full, keep_vars)
        return destination

    def _load_from_state_dict(
        self,
        state_dict,
        prefix,
        local_metadata,
        strict,
        missing_keys,
        unexpected_keys,
        error_msgs,
    ) -> None:
        local = {k: v for k, v in self._parameters.items() if v is not None}
        for k, v in self._buffers.items():
            if v is not None and k not in self._non_persistent_buffers_set:
                local[k] = v
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if isinstance(value, np.ndarray):
                from compat._creation import from_numpy

                value = from_numpy(value)
            if not isinstance(value, Tensor):
                error_msgs.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(value)}"
                )
                continue
            if param.ndim == 0 and value.ndim == 1:
                value = value[0]  # PyTorch still reads 0.3-era checkpoints this way
            if value.shape != param.shape:
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape} from "
                    f"checkpoint, the shape in current model is {param.shape}."
                )
                continue
            try:
                with no_grad():
                    if assign:
                        self._assign_loaded(name, param, value)
                    else:
                        param.copy_(value)
            except Exception as err:  # noqa: BLE001 (reported the way PyTorch reports it)
                error_msgs.append(
                    f'While copying the parameter named "{key}", whose dimensions in the model '
                    f"are {param.size()} and whose dimensions in the checkpoint are "
                    f"{value.size()}, an exception occurred : {err.args}."
                )
        if strict:
            for key in state_dict:
                if not key.startswith(prefix):
                    continue
                head, dot, _ = key[len(prefix) :].partition(".")
                if (dot and head not in self._modules) or (not dot and head not in local):
                    unexpected_keys.append(key)

    def _assign_loaded(self, name, param, value) -> None:
        if isinstance(param, Parameter):
            if isinstance(value, Parameter):
                value.requires_grad_(param.requires_grad)
            else:
                value = Parameter(value, requires_grad=param.requires_grad)
        setattr(self, name, value)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy values from ``state_dict`` into this module's parameters and buffers.

        The module keeps its tensors (identity kept, values cast to their dtypes);
        ``assign=True`` puts the given tensors in their place instead.

        Args:
            state_dict: a mapping from dotted names to tensors (numpy arrays accepted).
            strict: raise when keys are missing or unexpected (size mismatches always raise).
            assign: replace the tensors instead of copying into them.

        Returns:
            ``_IncompatibleKeys(missing_keys, unexpected_keys)``.

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.w = torch.nn.Parameter(torch.zeros(2))
            >>> m.load_state_dict({"w": torch.tensor([1.0, 2.0], dtype=torch.float64)})
            <All keys matched successfully>
            >>> m.w
            Parameter containing:
            tensor([1., 2.], requires_grad=True)
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        stack = [(self, dict(state_dict), "")]
        while stack:
            module, local, prefix = stack.pop()
            meta = dict(metadata.get(prefix[:-1], {})) if metadata is not None else {}
            if assign:
                meta["assign_to_params_buffers"] = True
            module._load_from_state_dict(local, prefix, meta, True, missing, unexpected, errors)
            children = []
            for name, child in module._modules.items():
                if child is not None:
                    sub = f"{prefix}{name}."
                    part = {k: v for k, v in local.items() if k.startswith(sub)}
                    children.append((child, part, sub))
            stack.extend(reversed(children))
        if strict:
            if unexpected:
                errors.insert(
                    0, f"Unexpected key(s) in state_dict: {', '.join(map(_quoted, unexpected))}. "
                )
            if missing:
                errors.insert(
                    0, f"Missing key(s) in state_dict: {', '.join(map(_quoted, missing))}. "
                )
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        return _IncompatibleKeys(missing, unexpected)
