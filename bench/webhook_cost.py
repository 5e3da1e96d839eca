"""What one webhook request costs in CPU, govpost's handler against the bare Flask app's.

    .venv/bin/python bench/webhook_cost.py               # CPU time per request (a few seconds)
    .venv/bin/python bench/webhook_cost.py --callgrind   # instructions per request (minutes)

On a 2-core machine the webhook is CPU-bound, so the ratio of CPU per request predicts the
throughput ratio of `bench/webhook_bench.py` without depending on what else the machine is
doing: the CPU time a thread spends is barely moved by other load (the wall clock is), and
valgrind's instruction counts not at all.

Each app is the WSGI callable gunicorn serves (`create_app` with the shipped settings over a
fresh SQLite file, and `bench.bare_flask:app`), called in this one thread with requests
signed beforehand, every one with its own nonce and MsgId. Scenarios: a citizen's text, a
staff member's `队列` and `查看 1` (the post written through the webhook first), and safe
mode (AES) with `查看 1` and `队列` in turn, as in the wrk benchmark.

What the WSGI call leaves out is common to both apps: gunicorn's HTTP parsing and writing
and the load generator. `--server` measures it: the bare app under the shipped gunicorn
settings, driven by wrk for a few seconds, and the CPU its workers and wrk used (from /proc
and getrusage, not the clock) divided by the requests answered. The predicted throughput
ratio is then (server + bare) ÷ (server + govpost), CPU per request on both sides.

--callgrind runs each measure twice under `valgrind --tool=callgrind`, with WARM + N and
WARM + 2N requests, and divides the difference by N: start-up and warm-up cancel out.

--calls counts the Python functions and the C functions called per request (sys.setprofile):
exact, the same on any machine and at any load, and in minutes less than callgrind; a proxy
for CPU, not a measure of it (a call into SQLite or OpenSSL counts one, however long it takes).
--calls-by-part says where a scenario's Python calls are made: under which of govpost's own
functions (up to five deep below the webhook's view, the standard library looked through) and
in which library, or in Flask and werkzeug around the view.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.webhook_bench import STAFF, _govpost_env, openid, prepare  # noqa: E402
from publisher.sandbox.crypto import build_text_message, encrypt, sign  # noqa: E402
from publisher.settings import SANDBOX_AES_KEY, SANDBOX_APPID, SANDBOX_TOKEN  # noqa: E402

# scenario: (message mode, what is said; a list is said in turn)
SCENARIOS = {
    "citizen": ("plain", None),
    "staff 队列": ("plain", ["队列"]),
    "staff 查看 1": ("plain", ["查看 1"]),
    "safe staff": ("safe", ["查看 1", "队列"]),
}
WARM = 30


def requests_for(scenario: str, count: int, start: int = 0) -> list[tuple[str, bytes]]:
    """(query string, body) of `count` requests, each with its own nonce and MsgId."""
    mode, texts = SCENARIOS[scenario]
    timestamp = str(int(time.time()))
    made = []
    for i in range(start, start + count):
        if texts is None:
            sender, content = f"oCitizen{i:020d}", "你好，请问低保怎么申请？"
        else:
            sender, content = openid(i % STAFF), texts[i % len(texts)]
        xml = build_text_message("gh_govpost", sender, content, msg_id=10**15 + i, create_time=int(timestamp))
        nonce = f"{i:x}n{len(scenario)}"
        query = f"signature={sign(SANDBOX_TOKEN, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}&openid={sender}"
        body = xml
        if mode == "safe":
            encrypted = encrypt(SANDBOX_AES_KEY, SANDBOX_APPID, xml)
            query += f"&encrypt_type=aes&msg_signature={sign(SANDBOX_TOKEN, timestamp, nonce, encrypted)}"
            body = f"<xml><ToUserName><![CDATA[gh_govpost]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        made.append((query, body.encode("utf-8")))
    return made


def environ(query: str, body: bytes) -> dict:
    """The WSGI environ gunicorn hands the app for one POST."""
    return {
        "REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": "/wechat", "QUERY_STRING": query,
        "CONTENT_TYPE": "text/xml", "CONTENT_LENGTH": str(len(body)), "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def call(app, query: str, body: bytes) -> bytes:
    status = []
    chunks = app(environ(query, body), lambda s, headers, exc_info=None: status.append(s))
    try:
        data = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    if not status[0].startswith("200"):
        raise RuntimeError(f"{status[0]}: {data[:300]!r}")
    return data


def build_app(which: str, scenario: str, tmp: Path):
    """The WSGI app and the requests it will be sent."""
    mode = SCENARIOS[scenario][0]
    if which == "bare":
        os.environ["BENCH_TOKEN"] = SANDBOX_TOKEN
        from bench.bare_flask import app

        return app
    aes_key = SANDBOX_AES_KEY if mode == "safe" else ""
    url = f"sqlite:///{tmp}/cost-{abs(hash(scenario)) & 0xffffff:x}.db"
    prepare(url, aes_key)
    os.environ.update(_govpost_env(url, aes_key))
    from bot.app import create_app
    from publisher.runtime import Runtime
    from publisher.settings import load_settings

    app = create_app(Runtime.build(load_settings()))
    _seed_post(app, mode)
    return app


def _seed_post(app, mode: str) -> None:
    """Post 1, written by member 0 through the webhook, as in bench/webhook_bench.py."""
    timestamp = str(int(time.time()))
    for n, text in enumerate(("投稿 #乡村振兴 合作社分红大会召开", "今天上午，村合作社召开分红大会，全体社员参加。", "完成")):
        xml = build_text_message("gh_govpost", openid(0), text, msg_id=10**14 + n, create_time=int(timestamp))
        nonce = f"seed{n}"
        query = f"signature={sign(SANDBOX_TOKEN, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}"
        body = xml
        if mode == "safe":
            encrypted = encrypt(SANDBOX_AES_KEY, SANDBOX_APPID, xml)
            query += f"&encrypt_type=aes&msg_signature={sign(SANDBOX_TOKEN, timestamp, nonce, encrypted)}"
            body = f"<xml><ToUserName><![CDATA[gh_govpost]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        call(app, query, body.encode("utf-8"))


def cpu_per_request(which: str, scenario: str, count: int, batches: int, tmp: Path) -> float:
    """Seconds of this thread's CPU per request: the median over `batches` batches."""
    app = build_app(which, scenario, tmp)
    sent = requests_for(scenario, WARM + count * batches)
    for query, body in sent[:WARM]:
        call(app, query, body)
    costs = []
    for b in range(batches):
        batch = sent[WARM + b * count: WARM + (b + 1) * count]
        started = time.thread_time()
        for query, body in batch:
            call(app, query, body)
        costs.append((time.thread_time() - started) / count)
    return statistics.median(costs)


def calls_per_request(which: str, scenario: str, count: int, tmp: Path) -> tuple[float, float]:
    """(Python calls, C calls) per request, counted over `count` requests after the warm-up."""
    counted = {"call": 0, "c_call": 0}

    def profile(_frame, event, _arg):
        if event in counted:
            counted[event] += 1

    _answer_under_profile(which, scenario, count, tmp, profile)
    return counted["call"] / count, counted["c_call"] / count


def _answer_under_profile(which: str, scenario: str, count: int, tmp: Path, profile) -> None:
    """`count` requests answered by a warmed-up app with `profile` as sys.setprofile's function."""
    app = build_app(which, scenario, tmp)
    sent = requests_for(scenario, WARM + count)
    for query, body in sent[:WARM]:
        call(app, query, body)
    sys.setprofile(profile)
    try:
        for query, body in sent[WARM:]:
            call(app, query, body)
    finally:
        sys.setprofile(None)


_OURS = tuple(str(ROOT / folder) + os.sep for folder in ("bot", "publisher", "stats"))
_VIEW = (str(ROOT / "bot" / "webhook.py"), "wechat")
DEPTH = 5  # govpost's own functions named below the view, at most


def _frame_name(code) -> str:
    path = code.co_filename
    if path.startswith(_OURS):
        return f"{Path(path).stem}.{code.co_name}"
    site = path.split("site-packages" + os.sep, 1)
    return (site[1].split(os.sep, 1)[0] if len(site) == 2 else Path(path).stem).removesuffix(".py")


def calls_by_part(scenario: str, count: int, tmp: Path) -> dict[str, float]:
    """Python calls per request, by the part of the request they are made in."""
    from collections import Counter

    parts: Counter = Counter()

    def profile(frame, event, _arg):
        if event != "call":
            return
        codes = []
        while frame is not None:
            codes.append(frame.f_code)
            frame = frame.f_back
        codes.reverse()
        view = next((i for i, code in enumerate(codes) if (code.co_filename, code.co_name) == _VIEW), None)
        if view is None:
            parts["Flask and werkzeug, around the view"] += 1
            return
        names = []
        for code in codes[view + 1:]:
            ours = code.co_filename.startswith(_OURS)
            if not ours and "site-packages" not in code.co_filename:
                continue  # the standard library (contextlib's wrappers): look through it
            names.append(_frame_name(code))
            if not ours or len(names) == DEPTH:
                break
        parts[" > ".join(["webhook.wechat", *names])] += 1

    _answer_under_profile("govpost", scenario, count, tmp, profile)
    return {part: n / count for part, n in parts.items()}


def print_calls_by_part(scenarios: list[str], count: int) -> int:
    with tempfile.TemporaryDirectory(prefix="govpost-cost-") as tmp:
        for scenario in scenarios:
            parts = calls_by_part(scenario, count, Path(tmp))
            print(f"{scenario}: {sum(parts.values()):.0f} Python calls a request ({count} requests after {WARM}), "
                  f"by part (those of 5 or more)")
            for part, calls in sorted(parts.items(), key=lambda item: -item[1]):
                if calls >= 5:
                    print(f"  {calls:6.0f}  {part}")
    return 0


def child(which: str, scenario: str, count: int) -> None:
    """Under callgrind: start, warm up, answer `count` requests, exit."""
    with tempfile.TemporaryDirectory(prefix="govpost-cost-") as tmp:
        app = build_app(which, scenario, Path(tmp))
        sent = requests_for(scenario, WARM + count)
        for query, body in sent:
            call(app, query, body)
    sys.stdout.flush()
    os._exit(0)


def server_cpu_per_request(seconds: float, tmp: Path) -> float:
    """CPU seconds per request of the bare app behind gunicorn, wrk included, less the bare
    app's own WSGI call: what any webhook on this server costs on top of its handler."""
    import resource

    from bench.webhook_bench import Scenario, Server, signed_requests, wrk

    server = Server("bench.bare_flask:app", {"BENCH_TOKEN": SANDBOX_TOKEN})
    try:
        file = tmp / "server-requests.txt"
        signed_requests(file, Scenario("citizen", "plain", "sqlite", 8), int(8000 * seconds), 0)
        wrk(server.url, file, 8, 1)  # warm-up
        workers = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
        before = sum(_cpu_of(pid) for pid in workers), resource.getrusage(resource.RUSAGE_CHILDREN)
        answered = wrk(server.url, file, 8, seconds)["requests"]
        after = sum(_cpu_of(pid) for pid in workers), resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        server.stop()
    load_generator = (after[1].ru_utime + after[1].ru_stime) - (before[1].ru_utime + before[1].ru_stime)
    return (after[0] - before[0] + load_generator) / answered


def _cpu_of(pid: str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_TOTAL = re.compile(rb"^(?:summary|totals):\s+(\d+)", re.M)


def instructions(which: str, scenario: str, count: int, tmp: Path) -> int:
    out = tmp / f"callgrind.{which}.{count}.out"
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-instr=no", "--compress-strings=no",
         sys.executable, __file__, "--child", which, scenario, str(count)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return int(_TOTAL.search(out.read_bytes()).group(1))


def instructions_per_request(which: str, scenario: str, count: int, tmp: Path) -> float:
    return (instructions(which, scenario, 2 * count, tmp) - instructions(which, scenario, count, tmp)) / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callgrind", action="store_true", help="instructions per request under valgrind")
    parser.add_argument("--calls", action="store_true", help="Python and C function calls per request")
    parser.add_argument("--calls-by-part", action="store_true", help="where a request's Python calls are made")
    parser.add_argument("--count", type=int, help="requests per batch (CPU time: 300; callgrind: 100)")
    parser.add_argument("--batches", type=int, default=5, help="CPU time: batches, the median is taken")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="only these (repeatable)")
    parser.add_argument("--server", action="store_true",
                        help="also measure gunicorn's and wrk's CPU per request and predict the wrk ratio")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    if args.calls_by_part:
        return print_calls_by_part(args.scenario or list(SCENARIOS), args.count or 100)
    if args.calls:
        return print_calls(args.scenario or list(SCENARIOS), args.count or 100)
    unit = "instructions" if args.callgrind else "CPU µs"
    count = args.count or (100 if args.callgrind else 300)
    print(f"webhook cost per request ({unit}; one thread, the WSGI call, no HTTP server); "
          f"load average {load}; ratio = bare ÷ govpost")
    bare: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="govpost-cost-") as tmp:
        tmp = Path(tmp)
        server = None
        if args.server:
            bare_plain = cpu_per_request("bare", "citizen", count, args.batches, tmp) * 1e6
            server = server_cpu_per_request(4, tmp) * 1e6 - bare_plain
            print(f"  server (gunicorn + wrk, CPU per request beside the bare app's {bare_plain:.0f} µs): "
                  f"{server:.0f} µs")
        for scenario in args.scenario or SCENARIOS:
            mode = SCENARIOS[scenario][0]
            if args.callgrind:
                ours = instructions_per_request("govpost", scenario, count, tmp)
                if mode not in bare:
                    bare[mode] = instructions_per_request("bare", scenario, count, tmp)
                figure = f"govpost {ours / 1e6:8.2f} M | bare {bare[mode] / 1e6:6.2f} M"
            else:
                ours = cpu_per_request("govpost", scenario, count, args.batches, tmp) * 1e6
                if mode not in bare:
                    bare[mode] = cpu_per_request("bare", scenario, count, args.batches, tmp) * 1e6
                figure = f"govpost {ours:8.0f} µs | bare {bare[mode]:6.0f} µs"
            predicted = ""
            if server is not None and not args.callgrind:
                predicted = f" | predicted wrk ratio {(server + bare[mode]) / (server + ours):5.3f}"
            print(f"  {scenario:<14} {figure} | ratio {bare[mode] / ours:5.3f}{predicted}", flush=True)
    return 0


def print_calls(scenarios: list[str], count: int) -> int:
    print(f"webhook calls per request (Python functions, C functions; {count} requests after {WARM})")
    with tempfile.TemporaryDirectory(prefix="govpost-cost-") as tmp:
        bare = {}
        for scenario in scenarios:
            mode = SCENARIOS[scenario][0]
            python, c = calls_per_request("govpost", scenario, count, Path(tmp))
            if mode not in bare:
                bare[mode] = calls_per_request("bare", scenario, count, Path(tmp))
            print(f"  {scenario:<14} govpost {python:6.0f} Python, {c:6.0f} C | bare {bare[mode][0]:4.0f} Python, "
                  f"{bare[mode][1]:4.0f} C", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
