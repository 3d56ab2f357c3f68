"""Operator settings: environment, overrides, and a refusal to start without essentials."""

from __future__ import annotations

import pytest

from stratops.core.errors import UserError
from stratops.operator.settings import load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("STRATOPS_"):
            monkeypatch.delenv(key)


def test_refuses_to_start_without_image_or_database() -> None:
    with pytest.raises(UserError) as caught:
        load_settings()
    message = str(caught.value)
    assert "STRATOPS_OPERATOR_IMAGE" in message
    assert "STRATOPS_DB_URL" in message


def test_environment_and_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATOPS_DB_URL", "postgresql://u:hunter2@db/stratops")
    monkeypatch.setenv("STRATOPS_OPERATOR_IMAGE", "registry/stratops:1")
    monkeypatch.setenv("STRATOPS_OPERATOR_SECONDARY_OFFSET_MINUTES", "10")
    settings = load_settings(namespace="trading", image=None)
    assert settings.image == "registry/stratops:1"
    assert settings.namespace == "trading"
    assert settings.secondary_offset_minutes == 10
    assert settings.db_url == "postgresql://u:hunter2@db/stratops"
    assert "hunter2" not in repr(settings), "the database URL is a secret"
    assert load_settings(image="other:2").image == "other:2"


def test_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATOPS_DB_URL", "sqlite://")
    monkeypatch.setenv("STRATOPS_OPERATOR_IMAGE", "x")
    monkeypatch.setenv("STRATOPS_OPERATOR_BACKOFF_LIMIT", "-1")
    with pytest.raises(UserError, match="STRATOPS_OPERATOR_BACKOFF_LIMIT"):
        load_settings()
