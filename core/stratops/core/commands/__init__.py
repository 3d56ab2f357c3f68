"""The shared core's own subcommand: `db` (the schema, used by every deployment).

One module per subcommand, each exposing `register(subparsers)`; the
`stratops` command imports only the module of the subcommand it runs.
"""
