"""The legacy migration's own subcommand: `migrate-registry`.

One module per subcommand, each exposing `register(subparsers)`; the
`stratops` command imports only the module of the subcommand it runs.
"""
