"""Research: backtests of parameter sets (sweeps) and of each configuration change.

One pure function computes one parameter set (`compute.compute_set`); the local
process pool (`local`) and the cluster's Indexed Job only fan it out.
"""
