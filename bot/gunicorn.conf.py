"""gunicorn settings for govpost: `gunicorn -c bot/gunicorn.conf.py 'bot.wsgi:app'`, and what
`govpost serve` and `govpost web` run with.

gthread workers: each worker's threads serve requests while its main loop keeps accepting
and waits for connections to become readable, so a client that connects and says nothing
holds no thread. A client that trickles its headers does hold one until it is done, which is
why nginx (it buffers whole requests) belongs in front on the internet (docs/deploy.md), and
why the request read has a deadline here (`bot.gunicorn_worker`).

Every value can be set from the environment (GOVPOST_BIND, GOVPOST_WORKERS, GOVPOST_THREADS).
"""
import os

bind = os.environ.get("GOVPOST_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GOVPOST_WORKERS", "2"))
threads = int(os.environ.get("GOVPOST_THREADS", "4"))
worker_class = "bot.gunicorn_worker.DeadlineThreadWorker"
# Seconds a worker may be silent before the arbiter restarts it.
timeout = 30
graceful_timeout = 10
keepalive = 5
# WeChat's messages are small; anything larger is refused before it reaches the app.
limit_request_line = 4094
limit_request_fields = 50
accesslog = None
