"""Strategy plug-ins and the Hierarchical Adaptive family.

The package itself imports nothing: validating a manifest (`catalog`,
`parameters`, each family's `params`) must not pull in the numerical engine,
so the operator and `stratops validate` stay small. The engine side lives in
`base` (the Strategy interface, `config_hash`) and `registry`
(`get_strategy`, `build_strategy`), imported only where strategies run.
"""
