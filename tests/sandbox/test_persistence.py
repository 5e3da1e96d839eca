"""The sandbox's state kept in a file: a restart of govpost is not a restart of "WeChat"."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from .conftest import wait_until
from .test_freepublish import finished, publish_draft


def test_a_restarted_sandbox_still_serves_the_article_pages_and_knows_the_token(make_sandbox, tmp_path):
    store = tmp_path / "govpost.db.sandbox-state"
    before = make_sandbox(state_file=store)
    client = before.client()
    publish_id = client.freepublish.submit(publish_draft(client, "春耕备耕"))["publish_id"]
    url = finished(client, publish_id)["article_detail"]["item"][0]["article_url"]
    token = client.access_token
    before.live.close()

    after = make_sandbox(state_file=store)  # a new process on the same file

    page = requests.get(after.url + urlsplit(url).path.lstrip("/"), timeout=5)
    assert page.status_code == 200 and "春耕备耕" in page.text
    assert after.api("POST", "cgi-bin/draft/count", token=token) == {"total_count": 0}
    published = after.snapshot()["published"]
    assert [p["titles"] for p in published] == [["春耕备耕"]]


def test_a_publish_job_in_progress_at_the_restart_finishes_afterwards(make_sandbox, tmp_path):
    store = tmp_path / "state"
    before = make_sandbox(state_file=store, publish_delay=30)
    client = before.client()
    publish_id = client.freepublish.submit(publish_draft(client, "防汛演练"))["publish_id"]
    before.live.close()

    after = make_sandbox(state_file=store, publish_delay=0)

    job = wait_until(lambda: (lambda j: j if j["publish_status"] != 1 else None)(
        after.api("POST", "cgi-bin/freepublish/get", token=client.access_token, json={"publish_id": publish_id})))
    assert job["publish_status"] == 0


def test_sandbox_state_is_json_with_chinese_unescaped(make_sandbox):
    sandbox = make_sandbox()
    client = sandbox.client()
    publish_draft(client, "春耕备耕")
    raw = sandbox.control("GET", "sandbox/state").content.decode("utf-8")
    assert "春耕备耕" in raw and "\\u6625" not in raw


def test_building_the_app_on_a_saved_job_in_progress_starts_no_thread(make_sandbox, accounts, tmp_path):
    # gunicorn builds the app in its master and forks the workers: no timer may start there.
    import threading

    from publisher.sandbox import create_app

    store = tmp_path / "state"
    before = make_sandbox(state_file=store, publish_delay=30)
    client = before.client()
    client.freepublish.submit(publish_draft(client, "防汛演练"))
    before.live.close()
    # Compared as sets, not counts: a thread of an earlier test may end meanwhile.
    running = set(threading.enumerate())

    app = create_app(accounts, state_file=store, publish_delay=0)

    assert set(threading.enumerate()) - running == set()
    assert app.test_client().get("/sandbox/state").get_json()["publish_jobs"][0]["publish_status"] in (0, 1)
    app.extensions["sandbox"].reset()
