"""The served worker freezes what the app loaded out of the garbage collector's generations
(bot/gunicorn_worker.py): full collections then walk only what requests left behind."""
import gc

from gunicorn.workers.gthread import ThreadWorker

from bot.gunicorn_worker import DeadlineThreadWorker


def test_a_worker_freezes_what_loading_the_app_made(monkeypatch):
    loaded = []
    monkeypatch.setattr(ThreadWorker, "load_wsgi", lambda self: loaded.append(True))
    worker = DeadlineThreadWorker.__new__(DeadlineThreadWorker)  # no arbiter, socket or config needed
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        worker.load_wsgi()
        assert loaded and gc.get_freeze_count() > 0  # every object tracked so far, this test's included
    finally:
        gc.unfreeze()
