"""``make bench``: chat turns side by side — A (bare FastAPI SSE), B (chatkit's ChatKitServer +
Agents SDK + in-memory store + scripted model), todochat on SQLite and on a throwaway PostgreSQL —
at c=1 and c=16, todochat with ``--workers 2``, plus the growth table (bench/growth.py). Writes
``bench/RESULTS.md``.

    .venv/bin/python bench/stack.py [--seconds 6] [--out bench/RESULTS.md] [--skip-growth]

Each turn is a ChatKit ``threads.create`` "add buy milk" (a new thread, a tool call that adds a
task, a reply; todochat also stores a task widget and journals the change). Servers are pinned to
core 0 (``--workers 2``: cores 0 and 1), the closed-loop client — raw asyncio HTTP/1.1, one
keep-alive connection per concurrent client — to the last core; PostgreSQL is not pinned. Each todochat client is its own
user. The machine may be shared: compare rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.servers import JWT_SECRET, free_port, server_env  # noqa: E402

from todochat.api.auth import issue_token  # noqa: E402
from todochat.config import Settings  # noqa: E402

BODY = json.dumps({"type": "threads.create", "params": {"input": {
    "content": [{"type": "input_text", "text": "add buy milk"}], "attachments": [], "inference_options": {}}}}).encode()
CORES = os.cpu_count() or 1
CLIENT_CORE = CORES - 1


# ----------------------------------------------------------------------------- raw client
class Conn:
    """One keep-alive HTTP/1.1 connection that POSTs ``/chatkit`` and reads the whole (chunked
    or sized) answer."""

    def __init__(self, port: int, token: str | None) -> None:
        self.port, self.token = port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def turn(self) -> bytes:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        auth = f"Authorization: Bearer {self.token}\r\n" if self.token else ""
        self.writer.write(
            f"POST /chatkit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{auth}"
            f"Content-Length: {len(BODY)}\r\n\r\n".encode() + BODY
        )
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        lower = head.lower()
        body = b""
        if b"transfer-encoding: chunked" in lower:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            length = int(lower.split(b"content-length:")[1].split(b"\r\n")[0])
            body = await self.reader.readexactly(length)
        if status != 200 or b'"type":"error"' in body:
            raise RuntimeError(f"turn failed: HTTP {status}: {body[:300]!r}")
        return body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def closed_loop(port: int, tokens: list[str | None], seconds: float, warmup: float = 1.0) -> dict[str, float]:
    """``len(tokens)`` clients each sending turns back to back for ``warmup + seconds``; only turns
    that start after the warm-up count."""
    latencies: list[float] = []
    conns = [Conn(port, t) for t in tokens]
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds

    async def client(conn: Conn) -> None:
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                return
            await conn.turn()
            if began >= measure_from:
                latencies.append(time.perf_counter() - began)

    await asyncio.gather(*(client(c) for c in conns))
    elapsed = time.perf_counter() - measure_from
    for c in conns:
        c.close()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 2 else [latencies[0]] * 99
    return {"turns": len(latencies), "tps": len(latencies) / elapsed, "p50": q[49] * 1000, "p99": q[98] * 1000}


# ----------------------------------------------------------------------------- servers
@dataclass
class Proc:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(cmd: list[str], env: dict[str, str], port: int, cores: str, log: Path) -> Proc:
    """Start ``cmd`` pinned to ``cores`` and wait until its port accepts connections."""
    out = log.open("ab")
    process = subprocess.Popen(["taskset", "-c", cores, *cmd], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 120
    import socket

    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{cmd} exited: {log.read_text()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(0.3)
                return Proc(process, port, log)
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{cmd} did not start: {log.read_text()[-2000:]}")


def floor_server(app: str, tmp: Path) -> Proc:
    port = free_port()
    env = {**os.environ, "OPENAI_AGENTS_DISABLE_TRACING": "1"}
    cmd = [sys.executable, "-m", "uvicorn", f"floor:{app}", "--app-dir", str(ROOT / "bench"),
           "--port", str(port), "--log-level", "warning", "--no-access-log"]
    return start(cmd, env, port, "0", tmp / f"{app}.log")


def todochat_server(url: str, tmp: Path, name: str, workers: int = 1, source: Path | None = None) -> Proc:
    port = free_port()
    env = server_env(url, tmp / f"data-{name}", TODOCHAT_RATE_LIMIT="1000000/second",
                     TODOCHAT_CLOCK_FIXED=None, TODOCHAT_LOG_LEVEL="WARNING")
    if source is not None:  # another checkout's code (its ``src`` first on the path)
        env["PYTHONPATH"] = str(source / "src")
    cmd = [str(Path(sys.executable).with_name("todochat")), "serve", "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    cores = "0" if workers == 1 else f"0-{CORES - 1}"
    return start(cmd, env, port, cores, tmp / f"{name}.log")


def tokens(name: str, n: int, data_dir: Path) -> list[str | None]:
    settings = Settings(jwt_secret=JWT_SECRET, data_dir=data_dir)
    return [issue_token(f"bench-{name}-{i}", settings) for i in range(n)]


# ----------------------------------------------------------------------------- main
def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min) / {five:.1f} (5 min)"


def versions() -> str:
    names = ["openai-chatkit", "openai-agents", "fastapi", "uvicorn", "sqlalchemy", "aiosqlite", "asyncpg", "pydantic"]
    found = []
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found.append(f"{name} {metadata.version(name)}")
    return ", ".join([f"Python {platform.python_version()}", *found])


def pg_version() -> str:
    from tests.pg import find_pg_bin

    bindir = find_pg_bin()
    if bindir is None:
        return "none"
    return subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True).stdout.strip()


async def measure(proc: Proc, toks: list[str | None], seconds: float) -> dict[str, float]:
    return await closed_loop(proc.port, toks, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per row (after 1 s warm-up)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout (e.g. `git archive main | tar -x -C DIR`): its todochat on SQLite as an extra row")
    args = parser.parse_args()
    cluster = None
    if not args.skip_postgres:  # started before this process pins itself: its backends float
        from tests.pg import start_cluster

        cluster = start_cluster()
    os.sched_setaffinity(0, {CLIENT_CORE})
    tmp = Path(tempfile.mkdtemp(prefix="todochat-bench-"))
    started_at = datetime.now(UTC)
    loads = [load()]
    rows: list[tuple[str, int, dict[str, float]]] = []

    def run(label: str, proc: Proc, name: str, concurrencies: tuple[int, ...] = (1, 16)) -> None:
        try:
            for c in concurrencies:
                toks = tokens(name, c, tmp) if label.startswith("todochat") else [None] * c
                result = asyncio.run(measure(proc, toks, args.seconds))
                rows.append((label, c, result))
                print(f"{label:<40} c={c:<3} {result['tps']:7.1f} turns/s  p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms", flush=True)
        finally:
            proc.stop()

    try:
        run("A: bare FastAPI SSE", floor_server("a_app", tmp), "a")
        run("B: ChatKitServer + Agents SDK, in-memory", floor_server("b_app", tmp), "b")
        sqlite_url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        if args.baseline is not None:
            base_url = f"sqlite+aiosqlite:///{tmp / 'baseline.db'}"
            run(f"todochat baseline ({args.baseline.name}), SQLite", todochat_server(base_url, tmp, "base", source=args.baseline), "base")
        run("todochat, SQLite", todochat_server(sqlite_url, tmp, "sqlite"), "sqlite")
        run("todochat, SQLite, --workers 2", todochat_server(sqlite_url, tmp, "sqlite2", 2), "sqlite2", (16,))
        loads.append(load())
        if cluster is not None:
            pg_url = cluster.create_database("bench")
            run("todochat, PostgreSQL", todochat_server(pg_url, tmp, "pg"), "pg")
            run("todochat, PostgreSQL, --workers 2", todochat_server(pg_url, tmp, "pg2", 2), "pg2", (16,))
        loads.append(load())
        b_again = floor_server("b_app", tmp)  # B once more: the load may have changed meanwhile
        run("B (again, after todochat)", b_again, "b", (16,))
        growth_md = ""
        if not args.skip_growth:
            from growth import growth_tables

            growth_md = asyncio.run(growth_tables(tmp, cluster))
        loads.append(load())
    finally:
        if cluster is not None:
            cluster.destroy()
    write_results(Path(args.out), rows, started_at, loads, growth_md, args.seconds)
    print(f"wrote {args.out}")


def write_results(out: Path, rows: list[tuple[str, int, dict[str, float]]], started_at: datetime, loads: list[str], growth_md: str, seconds: float) -> None:
    b = {c: r for label, c, r in rows if label.startswith("B:")}
    lines = [
        "# Benchmark results (`make bench`)",
        "",
        f"- date: {started_at:%Y-%m-%d %H:%M} UTC; {seconds:g} s measured per row after 1 s warm-up",
        f"- machine: {platform.machine()}, {CORES} cores ({_cpu_model()}), {platform.system()} {platform.release()}",
        f"- load average while running (other work on the machine): {'; '.join(loads)}",
        f"- versions: {versions()}; {pg_version()}",
        "- turn: ChatKit `threads.create` \"add buy milk\" (new thread, one tool call adding a task, a reply; "
        "todochat also authenticates, rate-limits, stores the thread, items and a task widget, and journals the change)",
        "- servers on core 0 (`--workers 2`: cores 0–1), the closed-loop client on the last core; "
        "PostgreSQL's own processes are not pinned (they share both cores)",
        "",
        "| server | c | turns/s | p50 ms | p99 ms | turns/s ÷ B | p50 ÷ B | p99 ÷ p50 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, c, r in rows:
        ref = b.get(c)
        ratio = f"{r['tps'] / ref['tps']:.2f}×" if ref else "–"
        p50_ratio = f"{r['p50'] / ref['p50']:.2f}×" if ref else "–"
        lines.append(f"| {label} | {c} | {r['tps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | {ratio} | {p50_ratio} | {r['p99'] / r['p50']:.1f} |")
    lines += ["", "Ratios are to B's first measurement at the same concurrency (B measured again at the end shows the drift).", ""]
    lines += targets(rows, b)
    if growth_md:
        lines += [growth_md, ""]
    out.write_text("\n".join(lines))


def targets(rows: list[tuple[str, int, dict[str, float]]], b: dict[int, dict[str, float]]) -> list[str]:
    """The issue-13 targets against this run's rows, as Markdown lines."""
    get = {(label, c): r for label, c, r in rows}
    out = ["## Targets (issue 13)", "", "| target | measured | met |", "| --- | --- | --- |"]

    def check(name: str, value: float | None, goal: float, above: bool, unit: str = "×") -> None:
        if value is None:
            return
        met = value >= goal if above else value <= goal
        out.append(f"| {name} ({'≥' if above else '≤'} {goal:g}{unit}) | {value:.2f}{unit} | {'yes' if met else 'no'} |")

    for db in ("SQLite", "PostgreSQL"):
        c16, c1, w2 = get.get((f"todochat, {db}", 16)), get.get((f"todochat, {db}", 1)), get.get((f"todochat, {db}, --workers 2", 16))
        if c16 and 16 in b:
            check(f"{db}: turns/s at c=16 ÷ B", c16["tps"] / b[16]["tps"], 1.6, True)
            check(f"{db}: p99 ÷ p50 at c=16", c16["p99"] / c16["p50"], 3, False)
        if c1 and 1 in b:
            check(f"{db}: p50 at c=1 ÷ B", c1["p50"] / b[1]["p50"], 0.7, False)
        if db == "PostgreSQL" and w2 and c16:
            check("PostgreSQL: --workers 2 ÷ one worker, c=16", w2["tps"] / c16["tps"], 1.8, True)
    out += ["", "What the profiles showed, what changed and what was tried: `bench/README.md`.", ""]
    return out


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
