"""Every kind of background task, registered in one place.

A task queued by one process (the webhook) may be run by another (the worker), so every
process that runs tasks must know every handler: run them through this module.
"""
from publisher import chat_tasks, notify  # noqa: F401  (they register task handlers on import)
from publisher.publishing import actions  # noqa: F401
from publisher.tasks import HANDLERS, run_due_tasks, start_task_runner

__all__ = ["HANDLERS", "run_due_tasks", "start_task_runner"]
