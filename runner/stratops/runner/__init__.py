"""The runner: one strategy, one trading day, exactly once; all strategies side by side locally."""
