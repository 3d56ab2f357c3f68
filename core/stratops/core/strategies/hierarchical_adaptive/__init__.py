"""Hierarchical Adaptive v3.5b / v3.5d (shared/strategies/hierarchical-adaptive.md).

Modules: `kalman` (trend filter), `indicators` (exact windowed statistics),
`regime` (vol state, trend, confirmation, cell), `allocation` (weights),
`params` (validated parameters), `signals` (the whole series in one pass),
`strategy` (the registered classes).
"""

from stratops.core.strategies.hierarchical_adaptive.strategy import (
    HierarchicalAdaptive,
    HierarchicalAdaptiveV35b,
    HierarchicalAdaptiveV35d,
)

__all__ = ["HierarchicalAdaptive", "HierarchicalAdaptiveV35b", "HierarchicalAdaptiveV35d"]
