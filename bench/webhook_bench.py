"""Benchmark: govpost's webhook against a bare Flask app that only checks the signature.

    .venv/bin/python bench/webhook_bench.py            # the full matrix (about 6 minutes)
    .venv/bin/python bench/webhook_bench.py --quick    # SQLite, plain mode, short rounds (CI)
    .venv/bin/python bench/webhook_bench.py --memory   # worker RSS after 10k/20k/30k requests
    .venv/bin/python bench/webhook_bench.py --slow-sandbox   # every WeChat call takes 3 s

Both apps run under the same gunicorn settings (`bot/gunicorn.conf.py`: 2 workers × 4
threads, gthread), each in its own server process; the load comes from `wrk` (a second
process) replaying requests signed beforehand, every one with its own nonce and MsgId, as
WeChat sends them. Rounds are interleaved (govpost, bare, govpost, bare, …) so that load
from other work on the machine hits both alike; the ratio is govpost ÷ bare. A citizen's
message on SQLite in plain mode is also sent to `bench/bare_store.py` in the same rounds:
bare Flask that keeps the message exactly once, the floor of any webhook that may lose
nothing (its ratio to the bare app, and govpost's to it, are printed beside).

Scenarios: a citizen's text (the auto-reply), a staff member's command (`查看 1` and `队列`
in turn, from 32 different bound members), in plain and safe (AES) mode, on SQLite and on
PostgreSQL, with 8 and 32 connections. `--slow-sandbox`: govpost talks to the sandbox WeChat
API with every call made 3 s slow, and staff send commands whose reply needs no WeChat call
(`查看 1`, `队列`) or whose work goes to the background (`预览 1`). Every figure is printed with min and median over the
rounds; the process exits 0 unless the benchmark itself breaks (never on a slow machine).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publisher.sandbox.crypto import build_text_message, encrypt, sign  # noqa: E402
from publisher.settings import SANDBOX_AES_KEY, SANDBOX_APPID, SANDBOX_TOKEN  # noqa: E402

BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "bot" / "gunicorn.conf.py"
STAFF = 32
WRK_SCRIPT = ROOT / "bench" / "replay.lua"


@dataclass(frozen=True)
class Scenario:
    who: str  # "citizen" | "staff" | "preview" (staff asking for 预览, whose work is WeChat calls)
    mode: str  # "plain" | "safe"
    database: str  # "sqlite" | "postgresql"
    connections: int

    @property
    def label(self) -> str:
        return f"{self.who:<7} {self.mode:<5} {self.database:<10} c={self.connections:<2}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openid(n: int) -> str:
    return f"oBench{n:022d}"


class Server:
    """A gunicorn process serving `app` with the shipped configuration."""

    def __init__(self, app: str, env: dict[str, str]):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{self.port}", app],
            cwd=ROOT, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        # Answering, not only listening: gunicorn's master listens at once, and on a busy machine
        # its workers may take more than the first request's 10 s timeout to import the app.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{app} did not start: {Path(self.log.name).read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
                    conn.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if conn.recv(16).startswith(b"HTTP/"):
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{app} did not answer within 180 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_rss_mb(self) -> list[float]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.unlink(self.log.name)


class Database:
    """A fresh govpost database: a SQLite file, or a PostgreSQL database of its own."""

    def __init__(self, kind: str, tmp: Path, postgres: str):
        from sqlalchemy import create_engine, text
        from publisher.db import database_url

        self.kind, self.admin, self.name = kind, None, None
        if kind == "postgresql":
            self.name = f"govpost_bench_{uuid.uuid4().hex[:8]}"
            self.admin = create_engine(database_url(postgres), isolation_level="AUTOCOMMIT")
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
            self.url = database_url(postgres).set(database=self.name).render_as_string(hide_password=False)
        else:
            self.url = f"sqlite:///{tmp}/bench-{uuid.uuid4().hex[:6]}.db"

    def drop(self) -> None:
        from sqlalchemy import text

        if self.admin is not None:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.admin.dispose()


def prepare(url: str, aes_key: str) -> None:
    """Migrate and bind STAFF admins."""
    from publisher.services.accounts import account_by_name, sync_accounts
    from publisher.services.audit import CLI
    from publisher.db import transaction
    from publisher.migrate import upgrade
    from publisher.runtime import Runtime
    from publisher.settings import load_settings
    from publisher.services.staff import bind, invite, invite_key

    runtime = Runtime.build(load_settings(environ=_govpost_env(url, aes_key)))
    upgrade(runtime.engine)
    with transaction(runtime.session_factory) as session:
        sync_accounts(session, runtime.settings, runtime.clock)
        account = account_by_name(session, "default")
        key = invite_key(runtime.settings)
        for n in range(STAFF):
            code = invite(session, account, f"员工{n}", "admin", clock=runtime.clock, actor=CLI, key=key).code
            bind(session, account, openid(n), code, clock=runtime.clock, actor=CLI, key=key)
    runtime.engine.dispose()


def _govpost_env(url: str, aes_key: str, api_base: str = "http://127.0.0.1:9/") -> dict[str, str]:
    env = {"GOVPOST_DATABASE_URL": url, "WECHAT_TOKEN": SANDBOX_TOKEN, "WECHAT_AES_KEY": aes_key,
           "GOVPOST_CONFIG": str(ROOT / "config" / "govpost.example.toml"),
           "GOVPOST_WECHAT_API_BASE": api_base}
    return env


def signed_requests(path: Path, scenario: Scenario, count: int, start: int) -> None:
    """`count` requests, one a line: query, tab, body; each with its own nonce and MsgId."""
    timestamp = str(int(time.time()))
    lines = []
    for i in range(start, start + count):
        if scenario.who == "citizen":
            sender, content = f"oCitizen{i:020d}", "你好，请问低保怎么申请？"
        elif scenario.who == "preview":
            sender, content = openid(i % STAFF), "预览 1"
        else:
            sender, content = openid(i % STAFF), ("查看 1" if i % 2 else "队列")
        xml = build_text_message("gh_govpost", sender, content, msg_id=10**15 + i, create_time=int(timestamp))
        nonce = f"{i:x}n{uuid.uuid4().hex[:8]}"
        query = f"signature={sign(SANDBOX_TOKEN, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}&openid={sender}"
        body = xml
        if scenario.mode == "safe":
            encrypted = encrypt(SANDBOX_AES_KEY, SANDBOX_APPID, xml)
            query += f"&encrypt_type=aes&msg_signature={sign(SANDBOX_TOKEN, timestamp, nonce, encrypted)}"
            body = f"<xml><ToUserName><![CDATA[gh_govpost]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        lines.append(f"/wechat?{query}\t{body}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def wrk(url: str, requests_file: Path, connections: int, seconds: float) -> dict:
    threads = min(2, connections)
    env = {**os.environ, "BENCH_REQUESTS": str(requests_file), "BENCH_THREADS": str(threads)}
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{int(seconds)}s", "--timeout", "10s",
         "-s", str(WRK_SCRIPT), url], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed: {out.stderr or out.stdout}")
    line = next(l for l in out.stdout.splitlines() if l.startswith("BENCH "))
    return json.loads(line[len("BENCH "):])


@dataclass
class Rounds:
    rps: list[float]
    p99: list[float]
    worst: list[float]
    errors: list[int]

    def add(self, result: dict, seconds: float) -> None:
        self.rps.append(result["requests"] / (result["duration_us"] / 1e6))
        self.p99.append(result["p99_us"] / 1000)
        self.worst.append(result["max_us"] / 1000)
        self.errors.append(result["errors"])


def _new_rounds() -> Rounds:
    return Rounds([], [], [], [])


def run_matrix(scenarios: list[Scenario], rounds: int, seconds: float, postgres: str) -> list[tuple]:
    results = []
    with tempfile.TemporaryDirectory(prefix="govpost-bench-") as tmp:
        tmp = Path(tmp)
        groups: dict[tuple[str, str], list[Scenario]] = {}
        for s in scenarios:
            groups.setdefault((s.database, s.mode), []).append(s)
        for (database, mode), group in groups.items():
            aes_key = SANDBOX_AES_KEY if mode == "safe" else ""
            db = Database(database, tmp, postgres)
            servers = []
            try:
                prepare(db.url, aes_key)
                govpost = Server("bot.wsgi:app", _govpost_env(db.url, aes_key))
                bare = Server("bench.bare_flask:app", {"BENCH_TOKEN": SANDBOX_TOKEN})
                servers = [govpost, bare]
                # The floor of an exactly-once webhook (bench/bare_store.py), where it is one.
                store = (Server("bench.bare_store:app", {"BENCH_TOKEN": SANDBOX_TOKEN,
                                                         "BENCH_DATABASE": str(tmp / "bare-store.db")})
                         if (database, mode) == ("sqlite", "plain") else None)
                servers += [store] if store else []
                _seed_post(govpost.url, mode)
                for scenario in group:
                    apps = [("govpost", govpost), ("bare", bare)]
                    apps += [("store", store)] if store and scenario.who == "citizen" else []
                    measured = {name: _new_rounds() for name, _ in apps}
                    serial = 0
                    wanted = int(3000 * seconds)  # more than either app answers in a round
                    for _ in range(rounds):
                        for name, server in apps:
                            file = tmp / f"requests-{name}.txt"
                            signed_requests(file, scenario, wanted, serial)
                            serial += wanted
                            measured[name].add(wrk(server.url, file, scenario.connections, seconds), seconds)
                    results.append((scenario, measured["govpost"], measured["bare"]))
                    _print_result(scenario, measured["govpost"], measured["bare"], rounds, measured.get("store"))
            finally:
                for server in servers:
                    server.stop()
                db.drop()
    return results


def _seed_post(url: str, mode: str) -> None:
    """Post 1, written by member 0 through the webhook as any post is."""
    from types import SimpleNamespace

    from publisher.sandbox.crypto import decrypt_reply, wechat_post

    account = SimpleNamespace(appid=SANDBOX_APPID, token=SANDBOX_TOKEN, aes_key=SANDBOX_AES_KEY if mode == "safe" else "")
    for text in ("投稿 #乡村振兴 合作社分红大会召开", "今天上午，村合作社召开分红大会，全体社员参加。", "完成"):
        reply = wechat_post(url + "/wechat", build_text_message("gh_govpost", openid(0), text), account,
                            mode=mode, timeout=10)
        reply.raise_for_status()
        decrypt_reply(reply, account)


def _print_result(scenario: Scenario, ours: Rounds, bare: Rounds, rounds: int, store: Rounds | None = None) -> None:
    med = statistics.median
    ratio = med(ours.rps) / med(bare.rps)
    floor = (f" | store {min(store.rps):5.0f}/{med(store.rps):5.0f} req/s (÷ bare {med(store.rps) / med(bare.rps):5.3f}),"
             f" govpost ÷ store {med(ours.rps) / med(store.rps):5.3f}") if store else ""
    print(f"  {scenario.label}  govpost {min(ours.rps):7.0f}/{med(ours.rps):7.0f} req/s "
          f"p99 {med(ours.p99):6.0f} ms worst {max(ours.worst):6.0f} ms err {sum(ours.errors)} | "
          f"bare {min(bare.rps):7.0f}/{med(bare.rps):7.0f} req/s p99 {med(bare.p99):5.0f} ms | "
          f"ratio {ratio:5.3f}{floor}", flush=True)


def run_memory(seconds_per_step: float) -> None:
    """RSS of govpost's and the bare app's workers once 10k, 20k and 30k requests are answered
    (counted in whole rounds of `seconds_per_step`, so a little past each mark)."""
    scenario = Scenario("staff", "plain", "sqlite", 8)
    with tempfile.TemporaryDirectory(prefix="govpost-bench-") as tmp:
        tmp = Path(tmp)
        db = Database("sqlite", tmp, "")
        prepare(db.url, "")
        servers = {"govpost": Server("bot.wsgi:app", _govpost_env(db.url, "")),
                   "bare": Server("bench.bare_flask:app", {"BENCH_TOKEN": SANDBOX_TOKEN})}
        try:
            _seed_post(servers["govpost"].url, "plain")
            for name, server in servers.items():
                done, serial, marks = 0, 0, []
                for target in (10_000, 20_000, 30_000):
                    while done < target:
                        file = tmp / "requests.txt"
                        signed_requests(file, scenario, 4000 * seconds_per_step, serial)
                        serial += 4000 * seconds_per_step
                        done += wrk(server.url, file, 8, seconds_per_step)["requests"]
                    marks.append(f"{done / 1000:.1f}k: {' + '.join(f'{r:.1f}' for r in server.worker_rss_mb())} MB")
                print(f"  memory {name:<7} " + "; ".join(marks), flush=True)
        finally:
            for server in servers.values():
                server.stop()


SLOW_CALL = 3.0  # seconds every sandbox WeChat call takes in --slow-sandbox


class SlowSandbox:
    """`govpost sandbox` in its own process, every API call (tokens included) held SLOW_CALL
    seconds by the sandbox's own delay faults."""

    def __init__(self, url: str):
        import requests

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [str(BIN / "govpost"), "sandbox", "--port", str(self.port)], cwd=ROOT,
            env={**os.environ, **_govpost_env(url, "")}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(self.url + "sandbox/state", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the sandbox did not start")
                time.sleep(0.2)
        # "*" is every API but the two token endpoints, which get their own rules.
        for path in ("*", "cgi-bin/token", "cgi-bin/stable_token"):
            requests.post(self.url + "sandbox/faults", json={"path": path, "delay": SLOW_CALL, "times": 10**6},
                          timeout=5).raise_for_status()

    def calls(self) -> dict:
        import requests

        return requests.get(self.url + "sandbox/state", timeout=5).json().get("calls", {})

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)


def run_slow_sandbox(rounds: int, seconds: float, connections: int) -> None:
    """Reply times while every WeChat call takes SLOW_CALL seconds: far from WeChat's 5 s when
    nothing on the reply path waits for WeChat."""
    print(f"webhook, sandbox WeChat API {SLOW_CALL:g} s a call: {rounds} rounds of {seconds:g} s, "
          f"SQLite, plain mode, c={connections}; p99 median, worst over all rounds; WeChat's limit 5000 ms")
    with tempfile.TemporaryDirectory(prefix="govpost-bench-") as tmp:
        tmp = Path(tmp)
        db = Database("sqlite", tmp, "")
        prepare(db.url, "")
        sandbox = SlowSandbox(db.url)
        govpost = Server("bot.wsgi:app", _govpost_env(db.url, "", sandbox.url))
        try:
            _seed_post(govpost.url, "plain")
            serial = 0
            for who, label in (("staff", "查看/队列 (no WeChat call)"), ("preview", "预览 (background WeChat calls)")):
                scenario = Scenario(who, "plain", "sqlite", connections)
                measured = _new_rounds()
                before = sum(sandbox.calls().values())
                for _ in range(rounds):
                    file = tmp / "requests.txt"
                    wanted = int(3000 * seconds)
                    signed_requests(file, scenario, wanted, serial)
                    serial += wanted
                    measured.add(wrk(govpost.url, file, connections, seconds), seconds)
                during = sum(sandbox.calls().values()) - before
                med = statistics.median
                print(f"  {label:<32} {min(measured.rps):7.0f}/{med(measured.rps):7.0f} req/s "
                      f"p99 {med(measured.p99):6.0f} ms worst {max(measured.worst):6.0f} ms "
                      f"err {sum(measured.errors)}; WeChat calls begun meanwhile: {during}", flush=True)
        finally:
            govpost.stop()
            sandbox.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="SQLite, plain mode, 2 rounds of 2 s (for CI)")
    parser.add_argument("--memory", action="store_true", help="only the worker-memory run")
    parser.add_argument("--slow-sandbox", action="store_true", help=f"only the run with WeChat {SLOW_CALL:g} s a call")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one round")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 2
    if args.memory:
        run_memory(3)
        return 0
    if args.slow_sandbox:
        run_slow_sandbox(2 if args.quick else args.rounds, 2.0 if args.quick else args.seconds, 8)
        return 0
    if args.quick:
        scenarios = [Scenario(who, "plain", "sqlite", c) for who in ("citizen", "staff") for c in (8, 32)]
        rounds, seconds = 2, 2.0
    else:
        scenarios = [Scenario(who, mode, db, c) for db in ("sqlite", "postgresql") for mode in ("plain", "safe")
                     for who in ("citizen", "staff") for c in (8, 32)]
        rounds, seconds = args.rounds, args.seconds
    print(f"webhook: {rounds} interleaved rounds of {seconds:g} s; req/s as min/median; p99 median; "
          f"worst over all rounds; ratio = median govpost ÷ median bare")
    run_matrix(scenarios, rounds, seconds, args.postgres)
    return 0


if __name__ == "__main__":
    sys.exit(main())
