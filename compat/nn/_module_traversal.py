"""Walking a module tree: modules, children, parameters and buffers, with their dotted names.

Pre-order and iterative (no recursion over a tree the user builds); a module or tensor
reachable twice is listed once unless ``remove_duplicate`` is False.
"""

from __future__ import annotations

__all__ = ["TraversalMixin"]


class TraversalMixin:
    """The iterators of a Module over its submodules and their members."""

    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        """``(name, module)`` pairs in pre-order: this module first (name ``prefix``).

        A module reachable twice is listed once (first name) unless ``remove_duplicate``
        is False.

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.add_module("a", torch.nn.Module())
            >>> m.a.add_module("b", torch.nn.Module())
            >>> [name for name, _ in m.named_modules()]
            ['', 'a', 'a.b']
        """
        if memo is None:
            memo = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if module in memo:
                    continue
                memo.add(module)
            yield name, module
            children = [
                (f"{name}.{key}" if name else key, child)
                for key, child in module._modules.items()
                if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self):
        """Every module in the tree, this one first (pre-order, shared ones once)."""
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        """``(name, module)`` for the direct children, in registration order."""
        memo = set()
        for name, module in self._modules.items():
            if module is not None and module not in memo:
                memo.add(module)
                yield name, module

    def children(self):
        """The direct child modules, in registration order."""
        for _, module in self.named_children():
            yield module

    def _named_members(self, table, prefix, recurse, remove_duplicate):
        if recurse:
            owners = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        else:
            owners = [(prefix, self)]
        memo = set()
        for owner_name, owner in owners:
            for key, value in owner.__dict__[table].items():
                if value is None or (remove_duplicate and value in memo):
                    continue
                if remove_duplicate:
                    memo.add(value)
                yield (f"{owner_name}.{key}" if owner_name else key), value

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate=True):
        """``(name, parameter)`` pairs: own parameters first, then each child's, dotted.

        Example:
            >>> import compat as torch
            >>> m = torch.nn.Module()
            >>> m.add_module("inner", torch.nn.Module())
            >>> m.inner.w = torch.nn.Parameter(torch.zeros(1))
            >>> m.b = torch.nn.Parameter(torch.zeros(1))
            >>> [name for name, _ in m.named_parameters()]
            ['b', 'inner.w']
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True):
        """A generator over the parameters (in ``named_parameters()`` order)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate=True):
        """``(name, buffer)`` pairs, ordered like ``named_parameters()``."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True):
        """A generator over the buffers."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf
