"""Strategy configuration as the operator sees it, and the history of the primary role.

The operator mirrors each TradingStrategy resource into `strategy_configs`,
so the read API answers without Kubernetes access.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint, false, func, true
from sqlalchemy.orm import Mapped, mapped_column

from stratops.core.db.base import Base


class StrategyConfig(Base):
    """The latest known spec of one strategy (one row per strategy_id).

    `spec` is the whole resource spec, `parameters` the strategy's own
    parameters, `generation` the resource's metadata.generation it came from.
    """

    __tablename__ = "strategy_configs"
    __table_args__ = (UniqueConstraint("strategy_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[str] = mapped_column(String(50))
    display_name: Mapped[str] = mapped_column(String(100))
    strategy_class: Mapped[str] = mapped_column(String(100))
    is_primary: Mapped[bool] = mapped_column(server_default=false())
    is_active: Mapped[bool] = mapped_column(server_default=true())
    namespace: Mapped[str | None] = mapped_column(String(63))
    resource_name: Mapped[str | None] = mapped_column(String(63))
    parameters: Mapped[dict[str, Any]]
    spec: Mapped[dict[str, Any]]
    config_yaml: Mapped[str | None] = mapped_column(Text)
    generation: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class PrimaryChange(Base):
    """One change of the effective primary in a namespace (GitOps promotion or first claim).

    `from_strategy_id` is empty when a namespace gets its first primary;
    `git_revision` is filled when the sync tool annotates the resource with it.
    """

    __tablename__ = "primary_changes"
    __table_args__ = (Index(None, "namespace", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(63))
    from_strategy_id: Mapped[str | None] = mapped_column(String(50))
    to_strategy_id: Mapped[str] = mapped_column(String(50))
    changed_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    from_generation: Mapped[int | None]
    to_generation: Mapped[int | None]
    git_revision: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
