"""Pure builders: each returns the desired state of one child object as a plain dict.

No I/O happens here, so every property of a child (names, labels, security,
schedule, ownership) is decided by functions that unit tests call directly.
"""

from stratops.core.contract import MANAGED_BY, STATE_KEY, runner_name
from stratops.core.contract import state_configmap_name as state_name
from stratops.operator.children.common import Owner, child_labels
from stratops.operator.children.marketdata import (
    MARKET_DATA_NAME,
    build_market_data_cronjob,
    build_market_data_pvc,
)
from stratops.operator.children.rbac import build_role, build_role_binding, build_service_account
from stratops.operator.children.runner import RunnerRole, build_runner_cronjob
from stratops.operator.children.state import (
    build_state_configmap,
    initial_state,
    state_ownership,
)

__all__ = [
    "MANAGED_BY",
    "MARKET_DATA_NAME",
    "STATE_KEY",
    "Owner",
    "RunnerRole",
    "build_market_data_cronjob",
    "build_market_data_pvc",
    "build_role",
    "build_role_binding",
    "build_runner_cronjob",
    "build_service_account",
    "build_state_configmap",
    "child_labels",
    "initial_state",
    "runner_name",
    "state_name",
    "state_ownership",
]
