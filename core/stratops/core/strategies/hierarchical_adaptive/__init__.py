"""Hierarchical Adaptive v3.5b / v3.5d (shared/strategies/hierarchical-adaptive.md).

Modules: `kalman` (trend filter), `indicators` (exact windowed statistics),
`regime` (vol state, trend, confirmation, cell), `allocation` (weights),
`params` (validated parameters, importable without the engine), `signals`
(the whole series in one pass), `strategy` (the registered classes).
"""
