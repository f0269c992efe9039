"""`make bench`: the catalogue at 100,000 measures, served by gunicorn, measured under load.

1. Builds (or reuses) the synthetic catalogue in its own SQLite file under var/bench/, keyed by
   a version string, a hash of the builder and policies.search.INDEX_FORMAT — never the real DB.
2. Serves the site from the venv with gunicorn and the production configuration
   (portal/gunicorn.conf.py, DEBUG off) on a free port of 127.0.0.1, one worker per core.
3. For a trivial Django view (bench/urls.py), a measure detail page, a filtered measure list and
   searches of 2 and 4 characters: p50/p95/p99 latency at a fixed request rate, and the
   throughput (requests/s) of a closed loop, each also as a ratio to the trivial view.
4. Prints a table, writes it to var/bench/results.md, with the machine, and runs
   bench/eligibility_bench.py when it exists, appending its output.

The load generator is bench/loadgen.py (asyncio, standard library): nothing to install.
Environment: BENCH_RATE (default 200), BENCH_SECONDS (per fixed-rate run, default 10),
BENCH_LOOP_SECONDS (per throughput run, default 6), BENCH_CONCURRENCY (default 8),
BENCH_QUICK=1 (short runs, for trying the script out).
"""

import hashlib
import json
import os
import platform
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402

VERSION = "1"  # bump to rebuild the cached catalogue
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

QUICK = os.environ.get("BENCH_QUICK") == "1"
RATE = float(os.environ.get("BENCH_RATE", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3" if QUICK else "10"))
LOOP_SECONDS = float(os.environ.get("BENCH_LOOP_SECONDS", "2" if QUICK else "6"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
# Lists and searches cost tens of ms of CPU each: 200/s of them is past what 2 cores serve
# (see their throughput), so their latency is measured at this lighter rate.
LIGHT_RATE = float(os.environ.get("BENCH_LIGHT_RATE", "20"))

WORDS_2 = ["补贴", "上市", "科技", "融资", "奖励"]
WORDS_4 = ["专精特新", "融资担保", "以旧换新", "技术改造", "高新技术"]
THREADS = "4"  # portal/gunicorn.conf.py's default
TARGETS = {"search p95 ms": 50, "detail p95 ms": 25, "detail throughput ratio": 0.15}


def catalogue_path() -> Path:
    digest = hashlib.sha256((ROOT / "bench" / "catalogue.py").read_bytes())
    search = (ROOT / "policies" / "search.py").read_text(encoding="utf-8")
    digest.update(re.search(r"^INDEX_FORMAT = .*$", search, re.MULTILINE).group().encode())
    for path in sorted((ROOT / "policies" / "migrations").glob("0*.py")):
        digest.update(path.name.encode())
    return BENCH_DIR / f"catalogue-v{VERSION}-{digest.hexdigest()[:10]}.sqlite3"


def database_url(path: Path) -> str:
    return f"sqlite:///{path}"


def build_catalogue() -> Path:
    path = catalogue_path()
    if path.exists():
        print(f"using the cached catalogue {path.relative_to(ROOT)}", flush=True)
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for old in BENCH_DIR.glob("catalogue-*.sqlite3*"):
        old.unlink()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    print(f"building the synthetic catalogue in {path.relative_to(ROOT)} …", flush=True)
    env = dict(os.environ, DATABASE_URL=database_url(building), DJANGO_DEBUG="0")
    subprocess.run([PYTHON, ROOT / "bench" / "catalogue.py"], env=env, check=True, cwd=ROOT)
    building.rename(path)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(path: Path, port: int, workers: int) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=database_url(path),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-" + hashlib.sha256(str(path).encode()).hexdigest(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_LOG_LEVEL="WARNING",
        PORTAL_BENCH="1",
        PORTAL_TODAY="2025-06-30",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_ACCESSLOG="/dev/null",
    )


def sample_paths(path: Path) -> dict[str, list[str]]:
    """The URLs of each scenario, spread over the catalogue (same seed every run)."""
    rng = random.Random(7)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    n_measures = db.execute("SELECT max(id) FROM policies_measure").fetchone()[0]
    cities = [row[0] for row in db.execute("SELECT slug FROM policies_city")]
    topics = [row[0] for row in db.execute("SELECT slug FROM policies_topic")]
    db.close()
    details = [f"/policies/measures/{rng.randint(1, n_measures)}/" for _ in range(500)]
    # Measures asked for once each, none of them among ``details``: every request renders the
    # page afresh (its parts are not in any worker's cache yet).
    seen = set(details)
    cold_rng = random.Random(8)  # its own generator: the other scenarios stay as they were
    cold = [f"/policies/measures/{pk}/" for pk in cold_rng.sample(range(1, n_measures + 1), 12_000)]
    cold = [url for url in cold if url not in seen]
    lists = []
    for _ in range(100):
        lists.append(f"/policies/measures/?city={rng.choice(cities)}&topic={rng.choice(topics)}")
        lists.append(f"/policies/measures/?topic={rng.choice(topics)}&status=in_force")
    rng.shuffle(lists)

    def search(words):
        return [f"/policies/measures/?{urlencode({'q': word})}" for word in words]

    return {
        "trivial": ["/bench/trivial"],
        "detail": details,
        "detail_cold": cold,
        "list": lists,
        "search2": search(WORDS_2),
        "search4": search(WORDS_4),
    }


def machine() -> dict:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = subprocess.run(
        [PYTHON, "-c", "import django, sqlite3, gunicorn; print(django.__version__, "
         "sqlite3.sqlite_version, gunicorn.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "django": versions[0],
        "sqlite": versions[1],
        "gunicorn": versions[2],
        "commit": commit or "?",
    }


def measure(port, paths, workers) -> list[dict]:
    plan = [
        ("trivial", "trivial view", RATE),
        ("detail", "measure detail", RATE),
        ("detail_cold", "measure detail, uncached", RATE),
        ("trivial", "trivial view", LIGHT_RATE),
        ("list", "filtered list", LIGHT_RATE),
        ("search2", "search, 2 characters", LIGHT_RATE),
        ("search4", "search, 4 characters", LIGHT_RATE),
    ]
    rows = []
    throughput = {}
    for key, label, rate in plan:
        urls = warm_urls = loop_urls = paths[key]
        if key == "detail_cold":  # each phase its own measures, so that none is cached
            third = len(urls) // 3
            warm_urls, loop_urls, urls = urls[:third], urls[third : 2 * third], urls[2 * third :]
        loadgen.wait_until_idle(port, "/bench/trivial")
        if key == "detail":
            # The steady state of 500 pages in demand: each asked for often enough that every
            # worker has most of them in its cache (the cold cost is the "uncached" row).
            loadgen.each_once(port, urls * 3 * workers, CONCURRENCY)
        loadgen.closed_loop(port, warm_urls, CONCURRENCY, 1.0)  # warm up the workers
        if key not in throughput:
            throughput[key] = loadgen.closed_loop(port, loop_urls, CONCURRENCY, LOOP_SECONDS)
        loadgen.wait_until_idle(port, "/bench/trivial")
        fixed = loadgen.fixed_rate(port, urls, rate, SECONDS)
        loop = throughput[key]
        row = {
            "key": key,
            "label": label,
            "rate": rate,
            "requests": fixed.count,
            "p50": fixed.percentile(50),
            "p95": fixed.percentile(95),
            "p99": fixed.percentile(99),
            "achieved": fixed.rps,
            "errors": sum(fixed.errors.values()) + sum(loop.errors.values()),
            "error_kinds": {**fixed.errors, **loop.errors},
            "throughput": loop.rps,
            "loop_p50": loop.percentile(50),
        }
        rows.append(row)
        print(
            f"  {label:22s} @{rate:>4.0f}/s  p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms"
            f"  p99 {row['p99']:7.1f} ms  throughput {row['throughput']:7.1f}/s"
            f"  errors {row['errors']}",
            flush=True,
        )
    return rows


def table(rows, info) -> str:
    trivials = {row["rate"]: row for row in rows if row["key"] == "trivial"}
    trivial = trivials[RATE]
    lines = [
        "# Benchmark: the catalogue at 100,000 measures",
        "",
        f"Machine: {info['nproc']} cores, {info['cpu']}; Python {info['python']}, "
        f"Django {info['django']}, SQLite {info['sqlite']}, gunicorn {info['gunicorn']} "
        f"({info['workers']} gthread workers × {info['threads']} threads, "
        "portal/gunicorn.conf.py); "
        f"commit {info['commit']}; {time.strftime('%Y-%m-%d %H:%M %Z')}.",
        "",
        f"Catalogue: {info['catalogue']}. Latency is counted from each request's scheduled send "
        f"time at a fixed rate ({SECONDS:.0f} s per row); throughput is a closed loop of "
        f"{CONCURRENCY} connections ({LOOP_SECONDS:.0f} s). Ratios are to the trivial view "
        "measured in the same run: latency against the trivial view at the same rate, throughput "
        "against its closed-loop throughput.",
        "",
        "| page | rate /s | requests | p50 ms | p95 ms | p99 ms | p50 × | p95 × "
        "| throughput /s | throughput × | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        base = trivials.get(row["rate"], trivial)  # latency ratios: trivial view at the same rate
        lines.append(
            f"| {row['label']} | {row['rate']:.0f} | {row['requests']} | {row['p50']:.1f} "
            f"| {row['p95']:.1f} | {row['p99']:.1f} | {row['p50'] / base['p50']:.1f} "
            f"| {row['p95'] / base['p95']:.1f} | {row['throughput']:.0f} "
            f"| {row['throughput'] / trivial['throughput']:.2f} | {row['errors']} |"
        )
    detail = next(row for row in rows if row["key"] == "detail")
    searches = [row for row in rows if row["key"].startswith("search")]
    checks = [
        (
            f"detail p95 < {TARGETS['detail p95 ms']} ms at {RATE:.0f}/s",
            detail["p95"] < TARGETS["detail p95 ms"],
            f"{detail['p95']:.1f} ms",
        ),
        (
            f"detail throughput ≥ {TARGETS['detail throughput ratio']} × trivial",
            detail["throughput"] / trivial["throughput"] >= TARGETS["detail throughput ratio"],
            f"{detail['throughput'] / trivial['throughput']:.2f} ×",
        ),
        (
            f"search p95 < {TARGETS['search p95 ms']} ms at {LIGHT_RATE:.0f}/s",
            all(row["p95"] < TARGETS["search p95 ms"] for row in searches),
            ", ".join(f"{row['p95']:.1f} ms" for row in searches),
        ),
    ]
    lines += ["", "| target | met | measured |", "| --- | --- | --- |"]
    lines += [f"| {name} | {'yes' if ok else 'NO'} | {value} |" for name, ok, value in checks]
    lines += [
        "",
        f"Searches: 2 characters {', '.join(WORDS_2)}; 4 characters {', '.join(WORDS_4)}. "
        "Filtered list: city + topic, or topic + in force. Detail: 500 measures at random, "
        "their pages cached by each worker after its first request for them (per-process "
        "memory cache; REDIS_URL would share it); uncached detail: a different measure every "
        "request, never cached before.",
    ]
    errors = {k: v for row in rows for k, v in row["error_kinds"].items()}
    if errors:
        lines += ["", f"Errors: {json.dumps(errors, ensure_ascii=False)}"]
    return "\n".join(lines) + "\n"


def eligibility_bench() -> str | None:
    script = ROOT / "bench" / "eligibility_bench.py"
    if not script.exists():
        return None
    print("running bench/eligibility_bench.py …", flush=True)
    done = subprocess.run(
        [PYTHON, script], capture_output=True, text=True, cwd=ROOT, timeout=300
    )  # fmt: skip
    output = done.stdout.strip()
    if done.returncode != 0:
        output += f"\n(exit {done.returncode})\n{done.stderr.strip()[-2000:]}"
    print(output, flush=True)
    return output


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn and every worker it started (its process group)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait()


def main() -> int:
    started = time.monotonic()
    path = build_catalogue()
    port = free_port()
    workers = os.cpu_count() or 1  # portal/gunicorn.conf.py's default: one per core
    env = server_env(path, port, workers)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [GUNICORN, "-c", "portal/gunicorn.conf.py"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=BENCH_DIR.joinpath("gunicorn.log").open("w"),
        start_new_session=True,  # its own process group: stopped whole, workers included
    )  # fmt: skip
    try:
        loadgen.wait_until_up(port, "/bench/trivial")
        paths = sample_paths(path)
        for key in ("detail", "list", "search2", "search4"):
            loadgen.wait_until_up(port, paths[key][0], timeout=10)
        print(f"gunicorn on 127.0.0.1:{port}, {workers} workers; measuring …", flush=True)
        rows = measure(port, paths, workers)
    finally:
        stop(server)
    info = machine() | {
        "workers": workers,
        "threads": env.get("GUNICORN_THREADS", THREADS),
        "catalogue": catalogue_description(path),
    }
    report = table(rows, info)
    eligibility = eligibility_bench()
    if eligibility is not None:
        report += f"\n## bench/eligibility_bench.py\n\n```\n{eligibility}\n```\n"
    report += f"\nWhole run: {time.monotonic() - started:.0f} s.\n"
    (BENCH_DIR / "results.md").write_text(report, encoding="utf-8")
    print("\n" + report)
    print(f"written to {(BENCH_DIR / 'results.md').relative_to(ROOT)}")
    return 0


def catalogue_description(path: Path) -> str:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    counts = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in (
            "policies_city",
            "policies_policydocument",
            "policies_measure",
            "policies_measuregram",
        )
    }
    db.close()
    size = path.stat().st_size / 2**20
    return (
        f"{counts['policies_measure']:,} measures, {counts['policies_policydocument']:,} "
        f"documents, {counts['policies_city']} cities, {counts['policies_measuregram']:,} "
        f"gram rows, {size:.0f} MiB SQLite ({path.relative_to(ROOT)})"
    )


if __name__ == "__main__":
    sys.exit(main())
