"""HTTP caching that browsers and proxies understand: a weak `ETag` from the ledger
version on every ledger-derived GET, `If-None-Match` answered with 304, and
`Cache-Control: no-cache` so a cache keeps the body but asks before reusing it.

The ETag is a digest of the ledger version (see `queries.ledger_version`), the
API version and its settings, and the current window of wall-clock time (five
minutes in the app): a change the version cannot see (a transaction that
commits an older id late) is hidden behind a 304 for at most one window, and
replicas agree on the tag because they agree on the clock. A revalidation whose tag
still matches costs one memoized version read and no query at all. The tag is
weak because gzip may change the bytes while the content stays the same.

Routes whose answer depends on the time of the request (`/api/status`: "stale"
is judged against now) carry no ETag.

With the app's cache on, the encoded answer (gzipped when the client takes
gzip) is kept per tag and URL (`ResponseBodies`): the tag already asserts
that the answer is the same while it holds, so a second client's first
request gets the same bytes without recomputing them. A new tag (a ledger
change, the next time window) is a new key; the store is bounded in bytes.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stratops.api.cache import MemoizedVersion

CACHED_PREFIX = "/api/"
UNCACHED_PREFIXES = ("/api/status",)
CACHE_CONTROL = "no-cache"


def etag(fingerprint: str, version: Hashable, window: int | None) -> str:
    """The weak entity tag for one ledger version (and time window)."""
    digest = hashlib.blake2s(f"{fingerprint}|{version!r}|{window}".encode(), digest_size=12)
    return f'W/"{digest.hexdigest()}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 weak comparison against an `If-None-Match` list (or `*`)."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


def cached_path(method: str, path: str) -> bool:
    return (
        method in ("GET", "HEAD")
        and path.startswith(CACHED_PREFIX)
        and not path.startswith(UNCACHED_PREFIXES)
    )


BodyKey = tuple[str, str, bytes, bool]
# Headers, body and the matched route (so request metrics still name the route).
Stored = tuple[list[tuple[bytes, bytes]], bytes, Any]


class ResponseBodies:
    """Encoded 200 answers by (tag, path, query, gzip accepted), least recently used out
    first once `max_bytes` is exceeded. Thread-safe."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._size = 0
        self._entries: OrderedDict[BodyKey, Stored] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: BodyKey) -> Stored | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(
        self, key: BodyKey, headers: list[tuple[bytes, bytes]], body: bytes, route: Any
    ) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old[1])
            self._entries[key] = (headers, body, route)
            self._size += len(body)
            while self._size > self.max_bytes:
                _, (_, dropped, _) = self._entries.popitem(last=False)
                self._size -= len(dropped)


class LedgerETag:
    """ASGI middleware: ETag and 304 for the ledger-derived GET routes."""

    def __init__(
        self,
        app: ASGIApp,
        version: MemoizedVersion,
        fingerprint: str,
        window_seconds: float,
        wall_clock: Callable[[], float] = time.time,
        bodies: ResponseBodies | None = None,
    ) -> None:
        self.app = app
        self.version = version
        self.fingerprint = fingerprint
        self.window_seconds = window_seconds
        self.wall_clock = wall_clock
        self.bodies = bodies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not cached_path(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        tag = await self._current_tag()
        if tag is None:  # the database is down: let the route answer 503
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        if matches(request.get("if-none-match"), tag):
            await _not_modified(send, tag)
            return
        key = self._key(scope, request, tag)
        if key is not None and await self._replayed(key, scope, send):
            return
        start: list[Message] = []
        chunks: list[bytes] = []

        async def send_tagged(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = MutableHeaders(scope=message)
                headers["ETag"] = tag
                headers["Cache-Control"] = CACHE_CONTROL
                start.append(message)
            elif message["type"] == "http.response.body" and start and key is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and self.bodies is not None:
                    stored = list(start[0]["headers"])
                    self.bodies.put(key, stored, b"".join(chunks), scope.get("route"))
            await send(message)

        await self.app(scope, receive, send_tagged)

    def _key(self, scope: Scope, request: Headers, tag: str) -> BodyKey | None:
        """Where this GET's encoded answer is kept (None: bodies are not kept)."""
        if self.bodies is None or scope["method"] != "GET":
            return None
        gzip = "gzip" in request.get("accept-encoding", "")
        return (tag, scope["path"], scope.get("query_string", b""), gzip)

    async def _replayed(self, key: BodyKey, scope: Scope, send: Send) -> bool:
        """Send the kept answer, if there is one."""
        stored = self.bodies.get(key) if self.bodies is not None else None
        if stored is None:
            return False
        headers, body, route = stored
        if route is not None:
            scope["route"] = route
        await _replay(send, headers, body)
        return True

    async def _current_tag(self) -> str | None:
        version = self.version.fresh()
        if version is None:
            try:
                version = await run_in_threadpool(self.version.refresh)
            except Exception:  # any driver error: no tag; the route reports the database
                return None
        window = int(self.wall_clock() // self.window_seconds) if self.window_seconds > 0 else None
        return etag(self.fingerprint, version, window)


async def _replay(send: Send, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _not_modified(send: Send, tag: str) -> None:
    headers = [
        (b"etag", tag.encode("latin-1")),
        (b"cache-control", CACHE_CONTROL.encode("latin-1")),
        (b"vary", b"Accept-Encoding"),
    ]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
