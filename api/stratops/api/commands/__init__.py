"""The read API's subcommands: `api` (serve it) and `promote-check`.

One module per subcommand, each exposing `register(subparsers)`; the
`stratops` command imports only the module of the subcommand it runs.
"""
