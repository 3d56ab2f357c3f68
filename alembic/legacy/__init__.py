"""Moving from the legacy single-process engine: registry, configs and state files.

The legacy engine kept `config/strategies_registry.yaml` (which strategies, which
is primary), one config file per strategy (Appendix A of the multi-strategy
plan) and one `state/strategies/<id>/state.json` each. `stratops
migrate-registry` turns them into TradingStrategy manifests and state
ConfigMaps in the runner's state format. The conversion is pure (these
modules take parsed documents and return documents plus notes); reading files
and the legacy database happens in `reading` and `ledger`.

Two promises: nothing is silently dropped (whatever has no place in stratops is
listed in the report and kept in an annotation), and a broken input stops the
migration with the file and key that are wrong.
"""

from stratops.migrations.legacy.convert import Migration, migrate
from stratops.migrations.legacy.model import LedgerFacts, LegacyInputError, Note

__all__ = ["LedgerFacts", "LegacyInputError", "Migration", "Note", "migrate"]
