"""Durable background work: the webhook answers at once and the slow part runs here.

A task is a row. Any process (a web process's runner thread, the worker, `govpost tick`)
may run due tasks: each is claimed with a conditional UPDATE and a lease, so exactly one
process runs it, and a process that dies mid-task only delays it until the lease ends.
Handlers must therefore be safe to run again after a crash (they record what they did).
The session a handler gets is committed before each of its WeChat calls (see
`_CommitBeforeEachCall`): a handler's writes before a call are durable, those after it are
rolled back if it fails.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Callable, Mapping

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from publisher.models import Account, Task
from publisher.runtime import Runtime
from publisher.services.accounts import AccountContext
from publisher.wechat import Gateway, TransientError

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=30)


@dataclass
class TaskContext:
    session: Session
    runtime: Runtime
    account: AccountContext
    now: datetime

    @cached_property
    def gateway(self) -> Gateway:
        return _CommitBeforeEachCall(self.runtime.gateway(self.account.name), self.session)


class _CommitBeforeEachCall:
    """The account's gateway, committing the task's session before every WeChat call.

    SQLite has one write lock; a task holding it across a network call would stall every
    other writer (the webhook included) for as long as WeChat takes. Committing first also
    makes what the handler has recorded so far durable before the call it prepares.
    """

    def __init__(self, gateway: Gateway, session: Session):
        self._gateway, self._session = gateway, session

    def __getattr__(self, name: str):
        attribute = getattr(self._gateway, name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            self._session.commit()
            return attribute(*args, **kwargs)

        return call


# A task kind's handler. The table of every kind is `publisher.background.jobs.HANDLERS`; the runner
# here takes it as an argument, so this module knows no kind.
TaskHandler = Callable[[TaskContext, dict[str, Any]], None]


class RetryLater(Exception):
    """A handler's way to say: not now, nothing is wrong (e.g. wait for the 48-hour window)."""


def enqueue(
    session: Session,
    *,
    account_id: int,
    kind: str,
    payload: dict[str, Any],
    run_after: datetime,
    dedup_key: str | None = None,
    recipient: str | None = None,
) -> Task | None:
    """Add a task in the caller's unit of work. Returns None if `dedup_key` is already queued.
    `recipient`: the openid of a message the task sends (see `publisher.services.notify`)."""
    if dedup_key is not None and session.scalar(select(Task.id).where(Task.dedup_key == dedup_key)):
        return None
    task = Task(
        account_id=account_id,
        kind=kind,
        payload=payload,
        status="pending",
        run_after=run_after,
        dedup_key=dedup_key,
        recipient=recipient,
        created_at=run_after,
    )
    try:
        with session.begin_nested():
            session.add(task)
    except IntegrityError:  # a concurrent enqueue of the same key won the race
        return None
    return task


@dataclass
class _Worker:
    runtime: Runtime
    handlers: Mapping[str, TaskHandler]
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}")

    def claim(self, limit: int) -> list[int]:
        now = self.runtime.clock.now()
        due = or_(Task.status == "pending", (Task.status == "running") & (Task.locked_until < now))
        with self.runtime.session_factory.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                return self._claim_skipping_locked(session, due, now, limit)
            candidates = list(
                session.scalars(
                    select(Task.id).where(due, Task.run_after <= now).order_by(Task.run_after, Task.id).limit(limit)
                )
            )
        claimed = []
        for task_id in candidates:
            with self.runtime.session_factory.begin() as session:
                result = session.execute(
                    update(Task)
                    .where(Task.id == task_id, due)
                    .values(status="running", locked_by=self.name, locked_until=now + LEASE)
                    .execution_options(synchronize_session=False)
                )
            if result.rowcount == 1:
                claimed.append(task_id)
        return claimed

    def _claim_skipping_locked(self, session: Session, due, now: datetime, limit: int) -> list[int]:
        # One statement pair under the row locks: several workers each take a different batch
        # and none waits for another's transaction (the Solid Queue / Oban / GoodJob pattern).
        claimed = list(session.scalars(
            select(Task.id).where(due, Task.run_after <= now).order_by(Task.run_after, Task.id).limit(limit)
            .with_for_update(skip_locked=True)
        ))
        if claimed:
            session.execute(
                update(Task).where(Task.id.in_(claimed))
                .values(status="running", locked_by=self.name, locked_until=now + LEASE)
                .execution_options(synchronize_session=False)
            )
        return claimed

    def run(self, task_id: int) -> None:
        clock = self.runtime.clock
        error: Exception | None = None
        with self.runtime.session_factory() as session:
            try:
                task = session.get(Task, task_id)
                handler = self.handlers.get(task.kind)
                if handler is None:
                    raise LookupError(f"no handler for task kind {task.kind!r}")
                account = AccountContext.of(session.get(Account, task.account_id), self.runtime.settings)
                context = TaskContext(session, self.runtime, account, clock.now())
                handler(context, dict(task.payload))
                task.status, task.finished_at, task.locked_until = "done", clock.now(), None
                task.attempts += 1
                session.commit()
            except Exception as exc:  # every failure is recorded on the task; none may stop the runner
                session.rollback()
                error = exc
        if error is not None:
            self._record_failure(task_id, error)

    def _record_failure(self, task_id: int, error: Exception) -> None:
        now = self.runtime.clock.now()
        with self.runtime.session_factory.begin() as session:
            task = session.get(Task, task_id)
            task.attempts += 1
            task.locked_until = None
            task.last_error = f"{type(error).__name__}: {error}"[:2000]
            retryable = isinstance(error, (TransientError, RetryLater))
            if retryable and task.attempts < MAX_ATTEMPTS:
                task.status = "pending"
                task.run_after = now + min(timedelta(seconds=2 ** task.attempts), MAX_BACKOFF)
                log.info("task %s (%s) will retry: %s", task.id, task.kind, task.last_error)
            else:
                task.status, task.finished_at = "failed", now
                log.error("task %s (%s) failed: %s", task.id, task.kind, task.last_error)


def run_due_tasks(runtime: Runtime, handlers: Mapping[str, TaskHandler], *, limit: int = 20) -> int:
    """Run the tasks that are due now with `handlers` (kind → handler); returns how many ran
    (succeeded or not)."""
    worker = _Worker(runtime, handlers)
    claimed = worker.claim(limit)
    for task_id in claimed:
        worker.run(task_id)
    return len(claimed)


@dataclass(frozen=True)
class TaskRunner:
    """The daemon thread that runs due tasks, and how to stop it."""
    thread: threading.Thread
    stopping: threading.Event

    def stop(self, timeout: float = 30.0) -> None:
        """Stop, and wait for the pass in flight: its queries must not outlive what started it
        (a test's database emptied meanwhile, or an engine disposed)."""
        self.stopping.set()
        self.thread.join(timeout)


def start_task_runner(runtime: Runtime, handlers: Mapping[str, TaskHandler], interval: float = 0.5) -> TaskRunner:
    """Run due tasks in a daemon thread of this process."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                ran = run_due_tasks(runtime, handlers)
            except Exception:  # a database hiccup must not kill the runner
                log.exception("task runner pass failed")
                ran = 0
            if not ran:
                stop.wait(interval)

    thread = threading.Thread(target=loop, name="govpost-tasks", daemon=True)
    thread.start()
    return TaskRunner(thread, stop)
