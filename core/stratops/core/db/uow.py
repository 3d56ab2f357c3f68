"""The unit of work: the only place where a transaction is committed.

A runner step or an API request opens one `UnitOfWork`; everything it writes
commits together when the block ends normally and rolls back when it raises.
Code inside the block never calls `session.commit()` (a unit test enforces
that), so no helper can commit half of someone else's work.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """`with UnitOfWork(engine) as session:` commits on success, rolls back on error.

    Objects stay readable after the block (`expire_on_commit=False`), so a
    caller can report what it wrote without opening a new transaction.
    """

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._session: Session | None = None

    def __enter__(self) -> Session:
        if self._session is not None:
            raise RuntimeError("this UnitOfWork is already open; open a new one instead")
        self._session = self._sessions()
        return self._session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        assert session is not None, "__exit__ without __enter__"
        try:
            if exc_type is None:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()
