import threading

from sqlalchemy import select

from publisher.models import Task
from publisher.background import tasks
from publisher.background.tasks import LEASE, MAX_ATTEMPTS, enqueue
from publisher.wechat import Rejected, TransientError
from tests.fakes import WritesMeanwhile, with_gateway

RAN: list[tuple[str, dict]] = []


def _record(ctx, payload):
    RAN.append(("record", payload))


def _flaky(ctx, payload):
    raise TransientError(-1, "system error")


def _broken(ctx, payload):
    raise Rejected(45003, "title size out of limit")


def run_due_tasks(runtime, *, limit=20):
    # The runner takes its table of kinds as an argument: these tests pass theirs (HANDLERS, below).
    return tasks.run_due_tasks(runtime, HANDLERS, limit=limit)


def _enqueue(runtime, account, kind, payload=None, dedup_key=None):
    with runtime.session_factory.begin() as session:
        task = enqueue(session, account_id=account.id, kind=kind, payload=payload or {},
                       run_after=runtime.clock.now(), dedup_key=dedup_key)
        return task.id if task else None


def _task(runtime, task_id):
    with runtime.session_factory() as session:
        return session.get(Task, task_id)


def test_a_due_task_runs_once_and_is_done(runtime, account):
    RAN.clear()
    task_id = _enqueue(runtime, account, "test_record", {"n": 1})
    assert run_due_tasks(runtime) == 1
    assert run_due_tasks(runtime) == 0
    assert RAN == [("record", {"n": 1})]
    assert _task(runtime, task_id).status == "done"


def test_the_same_dedup_key_queues_once(runtime, account):
    assert _enqueue(runtime, account, "test_record", dedup_key="k1") is not None
    assert _enqueue(runtime, account, "test_record", dedup_key="k1") is None
    with runtime.session_factory() as session:
        assert len(session.scalars(select(Task)).all()) == 1


def test_a_transient_failure_retries_with_growing_backoff_then_gives_up(runtime, account):
    task_id = _enqueue(runtime, account, "test_flaky")
    delays = []
    for _ in range(MAX_ATTEMPTS):
        before = runtime.clock.now()
        assert run_due_tasks(runtime) == 1
        task = _task(runtime, task_id)
        if task.status == "pending":
            delays.append((task.run_after - before).total_seconds())
            assert run_due_tasks(runtime) == 0  # not due yet
            runtime.clock.set(task.run_after)
    assert task.status == "failed" and task.attempts == MAX_ATTEMPTS
    assert "system error" in task.last_error
    assert delays == sorted(delays) and delays[0] < delays[-1]


def test_a_permanent_failure_is_not_retried(runtime, account):
    task_id = _enqueue(runtime, account, "test_broken")
    run_due_tasks(runtime)
    task = _task(runtime, task_id)
    assert task.status == "failed" and task.attempts == 1 and "45003" in task.last_error


def test_a_task_whose_runner_died_is_taken_over_after_the_lease(runtime, account):
    RAN.clear()
    task_id = _enqueue(runtime, account, "test_record")
    with runtime.session_factory.begin() as session:  # as if a process claimed it and was killed
        task = session.get(Task, task_id)
        task.status, task.locked_by, task.locked_until = "running", "dead:1", runtime.clock.now() + LEASE
    assert run_due_tasks(runtime) == 0
    runtime.clock.advance(seconds=LEASE.total_seconds() + 1)
    assert run_due_tasks(runtime) == 1
    assert RAN == [("record", {})] and _task(runtime, task_id).status == "done"


def test_two_runners_never_run_the_same_task(runtime, account):
    RAN.clear()
    ids = [_enqueue(runtime, account, "test_record", {"i": i}) for i in range(30)]
    barrier = threading.Barrier(2)

    def runner():
        barrier.wait()
        while run_due_tasks(runtime, limit=3):
            pass

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(p["i"] for _, p in RAN) == list(range(30))
    assert all(_task(runtime, i).status == "done" for i in ids)


def test_unknown_kind_fails_clearly(runtime, account):
    task_id = _enqueue(runtime, account, "no_such_kind")
    run_due_tasks(runtime)
    assert "no handler" in _task(runtime, task_id).last_error


def _reads_then_calls(ctx, payload):
    ctx.session.get(Task, payload["task_id"])  # a read opens the transaction first
    ctx.gateway.send_text("o-1", "hi")


def test_a_task_holds_no_database_lock_while_it_calls_wechat(runtime, account):
    runtime = with_gateway(runtime, WritesMeanwhile(runtime, account))
    task_id = _enqueue(runtime, account, "test_reads_then_calls_wechat")
    with runtime.session_factory.begin() as session:
        session.get(Task, task_id).payload = {"task_id": task_id}
    run_due_tasks(runtime, limit=1)
    assert _task(runtime, task_id).status == "done", _task(runtime, task_id).last_error
    with runtime.session_factory() as session:
        assert [t.payload for t in session.scalars(select(Task).where(Task.kind == "test_record"))] == [
            {"by": "webhook"}
        ]


HANDLERS = {
    "test_record": _record,
    "test_flaky": _flaky,
    "test_broken": _broken,
    "test_reads_then_calls_wechat": _reads_then_calls,
}
