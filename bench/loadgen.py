"""A small HTTP/1.1 load generator on asyncio (standard library only), for 127.0.0.1, and
a driver for wrk.

Three measurements:

``fixed_rate(port, paths, rate, duration)``
    Sends requests on a fixed schedule (``rate`` per second), whatever the server's speed,
    over a pool of keep-alive connections. Latency is counted from the *scheduled* send time,
    so a server that falls behind shows it in the numbers (no coordinated omission).

``closed_loop(port, paths, concurrency, duration)``
    ``concurrency`` connections each send the next request as soon as the previous answer is
    in: the server's throughput (requests/s).

``wrk_loop(port, paths, concurrency, duration)``
    The same closed loop run by wrk (C, one thread: ``wrk -t1 -c<concurrency>`` with
    bench/wrk.lua cycling through the paths). A Python client costs about as much CPU per
    request as a cheap page does to serve, so on a 2-core machine the asyncio loop takes a
    large share of the server's CPU and understates its throughput; wrk takes far less.
    ``have_wrk()`` says whether it is installed; bench/run.py falls back to ``closed_loop``
    (and says so) when it is not.

Paths are taken in turn from the list given. Every response must be 200 (2xx for wrk); others
are counted as errors. Loops are bounded in count and time.
"""

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

MAX_CONNECTIONS = 64  # requests outstanding at once; more are counted as errors, not sent
DRAIN_SECONDS = 15  # how long a fixed-rate run waits for answers after its last send
WRK = os.environ.get("BENCH_WRK", "wrk")
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk.lua"


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    requests: int | None = None  # wrk counts requests but keeps no list of latencies
    tool: str = "python"
    wrk: dict = field(default_factory=dict)  # wrk's own summary (bench/wrk.lua's done())

    def error(self, kind: str):
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def count(self):
        return len(self.latencies_ms) if self.requests is None else self.requests

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    @property
    def rps(self):
        return self.count / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def mean(self):
        return statistics.fmean(self.latencies_ms) if self.latencies_ms else float("nan")


class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, path: str) -> int:
        """GET ``path``; returns the status. Reconnects when the server closed the socket."""
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                self.writer.write(
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n"
                    "Accept-Language: zh-hans\r\n\r\n".encode()
                )
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> int:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _fixed_rate(port, paths, rate, duration):
    result = Result()
    idle: list[Connection] = []
    opened = 0
    total = int(rate * duration)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(i, scheduled):
        nonlocal opened
        if idle:
            connection = idle.pop()
        elif opened < MAX_CONNECTIONS:
            opened += 1
            connection = Connection(port)
        else:
            result.error(f"over {MAX_CONNECTIONS} requests outstanding")
            return
        try:
            status = await connection.request(paths[i % len(paths)])
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            result.error(type(exc).__name__)
            connection.close()
            idle.append(connection)
            return
        result.latencies_ms.append((loop.time() - scheduled) * 1000)
        if status != 200:
            result.error(f"HTTP {status}")
        idle.append(connection)

    tasks = []
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, scheduled)))
    _, pending = await asyncio.wait(tasks, timeout=DRAIN_SECONDS)
    for task in pending:  # the server fell too far behind: these count as errors
        task.cancel()
        result.error(f"no answer {DRAIN_SECONDS} s after the last send")
    result.elapsed_s = loop.time() - start
    for connection in idle:
        connection.close()
    return result


async def _closed_loop(port, paths, concurrency, duration):
    result = Result()
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + duration
    counter = iter(range(10**9))

    async def worker():
        connection = Connection(port)
        while loop.time() < deadline:
            i = next(counter)
            sent = loop.time()
            try:
                status = await connection.request(paths[i % len(paths)])
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                result.error(type(exc).__name__)
                connection.close()
                continue
            result.latencies_ms.append((loop.time() - sent) * 1000)
            if status != 200:
                result.error(f"HTTP {status}")
        connection.close()

    workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
    _, pending = await asyncio.wait(workers, timeout=duration + DRAIN_SECONDS)
    for task in pending:
        task.cancel()
        result.error(f"no answer {DRAIN_SECONDS} s after the end")
    result.elapsed_s = loop.time() - start
    return result


async def _each_once(port, paths, concurrency):
    result = Result()
    loop = asyncio.get_running_loop()
    start = loop.time()
    pending = iter(paths)

    async def worker():
        connection = Connection(port)
        for path in pending:
            try:
                status = await connection.request(path)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                result.error(type(exc).__name__)
                connection.close()
                continue
            if status != 200:
                result.error(f"HTTP {status}")
        connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed_s = loop.time() - start
    return result


def each_once(port: int, paths: list[str], concurrency: int) -> Result:
    """Request every path of the list once, ``concurrency`` at a time (to warm caches up)."""
    return asyncio.run(_each_once(port, paths, concurrency))


def fixed_rate(port: int, paths: list[str], rate: float, duration: float) -> Result:
    return asyncio.run(_fixed_rate(port, paths, rate, duration))


def closed_loop(port: int, paths: list[str], concurrency: int, duration: float) -> Result:
    return asyncio.run(_closed_loop(port, paths, concurrency, duration))


def have_wrk() -> bool:
    return shutil.which(WRK) is not None


def wrk_loop(port: int, paths: list[str], concurrency: int, duration: float) -> Result:
    """Closed-loop throughput measured by wrk (one thread, ``concurrency`` connections)."""
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        done = subprocess.run(
            [WRK, "-t1", f"-c{concurrency}", f"-d{max(1, round(duration))}s", "--timeout", "10s",
             "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}/"],
            env=dict(os.environ, WRK_PATHS=listing.name),
            capture_output=True, text=True, timeout=duration + 60,
        )  # fmt: skip
    finally:
        os.unlink(listing.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (exit {done.returncode}): {done.stderr or done.stdout}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    result = Result(
        requests=data["requests"], elapsed_s=data["duration_us"] / 1e6, tool="wrk", wrk=data
    )
    for kind in ("connect", "read", "write", "timeout"):
        if data[kind]:
            result.errors[f"wrk {kind} errors"] = data[kind]
    if data["non2xx"]:
        result.errors["not 2xx"] = data["non2xx"]
    return result


def wait_until_up(port: int, path: str, timeout: float = 60) -> None:
    async def probe():
        connection = Connection(port)
        try:
            return await connection.request(path)
        finally:
            connection.close()

    deadline = time.monotonic() + timeout
    status = None
    while True:
        try:
            status = asyncio.run(probe())
            if status == 200:
                return
        except OSError as exc:
            status = exc
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not answer 200 in {timeout} s (last: {status})")
        time.sleep(0.3)


def wait_until_idle(port: int, path: str, *, under_ms: float = 50, timeout: float = 180) -> float:
    """Wait until ``path`` answers under ``under_ms`` three times in a row: the requests an
    overloaded run left queued in the server are done. Returns the seconds waited."""

    async def timed():
        connection = Connection(port)
        try:
            sent = time.perf_counter()
            await connection.request(path)
            return (time.perf_counter() - sent) * 1000
        finally:
            connection.close()

    started = time.monotonic()
    fast = 0
    while fast < 3:
        fast = fast + 1 if asyncio.run(timed()) < under_ms else 0
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"the server stayed busy for {timeout} s")
        time.sleep(0.2)
    return time.monotonic() - started
