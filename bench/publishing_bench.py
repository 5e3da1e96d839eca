"""Benchmark: publishing N posts over M accounts, govpost against a bare wechatpy loop.

    .venv/bin/python bench/publishing_bench.py                       # 1,000 posts, 125 accounts
    .venv/bin/python bench/publishing_bench.py --posts 200 --accounts 25

Both talk to the same sandbox WeChat API (served over HTTP in this process's threads, no
publish delay). govpost: approved posts (a cover and a paragraph each) are queued for one
slot of each account; publishing passes run until every bundle is settled, with the clock
moved a minute between passes as in the publishing tests. The bare loop makes the same
WeChat calls with wechatpy and nothing else: per account a token, per post a thumb upload,
one draft of all the account's posts, one submit, and status queries until published.
The sandbox's call counts of both runs are printed, so that they can be compared.
Rounds are interleaved (govpost, bare, govpost, …); min and median are printed, and, less
dependent on the machine's load, the CPU time of the thread that runs each (govpost's
publishing passes, or the bare loop; the sandbox answers from other threads) and govpost's
SQL statements and transactions per bundle.
"""
from __future__ import annotations

import argparse
import inspect
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import event  # noqa: E402

from publisher.core.clock import FixedClock  # noqa: E402
from publisher.db import make_engine, make_session_factory, transaction  # noqa: E402
from publisher.lifecycle import Status  # noqa: E402
from publisher.migrate import upgrade  # noqa: E402
from publisher.models import Account, Post, PostBlock, PostImage, PublishBundle  # noqa: E402
from publisher.publishing.runner import run_publishing_pass  # noqa: E402
from publisher.publishing.states import ACTIVE_VALUES  # noqa: E402
from publisher.runtime import Runtime  # noqa: E402
from publisher.services.accounts import sync_accounts  # noqa: E402
from publisher.settings import WECHAT_API_BASE  # noqa: E402
from tests.conftest import BEIJING, make_settings  # noqa: E402
from tests.publishing_support import JPEG, LiveSandbox  # noqa: E402

SLOT = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)


def _accounts(n: int) -> list[dict]:
    return [{"name": f"town{i}", "display_name": f"第{i}镇人民政府", "slots": ["12:00"]} for i in range(n)]


def _queue(runtime: Runtime, per_account: int) -> None:
    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        for account in session.query(Account).all():
            for k in range(per_account):
                post = Post(account_id=account.id, title=f"{account.display_name}动态{k}", author_name="党政办",
                            digest="", status=Status.APPROVED.value, priority=0, scheduled_at=None,
                            approved_at=now, created_at=now, updated_at=now)
                session.add(post)
                session.flush()
                session.add(PostImage(post_id=post.id, is_cover=True, data=JPEG, content_type="image/jpeg",
                                      created_at=now))
                session.add(PostBlock(post_id=post.id, position=1, kind="text", text=f"{post.title}的正文。"))


def run_govpost(sandbox: LiveSandbox, tmp: Path, accounts: int, per_account: int) -> tuple[float, Counter]:
    url = f"sqlite:///{tmp}/publish-{time.monotonic_ns()}.db"
    engine = make_engine(url)
    upgrade(engine)
    settings = make_settings(url, wechat_api_base=sandbox.url, accounts=_accounts(accounts))
    clock = FixedClock(SLOT - timedelta(minutes=1))
    runtime = Runtime(settings, engine, make_session_factory(engine), clock)
    with transaction(runtime.session_factory) as session:
        sync_accounts(session, settings, clock)
    _queue(runtime, per_account)
    clock.set(SLOT)
    requests.post(sandbox.url + "sandbox/reset", timeout=10).raise_for_status()
    sql = Counter()

    def count(conn, cursor, statement, parameters, context, executemany):
        sql["statements"] += 1
        sql["transactions"] += statement.startswith("BEGIN")

    cpu = 0.0
    started = time.perf_counter()
    for _ in range(30):
        event.listen(engine, "before_cursor_execute", count)
        cpu_started = time.thread_time()
        worked = run_publishing_pass(runtime, "bench")
        cpu += time.thread_time() - cpu_started
        event.remove(engine, "before_cursor_execute", count)
        with runtime.session_factory() as session:
            active = session.query(PublishBundle).filter(
                PublishBundle.status.in_(ACTIVE_VALUES)).count()
        if not active and not worked:
            break
        clock.advance(seconds=60)
        sandbox.advance(60)
    else:
        raise RuntimeError("bundles still in progress after 30 passes")
    seconds = time.perf_counter() - started
    with runtime.session_factory() as session:
        published = session.query(Post).filter(Post.status == "published").count()
    if published != accounts * per_account:
        raise RuntimeError(f"govpost published {published} of {accounts * per_account} posts")
    engine.dispose()
    return seconds, Counter(sandbox.state()["calls"]), cpu, sql


def run_bare(sandbox: LiveSandbox, accounts: int, per_account: int) -> tuple[float, Counter]:
    from wechatpy import WeChatClient
    from wechatpy.client.api.base import BaseWeChatAPI

    class SandboxClient(WeChatClient):
        def fetch_access_token(self):  # wechatpy names WeChat's token URL outright
            return self._fetch_access_token(url=sandbox.url + "cgi-bin/token", params={
                "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})

    settings = make_settings("sqlite://", accounts=_accounts(accounts))
    requests.post(sandbox.url + "sandbox/reset", timeout=10).raise_for_status()
    started, cpu_started = time.perf_counter(), time.thread_time()
    for account in settings.accounts:
        client = SandboxClient(account.appid, account.secret, timeout=10, auto_retry=False)
        client.API_BASE_URL = sandbox.url + "cgi-bin/"
        for _, api in inspect.getmembers(client, lambda m: isinstance(m, BaseWeChatAPI)):
            base = getattr(api, "API_BASE_URL", "")
            if base.startswith(WECHAT_API_BASE):
                api.API_BASE_URL = sandbox.url + base[len(WECHAT_API_BASE):]
        articles = []
        for k in range(per_account):
            thumb = client.material.add("thumb", (f"post{k}.jpg", JPEG, "image/jpeg"))
            articles.append({"title": f"{account.display_name}动态{k}", "content": f"<p>动态{k}的正文。</p>",
                             "thumb_media_id": thumb["media_id"], "author": "党政办", "digest": ""})
        draft = client.draft.add(articles)
        publish_id = client.freepublish.submit(draft["media_id"])["publish_id"]
        while client.freepublish.get(publish_id)["publish_status"] != 0:
            sandbox.advance(60)
    return time.perf_counter() - started, Counter(sandbox.state()["calls"]), time.thread_time() - cpu_started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--accounts", type=int, default=125)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    per_account = args.posts // args.accounts
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the sandbox's access log
    sandbox = LiveSandbox(make_settings("sqlite://", accounts=_accounts(args.accounts)))
    times: dict[str, list[float]] = {"govpost": [], "bare": []}
    cpu: dict[str, list[float]] = {"govpost": [], "bare": []}
    calls: dict[str, Counter] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="govpost-bench-") as tmp:
            for _ in range(args.rounds):
                seconds, calls["govpost"], thread_cpu, sql = run_govpost(sandbox, Path(tmp), args.accounts, per_account)
                times["govpost"].append(seconds)
                cpu["govpost"].append(thread_cpu)
                seconds, calls["bare"], thread_cpu = run_bare(sandbox, args.accounts, per_account)
                times["bare"].append(seconds)
                cpu["bare"].append(thread_cpu)
    finally:
        sandbox.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"publishing: {args.accounts * per_account} posts over {args.accounts} accounts, {args.rounds} interleaved rounds")
    for name in ("govpost", "bare"):
        print(f"  {name:<8} {min(times[name]):7.2f} / {med[name]:7.2f} s (min / median); "
              f"{sum(calls[name].values())} calls: {dict(sorted(calls[name].items()))}")
        print(f"  {'':<8} thread CPU {min(cpu[name]):.2f} / {cpu_med[name]:.2f} s (min / median)")
    print(f"  govpost  {sql['statements'] / args.accounts:.1f} SQL statements, {sql['transactions'] / args.accounts:.1f} "
          f"transactions (BEGIN, SQLite) a bundle of {per_account}")
    print(f"  ratio    {med['govpost'] / med['bare']:7.2f}  (target <= 1.5); thread CPU "
          f"{cpu_med['govpost'] / cpu_med['bare']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
