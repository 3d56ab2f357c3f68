"""The operator's subcommands: `operator` (run it) and `validate` (check manifests first).

One module per subcommand, each exposing `register(subparsers)`; the
`stratops` command imports only the module of the subcommand it runs.
"""
