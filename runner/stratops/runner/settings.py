"""The runner's one settings object, built once when a command starts.

Flags win over the environment; nothing else in the runner reads
`os.environ`. Variables (all optional):

- `STRATOPS_DB_URL`, `STRATOPS_DATA_DIR`, `STRATOPS_STATE_DIR`: defaults for
  `--db`, `--data-dir`, `--state-dir` (without either, a SQLite ledger keeps
  its states in `<database file>.state/`).
- `STRATOPS_ALERT_WEBHOOK_URL`: where a primary failure is POSTed (JSON).
- `STRATOPS_NAMESPACE`, `STRATOPS_STRATEGY_NAME`: cluster mode (set by the
  operator on runner pods).
- `STRATOPS_CODE_VERSION`: recorded with every run (default: the package
  version; images set it to their git revision).
- `KUBERNETES_SERVICE_HOST`, `KUBERNETES_SERVICE_PORT` (set by Kubernetes in
  every pod) and `STRATOPS_SA_DIR` (the ServiceAccount files, default the
  path Kubernetes mounts them at): where `--state configmap` finds the API
  server and its credentials.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from stratops.core import __version__
from stratops.core.db.engine import parse_url
from stratops.core.errors import UserError
from stratops.core.kube.config import DEFAULT_SA_DIR


class RunnerSettings(BaseSettings):
    """Everything `stratops run`, `run-all` and `demo` take from outside the command line."""

    model_config = SettingsConfigDict(env_prefix="STRATOPS_", extra="ignore", frozen=True)

    db_url: SecretStr | None = None
    data_dir: Path | None = None
    state_dir: Path | None = None
    alert_webhook_url: SecretStr | None = None
    alert_timeout_seconds: float = Field(5.0, gt=0, le=60)
    namespace: str | None = None
    strategy_name: str | None = None
    code_version: str = Field(__version__, min_length=1, max_length=64)
    kubernetes_service_host: str | None = Field(None, validation_alias="KUBERNETES_SERVICE_HOST")
    kubernetes_service_port: str | None = Field(None, validation_alias="KUBERNETES_SERVICE_PORT")
    sa_dir: Path = DEFAULT_SA_DIR

    def database(self, flag: str | None) -> str:
        """The database URL: the flag, else STRATOPS_DB_URL."""
        if flag:
            return flag
        if self.db_url is not None:
            return self.db_url.get_secret_value()
        raise UserError("no database given: pass --db URL or set STRATOPS_DB_URL")

    def data_directory(self, flag: Path | None) -> Path:
        found = flag or self.data_dir
        if found is None:
            raise UserError("no market data given: pass --data-dir DIR or set STRATOPS_DATA_DIR")
        return found

    def state_directory(self, flag: Path | None, db_url: str) -> Path:
        """--state-dir, else STRATOPS_STATE_DIR, else `<file>.state` beside a SQLite ledger.

        State beside its ledger keeps a local database and its states together:
        a fresh database file never meets states written for another one.
        """
        found = flag or self.state_dir
        if found is not None:
            return found
        url = parse_url(db_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            database = Path(url.database)
            return database.with_name(database.name + ".state")
        raise UserError("no state directory given: pass --state-dir DIR or set STRATOPS_STATE_DIR")


def load_settings() -> RunnerSettings:
    """Read the environment once; a bad value is one clear line, not a traceback."""
    try:
        return RunnerSettings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "settings"
            problems.append(f"STRATOPS_{field.upper()}: {error['msg']}")
        raise UserError("; ".join(problems)) from None
