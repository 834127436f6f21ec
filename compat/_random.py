"""compat's random numbers: PyTorch's CPU generator, reproduced.

PyTorch's CPU generator is a 32-bit Mersenne Twister seeded like numpy's legacy
``RandomState``, so after ``manual_seed(s)`` compat draws the same stream and turns it
into numbers as PyTorch does: ``rand`` (24 random bits per float32, 53 per float64),
``randint`` (a 32-bit draw modulo the range), ``randperm`` (a forward Fisher-Yates
shuffle), ``randn`` (Box-Muller; tensors of 16 or more elements use PyTorch's batched
layout). ``nn.Linear``'s default initialisation is therefore PyTorch's bit for bit, and
``randn`` agrees to the last unit or two of float32.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed"]

_DEFAULT_SEED = 67280421310721


class Generator:
    """A random number generator (``torch.Generator``), seeded with :meth:`manual_seed`.

    Example:
        >>> import compat as torch
        >>> g = torch.Generator().manual_seed(0)
        >>> torch.rand(2, generator=g)
        tensor([0.4963, 0.7682])
    """

    def __init__(self, device="cpu"):
        self._seed = _DEFAULT_SEED
        self._rs = np.random.RandomState(_DEFAULT_SEED % 2**32)
        self._normal_cache = None
        self.device = device

    def manual_seed(self, seed) -> Generator:
        """Reset the stream to ``seed``; returns the generator."""
        seed = int(seed)
        self._seed = seed
        self._rs = np.random.RandomState(seed % 2**32)
        self._normal_cache = None
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; returns the seed.

        Example:
            >>> import compat as torch
            >>> g = torch.Generator()
            >>> s = g.seed()
            >>> s == g.initial_seed()
            True
        """
        s = int(np.random.SeedSequence().entropy) % 2**63
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed last set.

        Example:
            >>> import compat as torch
            >>> torch.Generator().manual_seed(7).initial_seed()
            7
        """
        return self._seed

    def get_state(self):
        """The generator's state as a uint8 tensor (restore it with :meth:`set_state`).

        It holds the Mersenne Twister's 624 words and position, and the second normal
        number of the last Box-Muller pair when one is waiting.
        """
        from compat._tensor import wrap

        _, keys, pos, _, _ = self._rs.get_state()
        cache = self._normal_cache
        tail = np.array([cache is not None, 0.0 if cache is None else cache], "<f8")
        parts = [keys.view(np.uint8), np.array([pos], "<i8").view(np.uint8), tail.view(np.uint8)]
        return wrap(np.concatenate(parts))

    def set_state(self, state) -> Generator:
        """Restore a state from :meth:`get_state` (of this generator or another)."""
        raw = np.ascontiguousarray(state._s.array, np.uint8)
        keys = raw[: 624 * 4].view(np.uint32)
        pos = int(raw[624 * 4 : 624 * 4 + 8].view("<i8")[0])
        has_cache, cache = raw[624 * 4 + 8 :].view("<f8")
        self._rs.set_state(("MT19937", keys, pos, 0, 0.0))
        self._normal_cache = float(cache) if has_cache else None
        return self

    # --- streams ------------------------------------------------------------------------

    def _u32(self, n: int) -> np.ndarray:
        return self._rs.randint(0, 2**32, size=n, dtype=np.uint32)

    def _u64(self, n: int) -> np.ndarray:
        raw = self._u32(2 * n).astype(np.uint64)
        return (raw[0::2] << np.uint64(32)) | raw[1::2]

    def uniform(self, n: int, dtype, low=0.0, high=1.0) -> np.ndarray:
        """``n`` uniform numbers in [low, high) of ``dtype``, as PyTorch draws them."""
        dtype = np.dtype(dtype)
        if dtype == np.float64:
            u = (self._u64(n) & np.uint64(2**53 - 1)).astype(np.float64) / 2.0**53
            return u * (high - low) + low
        u = (self._u32(n) & np.uint32(0xFFFFFF)).astype(np.float64) / 2.0**24
        lo = np.float32(low)
        span = np.float32(np.float32(high) - lo)
        return (u * np.float64(span) + np.float64(lo)).astype(dtype)

    def _uniform_work(self, n: int, work) -> np.ndarray:
        """``n`` uniforms in [0, 1) as ``work`` (float64: 53 bits, float32: 24 bits)."""
        if work == np.float64:
            return (self._u64(n) & np.uint64(2**53 - 1)).astype(np.float64) / 2.0**53
        return self.uniform(n, np.float32).astype(np.float32)

    def normal(self, n: int, dtype, mean=0.0, std=1.0) -> np.ndarray:
        """``n`` normal numbers of ``dtype`` (Box-Muller, PyTorch's layout)."""
        dtype = np.dtype(dtype)
        if n >= 16:
            # PyTorch's batched layout, computed in the tensor's dtype as PyTorch does
            work = np.float64 if dtype == np.float64 else np.float32
            out = _fill16(self._uniform_work(n, work))
            if n % 16:
                out[n - 16 :] = _fill16(self._uniform_work(16, work))
            return (out.astype(np.float64) * std + mean).astype(dtype)
        out = np.empty(n, np.float64)
        for i in range(n):
            if self._normal_cache is not None:
                out[i] = self._normal_cache
                self._normal_cache = None
                continue
            u1, u2 = (self._u64(2) & np.uint64(2**53 - 1)).astype(np.float64) / 2.0**53
            radius = np.sqrt(-2.0 * np.log(1.0 - u2))
            theta = 2.0 * np.pi * u1
            out[i] = radius * np.cos(theta)
            self._normal_cache = radius * np.sin(theta)
        return (out * std + mean).astype(dtype)

    def integers(self, low: int, high: int, n: int) -> np.ndarray:
        """``n`` integers in [low, high) as int64."""
        span = int(high) - int(low)
        if span <= 0:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        if span < 2**32:
            draws = self._u32(n).astype(np.int64)
            return draws % span + low
        draws = self._u64(n)
        return (draws % np.uint64(span)).astype(np.int64) + low

    def permutation(self, n: int) -> np.ndarray:
        """A permutation of range(n) as int64."""
        perm = np.arange(n, dtype=np.int64)
        if n > 1:
            draws = self._u32(n - 1).astype(np.int64)
            for i in range(n - 1):
                z = i + int(draws[i] % (n - i))
                perm[i], perm[z] = perm[z], perm[i]
        return perm


def _fill16(u: np.ndarray) -> np.ndarray:
    """Box-Muller on each block of 16 uniforms, in ``u``'s dtype (PyTorch's normal_fill)."""
    out = u.copy()
    one, minus_two = u.dtype.type(1), u.dtype.type(-2)
    two_pi = u.dtype.type(2.0 * np.pi)
    for j in range(0, len(u) - 15, 16):
        radius = np.sqrt(minus_two * np.log(one - u[j : j + 8]))
        theta = two_pi * u[j + 8 : j + 16]
        out[j : j + 8] = radius * np.cos(theta)
        out[j + 8 : j + 16] = radius * np.sin(theta)
    return out


default_generator = Generator()


def manual_seed(seed) -> Generator:
    """Seed the default generator; returns it.

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(0)
        >>> torch.randn(3)
        tensor([ 1.5410, -0.2934, -2.1788])
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the operating system; returns the seed.

    Example:
        >>> import compat as torch
        >>> s = torch.seed()
        >>> s == torch.initial_seed()
        True
    """
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed.

    Example:
        >>> import compat as torch
        >>> _ = torch.manual_seed(7)
        >>> torch.initial_seed()
        7
    """
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state.

    Example:
        >>> import compat as torch
        >>> state = torch.get_rng_state()
        >>> state.dtype
        torch.uint8
    """
    return default_generator.get_state()


def set_rng_state(state) -> None:
    """Restore the default generator's state.

    Example:
        >>> import compat as torch
        >>> state = torch.get_rng_state()
        >>> a = torch.rand(2)
        >>> torch.set_rng_state(state)
        >>> torch.equal(torch.rand(2), a)
        True
    """
    default_generator.set_state(state)


def generator(g) -> Generator:
    """``g`` or the default generator."""
    return default_generator if g is None else g
