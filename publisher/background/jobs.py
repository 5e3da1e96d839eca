"""Every kind of background task, in one table.

A task queued by one process (the webhook) may be run by another (the worker), so every
process that runs tasks must know every handler: run them through this module.
"""
from __future__ import annotations

from typing import Mapping

from publisher.background import chat_tasks, tasks
from publisher.background.tasks import TaskHandler
from publisher.publishing import actions
from publisher.runtime import Runtime
from publisher.services import notify

HANDLERS: Mapping[str, TaskHandler] = {
    "fetch_image": chat_tasks.fetch_image,
    "send_preview": chat_tasks.send_preview,
    "close_idle_draft": chat_tasks.close_idle_draft,
    "send_text": notify.send_text,
    "delete_published": actions.delete_published,
    "delete_draft": actions.delete_draft,
}


def run_due_tasks(runtime: Runtime, *, limit: int = 20) -> int:
    """Run the tasks of every kind that are due now; returns how many ran."""
    return tasks.run_due_tasks(runtime, HANDLERS, limit=limit)


def start_task_runner(runtime: Runtime, interval: float = 0.5) -> tasks.TaskRunner:
    """Run due tasks of every kind in a daemon thread of this process."""
    return tasks.start_task_runner(runtime, HANDLERS, interval)
