"""What every strategy's parameter model provides, without the strategy's engine.

A class's parameters are validated by the operator, `stratops validate` and
the runner alike; the first two must not import pandas or numpy, so the
model lives apart from the implementation and declares here the little the
validators ask of it: strict validation (unknown names and non-finite floats
refused), the series it reads, and its cross-checks against spec.execution.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from stratops.core.resource import Execution


class StrategyParams(BaseModel):
    """Base of every parameter model: frozen, unknown names and inf/nan refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @property
    def all_symbols(self) -> tuple[str, ...]:
        """Every series the configured strategy reads (the market-data job fetches them)."""
        return ()

    def execution_problems(self, execution: Execution) -> list[str]:
        """Contradictions with spec.execution, one `parameters.<field>: message` each."""
        return []
