"""What every handler shares within one operator process.

Built once by `stratops operator` and handed to kopf as the memo, so handlers
never reach for globals or the environment. The per-namespace lock serialises
reconciles of one namespace: primary election looks at all its resources, and
two elections racing could each see a different "previous" holder.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from stratops.core.contract import OPERATOR_MANAGER
from stratops.core.election import Election
from stratops.core.kube import AsyncKubeClient
from stratops.operator.resources import View
from stratops.operator.settings import OperatorSettings

JsonDict = dict[str, Any]


@dataclass
class Context:
    settings: OperatorSettings
    engine: Engine
    kube: AsyncKubeClient = field(default_factory=lambda: AsyncKubeClient(OPERATOR_MANAGER))
    primaries: dict[str, str | None] = field(default_factory=dict)
    elections: dict[str, Election] = field(default_factory=dict)
    snapshot: Callable[[str], list[View]] | None = None  # live views of a namespace
    pending_refresh: set[str] = field(default_factory=set)
    background: set[asyncio.Task[None]] = field(default_factory=set)
    # (field manager, namespace, name, uid) -> the status this process last applied
    written_status: dict[tuple[str, str, str, str], JsonDict] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def lock(self, namespace: str) -> asyncio.Lock:
        if namespace not in self._locks:
            self._locks[namespace] = asyncio.Lock()
        return self._locks[namespace]
