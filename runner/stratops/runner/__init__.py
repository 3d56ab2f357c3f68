"""The runner: one strategy, one trading day, exactly once; and all strategies side by side locally."""
