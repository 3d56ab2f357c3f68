"""What the operator and the runner agree on, written once: object names, labels, keys,
field managers, condition types and the variables the operator sets on runner pods.

The two components never import each other (an import-linter contract); they
meet in the cluster, so every name one writes and the other reads lives here.
"""

from __future__ import annotations

# Objects the operator makes for a TradingStrategy `<name>`.
RUNNER_SUFFIX = "-runner"
STATE_SUFFIX = "-state"
STATE_KEY = "state.json"  # the state ConfigMap's key (the legacy file's name)


def runner_name(name: str) -> str:
    """`<name>-runner`: the CronJob, ServiceAccount, Role and RoleBinding of one strategy."""
    return f"{name}{RUNNER_SUFFIX}"


def state_configmap_name(name: str) -> str:
    """`<name>-state`: the ConfigMap holding the strategy's state under `STATE_KEY`."""
    return f"{name}{STATE_SUFFIX}"


# Labels on every child.
MANAGED_BY = "stratops-operator"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_STRATEGY = "stratops.dev/strategy"
LABEL_STRATEGY_ID = "stratops.dev/strategy-id"
COMPONENT_RUNNER = "runner"
COMPONENT_STATE = "state"
COMPONENT_MARKET_DATA = "market-data"

# Server-side apply field managers: each writer owns its own status fields.
OPERATOR_MANAGER = "stratops-operator"  # observedGeneration, phase, Ready, children
# effectivePrimary, PrimaryConflict, ScheduleNotOffset
PRIMARY_MANAGER = "stratops-operator-primary"
ALERTS_MANAGER = "stratops-operator-alerts"  # LastRunSucceeded=False/JobFailed
RUNNER_MANAGER = "stratops-runner"  # lastRun, equity, LastRunSucceeded

# Condition types (status.conditions, keyed by type).
READY = "Ready"
PRIMARY_CONFLICT = "PrimaryConflict"
LAST_RUN_SUCCEEDED = "LastRunSucceeded"
RUNS_ON_SCHEDULE = "RunsOnSchedule"
SCHEDULE_NOT_OFFSET = "ScheduleNotOffset"

# What the operator tells a runner pod about itself.
ENV_NAMESPACE = "STRATOPS_NAMESPACE"
ENV_STRATEGY_NAME = "STRATOPS_STRATEGY_NAME"
