"""``compat.cuda``: there is no GPU here; ``is_available()`` is False.

Example:
    >>> import compat as torch
    >>> torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device(type='cpu')
"""


def is_available() -> bool:
    """False: compat computes on the CPU with numpy."""
    return False


def device_count() -> int:
    """0."""
    return 0


def manual_seed(seed) -> None:
    """Does nothing (there is no CUDA generator)."""


manual_seed_all = manual_seed


def synchronize(device=None) -> None:
    """Does nothing."""
