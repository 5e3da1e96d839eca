"""bot/gunicorn.conf.py: the app, sane defaults, and each value from the environment."""
import runpy
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "bot" / "gunicorn.conf.py"


def load(monkeypatch, **env) -> Config:
    for name in ("GOVPOST_WEB_BIND", "GOVPOST_WEB_WORKERS", "GOVPOST_WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for key, value in runpy.run_path(str(CONF)).items():
        if key in config.settings:
            config.set(key, value)
    return config


def test_gunicorn_conf_serves_govpost_behind_a_local_proxy_with_several_workers(monkeypatch):
    config = load(monkeypatch)
    assert config.wsgi_app == "bot.wsgi:app"
    assert config.bind == ["127.0.0.1:8000"]
    assert 3 <= config.workers <= 9 and config.threads == 4
    assert config.preload_app is False and config.timeout == 30


def test_gunicorn_conf_takes_bind_and_workers_from_the_environment(monkeypatch):
    config = load(monkeypatch, GOVPOST_WEB_BIND="0.0.0.0:9000", GOVPOST_WEB_WORKERS="4")
    assert config.bind == ["0.0.0.0:9000"] and config.workers == 4
