"""The sign-up worker: finishes each queued sign-up with the same work, whoever the address is.

For every row of the queue, oldest first: one store transaction records the
sign-up (:meth:`SubscriberStore.add_pending`, one statement for every
address), then one letter is composed and delivered — the confirmation for a
new, pending, unsubscribed, bounced or complained address, the short "you are
already subscribed" letter for an active one. So the work that follows an
answer, which anyone can feel in the service's next answers, is the same for
every class of address, and the letter itself goes only to the address's owner.

The per-address limit counts these letters: a sign-up over it waits in the
queue (one waiting row per address) until the limit allows its letter. A
third party can delay an owner's letter that way, never refuse their sign-up.

While sign-ups keep arriving, the worker gives way to their answers (a
letter costs several times the CPU of an answer), taking one batch at most
every :data:`GIVE_WAY_SECONDS`; the letters of a burst follow it.

A row leaves the queue in the transaction after its letter went, so a crash
repeats at most the letters of the batch in hand and loses none; rows left by
a crash or a stop are finished when the service starts again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..subscribers.store import SubscriberStore
from .limits import SignupLimiter
from .mail import already_message, confirmation_message
from .queue import SignupQueue, SignupRequest

log = logging.getLogger("letterpress.service")
BATCH = 25  # rows per store transaction: a burst is recorded in few commits, and the lane is not held long
GIVE_WAY_SECONDS = 1.0  # the longest a batch waits for a burst of sign-ups to be answered
QUIET_SECONDS = 0.02  # no sign-up for this long: the burst is over
RETRY_SECONDS = 5.0  # after the store failed to answer
SOURCE = "sign-up form"


@dataclass(frozen=True)
class Job:
    """One recorded sign-up whose letter is due."""

    request_id: int
    compose: Callable
    address: str
    name: str


class SignupWorker:
    """Works through the queue, one batch at a time, until stopped.

    Args:
        store: the service's store (the queue lives in it).
        limiter: counts letters per address.
        in_store: runs a function on the store's lane (a worker thread).
        send: composes and delivers one letter (``send(compose, address, name)``).
        busy: ``busy(quiet_seconds)`` is True while sign-ups are arriving.
    """

    def __init__(self, store: SubscriberStore, limiter: SignupLimiter, in_store: Callable[..., Awaitable],
                 send: Callable[..., Awaitable], busy: Callable[[float], bool] = lambda quiet: False):
        self.store, self.queue, self.limiter = store, SignupQueue(store), limiter
        self.in_store, self.send, self.busy = in_store, send, busy
        self.wake = asyncio.Event()
        self.finished: list[int] = []  # delivered, deleted with the next transaction
        self.stopping = False
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        """Begin (with whatever the queue holds from before)."""
        self.task = asyncio.create_task(self.run())

    async def stop(self) -> None:
        """Finish the batch in hand, record it, and return; the rest waits in the queue."""
        self.stopping = True
        self.wake.set()
        if self.task is not None:
            await self.task

    def notify(self) -> None:
        """New rows are committed."""
        self.wake.set()

    async def run(self) -> None:
        while not self.stopping:
            await self._give_way()
            self.wake.clear()  # before reading: a commit from now on wakes the wait below
            jobs, next_due = await self._take()
            for job in jobs:
                await self._finish(job)
            if not jobs and not self.stopping:
                await self._idle(next_due)
        with contextlib.suppress(Exception):  # if this fails, the next start repeats these letters
            await self.in_store(self.queue.remove, self.finished)

    async def _take(self) -> tuple[list[Job], float | None]:
        try:
            jobs, next_due = await self.in_store(self._take_batch, list(self.finished), time.time())
        except Exception as error:  # the store is busy or broken: try again later, the rows are kept
            log.error("sign-up queue not read: %s", type(error).__name__)
            return [], time.time() + RETRY_SECONDS
        self.finished = []
        return jobs, next_due

    def _take_batch(self, finished: list[int], now: float) -> tuple[list[Job], float | None]:
        """One transaction: drop the rows whose letters went, record the next due ones."""
        with self.store.transaction():
            self.queue.remove(finished)
            jobs = [job for request in self.queue.due(now, BATCH) if (job := self._record(request, now))]
            return jobs, self.queue.next_due()

    def _record(self, request: SignupRequest, now: float) -> Job | None:
        wait = self.limiter.letter_wait(request.email)
        if wait:
            self.queue.delay(request, now + wait)
            return None
        subscriber = self.store.add_pending(request.email, SOURCE)
        if subscriber.status == "active":  # greeted by the name they confirmed, never by this sign-up's
            return Job(request.id, already_message, subscriber.email, subscriber.name)
        return Job(request.id, confirmation_message, subscriber.email, request.name)

    async def _finish(self, job: Job) -> None:
        try:
            await self.send(job.compose, job.address, job.name)
        except Exception as error:  # the log must not carry the address a message may hold
            log.error("sign-up letter not sent: %s", type(error).__name__)
        self.finished.append(job.request_id)

    async def _give_way(self) -> None:
        deadline = time.monotonic() + GIVE_WAY_SECONDS
        while self.busy(QUIET_SECONDS) and not self.stopping and time.monotonic() < deadline:
            await asyncio.sleep(QUIET_SECONDS)

    async def _idle(self, next_due: float | None) -> None:
        timeout = None if next_due is None else max(0.0, next_due - time.time())
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout)
