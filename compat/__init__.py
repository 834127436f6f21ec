"""compat: a PyTorch-style shell over funcgrad (built in its own issue)."""
