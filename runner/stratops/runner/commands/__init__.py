"""The runner's subcommands: `run`, `run-all`, `demo`, `backtest` and `data`.

One module per subcommand family, each exposing `register(subparsers)`; the
`stratops` command imports only the module of the subcommand it runs.
"""
