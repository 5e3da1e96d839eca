"""gunicorn's settings for `govpost web` in a county deployment:
    gunicorn -c bot/gunicorn.conf.py
Each value can be changed from the environment, named beside it, without editing this file.
"""
import multiprocessing
import os

wsgi_app = "bot.wsgi:app"
bind = os.environ.get("GOVPOST_WEB_BIND", "127.0.0.1:8000")  # nginx in front terminates TLS
# gunicorn's usual 2 x cores + 1, capped: every worker also runs background tasks and keeps
# its own database pool (database.pool_size), so more workers mean more connections.
workers = int(os.environ.get("GOVPOST_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GOVPOST_WEB_THREADS", 4))
# WeChat waits 5 seconds for a webhook answer and retries; a request still running after 30
# is stuck, and the worker is replaced.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Not preloaded: each worker opens its own database engine and Redis connection after the
# fork, never sharing a socket with its siblings.
preload_app = False
# A worker is replaced now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The client address nginx passes on, trusted from the local proxy only.
forwarded_allow_ips = os.environ.get("GOVPOST_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
