"""Alerts for a failed primary run: an ERROR log line and, if configured, a webhook POST.

Secondary strategies never alert (their failures are in the summary). A
webhook that is down, slow or answers an error is logged and ignored: an
alert channel must never turn a run into a failure.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import httpx

from stratops.runner.outcome import RunOutcome
from stratops.runner.settings import RunnerSettings

log = logging.getLogger(__name__)


class AlertSink(Protocol):
    def alert(self, outcome: RunOutcome) -> None: ...


def alert_body(outcome: RunOutcome) -> dict[str, Any]:
    """The webhook's JSON body."""
    return {
        "strategy_id": outcome.strategy_id,
        "trade_date": outcome.trade_date.isoformat(),
        "reason": outcome.reason,
        "message": outcome.message,
    }


class LogAlert:
    """One ERROR line per failed primary run."""

    def alert(self, outcome: RunOutcome) -> None:
        log.error(
            "primary strategy %s failed on %s (%s): %s",
            outcome.strategy_id,
            outcome.trade_date,
            outcome.reason,
            outcome.message,
        )


class WebhookAlert:
    """One POST of `alert_body` to a URL (for example a chat or paging integration)."""

    def __init__(self, url: str, timeout: float) -> None:
        self._url = url
        self._timeout = timeout

    def alert(self, outcome: RunOutcome) -> None:
        try:
            response = httpx.post(self._url, json=alert_body(outcome), timeout=self._timeout)
        except httpx.HTTPError as exc:
            log.warning("alert webhook unreachable: %s", type(exc).__name__)
            return
        if response.status_code >= 400:
            log.warning("alert webhook answered HTTP %d", response.status_code)


def alert_sinks(settings: RunnerSettings) -> list[AlertSink]:
    """The log always; the webhook when STRATOPS_ALERT_WEBHOOK_URL is set."""
    sinks: list[AlertSink] = [LogAlert()]
    if settings.alert_webhook_url is not None:
        url = settings.alert_webhook_url.get_secret_value()
        sinks.append(WebhookAlert(url, settings.alert_timeout_seconds))
    return sinks


def send_alerts(sinks: list[AlertSink], outcome: RunOutcome) -> None:
    for sink in sinks:
        try:
            sink.alert(outcome)
        except Exception:  # an alert channel must never fail the run
            log.exception("alert sink %s failed", type(sink).__name__)
