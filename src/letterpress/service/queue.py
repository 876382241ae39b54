"""The sign-up service's durable queue: every sign-up is committed before it is answered.

``POST /subscribe`` appends one row to ``signup_requests`` (the same statement
for every address) and answers only once that row is committed; the store
runs ``synchronous=FULL``, so committed means on disk. Requests that arrive
while a commit is under way share the next one (:class:`GroupCommit`): one
fsync serves many sign-ups, so durability does not cost one disk flush per
person. The worker (``worker.py``) takes rows from the front and deletes each
only after its letter has gone; the next start finishes whatever a crash left.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from ..subscribers.store import SubscriberStore, utc_now


@dataclass(frozen=True)
class SignupRequest:
    """One queued sign-up: the normalised address and the name typed with it."""

    id: int
    email: str
    name: str


class SignupQueue:
    """The ``signup_requests`` table of a :class:`SubscriberStore` (same file, same connection)."""

    def __init__(self, store: SubscriberStore):
        self.store = store

    def append(self, rows: Sequence[tuple[str, str]]) -> None:
        """Commit ``(address, name)`` rows in one transaction."""
        now = utc_now()
        with self.store.transaction() as connection:
            connection.executemany("INSERT INTO signup_requests (email, name, received_at) VALUES (?, ?, ?)",
                                   [(address, name, now) for address, name in rows])

    def due(self, now: float, limit: int) -> list[SignupRequest]:
        """Up to ``limit`` rows whose time has come (``not_before`` at or before ``now``), oldest first."""
        rows = self.store.connection.execute(
            "SELECT id, email, name FROM signup_requests WHERE not_before <= ? ORDER BY id LIMIT ?", (now, limit))
        return [SignupRequest(id=row["id"], email=row["email"], name=row["name"]) for row in rows]

    def delay(self, request: SignupRequest, until: float) -> None:
        """Keep ``request`` until ``until`` (epoch seconds), as the one waiting row of its address.

        An older waiting row of the same address is dropped: the letter that
        goes out when the wait is over answers both sign-ups, so a flood of
        sign-ups for one address waits as one row, not as a backlog of letters.
        """
        with self.store.transaction() as connection:
            connection.execute("DELETE FROM signup_requests WHERE email = ? AND id != ? AND not_before > 0",
                               (request.email, request.id))
            connection.execute("UPDATE signup_requests SET not_before = ? WHERE id = ?", (until, request.id))

    def remove(self, ids: Sequence[int]) -> None:
        """Delete finished rows."""
        if ids:
            with self.store.transaction() as connection:
                connection.executemany("DELETE FROM signup_requests WHERE id = ?", [(i,) for i in ids])

    def next_due(self) -> float | None:
        """When the earliest row is due (epoch seconds; 0 for now), or None when the queue is empty."""
        return self.store.connection.execute("SELECT min(not_before) FROM signup_requests").fetchone()[0]

    def __len__(self) -> int:
        return self.store.connection.execute("SELECT count(*) FROM signup_requests").fetchone()[0]


class GroupCommit:
    """Commits rows in batches: each caller waits for its own row's commit, shared with whoever came along.

    While one commit runs, new rows gather; the next commit takes them all.
    Under light load that is one row per commit; under a burst, one commit
    (one fsync) per hundreds of rows.

    Args:
        commit: writes a batch of rows durably (raises when it cannot).
        committed: called after each successful commit (wakes the worker).
    """

    def __init__(self, commit: Callable[[list], Awaitable[None]], committed: Callable[[], None]):
        self.commit, self.committed = commit, committed
        self.waiting: list[tuple[object, asyncio.Future]] = []
        self.flusher: asyncio.Task | None = None
        self.last_row = 0.0  # time.monotonic() of the latest row

    def busy(self, quiet_seconds: float) -> bool:
        """True while rows are being committed, or came within the last ``quiet_seconds``."""
        return self.flusher is not None or time.monotonic() - self.last_row < quiet_seconds

    async def add(self, row) -> None:
        """Return once ``row`` is committed; raise what the commit raised."""
        self.last_row = time.monotonic()
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((row, future))
        if self.flusher is None:
            self.flusher = asyncio.create_task(self._flush())
        await future

    async def _flush(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting, []
                error = await self._commit_batch([row for row, _ in batch])
                for _, future in batch:
                    if future.done():  # its request was cancelled meanwhile
                        continue
                    if error is None:
                        future.set_result(None)
                    else:
                        future.set_exception(error)
        finally:
            self.flusher = None

    async def _commit_batch(self, rows: list) -> Exception | None:
        try:
            await self.commit(rows)
        except Exception as error:  # every waiter of the batch gets it: none of their rows is written
            return error
        self.committed()
        return None
