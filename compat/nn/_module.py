"""``nn.Module``: registration of parameters, buffers and submodules, as PyTorch does it.

Assigning a :class:`Parameter` to an attribute registers it in ``_parameters``, a Module
in ``_modules``; a tensor assigned to a registered buffer's name replaces the buffer.
Registration order is iteration order, so ``parameters()``, ``named_modules()`` and
``state_dict()`` list entries the way PyTorch does (own members first, then children
in the order they were assigned, names joined by dots). The traversals
(``named_modules``, ``parameters``, ...) are in ``_module_traversal``, state dicts in
``_module_state``, train/eval and dtype changes in ``_module_modes``.
"""

from __future__ import annotations

import itertools

from compat._tensor import Tensor
from compat.nn._module_modes import ModesMixin
from compat.nn._module_state import StateDictMixin
from compat.nn._module_traversal import TraversalMixin
from compat.nn.parameter import Buffer, Parameter

__all__ = ["Module", "RemovableHandle"]

MISSING_FORWARD = 'Module [{}] is missing the required "forward" function'


def typename(obj) -> str:
    """PyTorch's ``torch.typename``: ``'torch.FloatTensor'`` for tensors, else the type name."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", None)
    prefix = f"{module}." if module not in (None, "builtins", "__builtin__") else ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    return prefix + (name or type(obj).__name__)


def _check_name(kind: str, name, owner: Module, table: dict) -> None:
    """The checks ``register_parameter`` / ``register_buffer`` make on ``name``."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."')
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if hasattr(owner, name) and name not in table:
        raise KeyError(f"attribute '{name}' already exists")


class RemovableHandle:
    """Returned by the ``register_*_hook`` methods: ``handle.remove()`` unregisters."""

    _next_id = itertools.count()

    def __init__(self, table: dict):
        self._table = table
        self.id = next(RemovableHandle._next_id)

    def remove(self) -> None:
        """Unregister the hook (again is harmless)."""
        self._table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _addindent(text: str, n: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * n + line for line in lines[1:])


class Module(StateDictMixin, ModesMixin, TraversalMixin):
    """Base class of layers and models, with PyTorch's registration rules.

    Subclasses call ``super().__init__()`` first, assign Parameters and Modules as
    attributes, and define ``forward``; calling the module calls ``forward``.

    Example:
        >>> import compat as torch
        >>> class Scale(torch.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.s = torch.nn.Parameter(torch.tensor([2.0]))
        ...
        ...     def forward(self, x):
        ...         return self.s * x
        >>> m = Scale()
        >>> m(torch.tensor([1.0, 3.0]))
        tensor([2., 6.], grad_fn=<MulBackward0>)
        >>> [name for name, _ in m.named_parameters()], m.state_dict()
        (['s'], OrderedDict([('s', tensor([2.]))]))
    """

    _version = 1
    training: bool
    dump_patches = False
    call_super_init = False

    def __init__(self, *args, **kwargs) -> None:
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                f"'{next(iter(kwargs))}'"
            )
        if args:
            raise TypeError(
                f"{type(self).__name__}.__init__() takes 1 positional argument but "
                f"{len(args) + 1} were given"
            )
        setattr_ = object.__setattr__
        setattr_(self, "training", True)
        setattr_(self, "_parameters", {})
        setattr_(self, "_buffers", {})
        setattr_(self, "_non_persistent_buffers_set", set())
        setattr_(self, "_modules", {})
        setattr_(self, "_forward_hooks", {})
        setattr_(self, "_forward_pre_hooks", {})

    def forward(self, *args, **kwargs):
        """The computation; every subclass defines it."""
        raise NotImplementedError(MISSING_FORWARD.format(type(self).__name__))

    def __call__(self, *args, **kwargs):
        for hook in list(self.__dict__.get("_forward_pre_hooks", {}).values()):
            out = hook(self, args)
            if out is not None:
                args = out if isinstance(out, tuple) else (out,)
        result = self.forward(*args, **kwargs)
        for hook in list(self.__dict__.get("_forward_hooks", {}).values()):
            out = hook(self, args, result)
            if out is not None:
                result = out
        return result

    # --- registration --------------------------------------------------------------------

    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep="_parameters")
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            params[name] = None
            return
        modules = d.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep="_modules")
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{typename(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            modules[name] = value
            return
        buffers = d.get("_buffers")
        if isinstance(value, Buffer) or (buffers is not None and name in buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{typename(value)}' as buffer '{name}' "
                    "(torch.nn.Buffer, torch.Tensor or None expected)"
                )
            if isinstance(value, Buffer):
                persistent = value.persistent
            else:
                persistent = name not in self._non_persistent_buffers_set
            self.register_buffer(name, value, persistent)
            return
        object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: str) -> None:
        """Drop ``name`` from the attributes and the tables other than ``keep``."""
        d = self.__dict__
        d.pop(name, None)
        for table in ("_parameters", "_buffers", "_modules"):
            if table != keep:
                d[table].pop(name, None)
        d["_non_persistent_buffers_set"].discard(name)

    def __getattr__(self, name: str):
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            members = d.get(table)
            if members is not None and name in members:
                return members[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        if name in d.get("_parameters", ()):
            del d["_parameters"][name]
        elif name in d.get("_buffers", ()):
            del d["_buffers"][name]
            d["_non_persistent_buffers_set"].discard(name)
        elif name in d.get("_modules", ()):
            del d["_modules"][name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        keys = itertools.chain(
            dir(type(self)), self.__dict__, self._parameters, self._modules, self._buffers
        )
        return sorted({k for k in keys if not k[:1].isdigit()})

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)
        for table in ("_forward_hooks", "_forward_pre_hooks", "_buffers", "_modules"):
            self.__dict__.setdefault(table, {})
        self.__dict__.setdefault("_non_persistent_buffers_set", set())

    def register_parameter(self, name: str, param) -> None:
        """Register ``param`` (a Parameter or None) under ``name``.

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.register_parameter("w", torch.nn.Parameter(torch.zeros(2)))
            >>> [n for n, _ in m.named_parameters()]
            ['w']
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name("parameter", name, self, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{typename(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, "
                "compute the value in the forward() method."
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """Register a tensor (or None) that is state but not a parameter, e.g. running means.

        Persistent buffers go into ``state_dict()``; ``None`` buffers are skipped everywhere.

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.register_buffer("mean", torch.zeros(2))
            >>> m.register_buffer("cache", torch.ones(1), persistent=False)
            >>> list(m.state_dict()), [n for n, _ in m.named_buffers()]
            (['mean'], ['mean', 'cache'])
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name("buffer", name, self, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{typename(tensor)}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module) -> None:
        """Register ``module`` (or None) as the child ``name``.

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.add_module("inner", torch.nn.Module())
            >>> m
            Module(
              (inner): Module()
            )
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The submodule at the dotted path ``target`` (``''`` is the module itself).

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.add_module("inner", torch.nn.Module())
            >>> m.get_submodule("inner") is m.inner
            True
        """
        mod = self
        if target == "":
            return mod
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return mod

    def _member_owner(self, target: str):
        """The module holding the member at dotted path ``target``, and its name."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        return mod, name

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target`` (e.g. ``'fc.weight'``)."""
        mod, name = self._member_owner(target)
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at the dotted path ``target`` (e.g. ``'bn.running_mean'``)."""
        mod, name = self._member_owner(target)
        if name not in mod._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return getattr(mod, name)

    # --- hooks ---------------------------------------------------------------------------

    def register_forward_pre_hook(self, hook, *, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(module, args)`` before ``forward``; a non-None result replaces args."""
        return _add_hook(self._forward_pre_hooks, hook, prepend)

    def register_forward_hook(self, hook, *, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(module, args, output)`` after ``forward``; non-None replaces output."""
        return _add_hook(self._forward_hooks, hook, prepend)

    # --- printing ------------------------------------------------------------------------

    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (subclasses override)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({key}): {_addindent(repr(module), 2)}" for key, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"


def _add_hook(table: dict, hook, prepend: bool) -> RemovableHandle:
    handle = RemovableHandle(table)
    table[handle.id] = hook
    if prepend:
        table_items = list(table.items())
        table.clear()
        table.update([table_items[-1], *table_items[:-1]])
    return handle
