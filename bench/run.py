"""`make bench` (`make bench DB=postgres`): the catalogue at 10,000 and 100,000 measures, served
by gunicorn, measured under load, on SQLite or PostgreSQL.

1. Builds (or reuses) a synthetic catalogue per size (bench/catalogue.py, BENCH_MEASURES) in its
   own SQLite file under var/bench/, keyed by a digest of the builder, policies.search's
   INDEX_FORMAT and the migrations — never the real database. With BENCH_DB=postgres the file
   is then copied into its own PostgreSQL database, ``bench_<digest>_<size>`` on PGHOST:PGPORT
   (default 127.0.0.1:5432, user PGUSER, default postgres): created, migrated, loaded with COPY,
   vacuumed and analysed, checkpointed, and renamed to its name only when complete, so that a
   database of that name is reused as it is. Older ``bench_*`` databases of another digest are
   dropped.
2. Serves the site from the venv with gunicorn and the production configuration
   (portal/gunicorn.conf.py, DEBUG off) on a free port of 127.0.0.1, one worker per core, and
   waits for the machine to be quiet (what ran before may still hold the CPU).
3. For a trivial Django view (bench/urls.py), a measure detail page (cached and uncached), a
   filtered measure list and searches of 2 and 4 characters: p50/p95/p99 latency at a fixed
   request rate (bench/loadgen.py, asyncio), and the throughput (requests/s) of a closed loop
   of 8 connections run by wrk (bench/wrk.lua; one wrk thread, so the load generator takes
   little of the server's CPU). Without wrk the Python closed loop is used and the report
   says, loudly, that throughput is understated. Each figure also as a ratio to the trivial
   view measured in the same run.
4. Runs bench/eligibility_bench.py (the self-check) and reads its CPU median.
5. Writes var/bench/results-<db>.md — the machine, a ratio table per size, the targets, a
   scaling table across the sizes, the self-check — and prints it.

Environment: BENCH_DB (sqlite or postgres; `make bench DB=postgres` sets it), BENCH_SIZES
(default "10000,100000"), BENCH_RATE (default 200), BENCH_LIGHT_RATE (default 20),
BENCH_SECONDS (per fixed-rate run, default 10), BENCH_LOOP_SECONDS (per throughput run,
default 6), BENCH_ROUNDS (the alternations of a page's throughput run with the trivial
view's, default 3), BENCH_CONCURRENCY (default 8), BENCH_WRK (the wrk binary, default wrk on PATH),
BENCH_QUIET_SHARE and BENCH_QUIET_LIMIT (before each size: wait up to the limit, default 120 s,
for the CPUs to be idle for that share of two seconds, default 0.9), BENCH_QUICK=1 (short runs,
for trying the script out).
"""

import hashlib
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

VERSION = "2"  # bump to rebuild the cached catalogues
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

QUICK = os.environ.get("BENCH_QUICK") == "1"
RATE = float(os.environ.get("BENCH_RATE", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3" if QUICK else "10"))
LOOP_SECONDS = float(os.environ.get("BENCH_LOOP_SECONDS", "2" if QUICK else "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1" if QUICK else "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
# Lists and searches cost tens of ms of CPU each: 200/s of them is past what 2 cores serve
# (see their throughput), so their latency is measured at this lighter rate.
LIGHT_RATE = float(os.environ.get("BENCH_LIGHT_RATE", "20"))
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s.strip()]
DB = {"": "sqlite", "sqlite": "sqlite", "sqlite3": "sqlite", "postgres": "postgres",
      "postgresql": "postgres", "pg": "postgres"}.get(os.environ.get("BENCH_DB", "").lower())  # fmt: skip
PG = {
    "host": os.environ.get("PGHOST", "127.0.0.1"),
    "port": int(os.environ.get("PGPORT", "5432")),
    "user": os.environ.get("PGUSER", "postgres"),
}

WORDS_2 = ["补贴", "上市", "科技", "融资", "奖励"]
WORDS_4 = ["专精特新", "融资担保", "以旧换新", "技术改造", "高新技术"]
THREADS = "2"  # portal/gunicorn.conf.py's default
# Before each size is measured: wait (up to QUIET_LIMIT seconds) for the CPUs to be idle
# for QUIET_SHARE of QUIET_WINDOW seconds (wait_until_quiet).
QUIET_WINDOW = 2.0
QUIET_SHARE = float(os.environ.get("BENCH_QUIET_SHARE", "0.9"))
QUIET_LIMIT = float(os.environ.get("BENCH_QUIET_LIMIT", "120"))
COLD_PAGES = 4000  # distinct first-asked lists and searches (more than a run sends)

# The targets (issue 14), each a ratio to the trivial view measured in the same run: latency
# against the trivial view at the same fixed rate, throughput against its closed-loop figure.
# (scenario, what, limit): "throughput" is met at >= limit × trivial, "p95" at <= limit × trivial.
TARGETS = [
    ("detail", "throughput", 0.6),
    ("detail", "p95", 3),
    ("detail_cold", "throughput", 0.2),
    ("list", "throughput", 0.1),
    ("list", "p95", 10),
    ("search2", "throughput", 0.1),
    ("search2", "p95", 10),
    ("search4", "throughput", 0.1),
    ("search4", "p95", 10),
    # the same, for a list or search no one asked for before (the page cache cannot help)
    ("list_cold", "throughput", 0.1),
    ("list_cold", "p95", 10),
    ("search_cold", "throughput", 0.1),
    ("search_cold", "p95", 10),
]
SELF_CHECK_TARGET_MS = 50  # CPU per evaluation, bench/eligibility_bench.py's median

PLAN = [
    ("trivial", "trivial view", RATE),
    ("detail", "measure detail", RATE),
    ("detail_cold", "measure detail, uncached", RATE),
    ("trivial", "trivial view", LIGHT_RATE),
    ("list", "filtered list", LIGHT_RATE),
    ("search2", "search, 2 characters", LIGHT_RATE),
    ("search4", "search, 4 characters", LIGHT_RATE),
    ("list_cold", "filtered list, first asked", LIGHT_RATE),
    ("search_cold", "search, first asked", LIGHT_RATE),
]
LABELS = {key: label for key, label, _ in PLAN}
SCALING = ["detail", "detail_cold", "list", "search2", "search4", "list_cold", "search_cold"]


def size_name(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else f"{size:,}"


def catalogue_digest() -> str:
    digest = hashlib.sha256((ROOT / "bench" / "catalogue.py").read_bytes())
    search = (ROOT / "policies" / "search.py").read_text(encoding="utf-8")
    digest.update(re.search(r"^INDEX_FORMAT = .*$", search, re.MULTILINE).group().encode())
    for path in sorted((ROOT / "policies" / "migrations").glob("0*.py")):
        digest.update(path.name.encode())
    return f"{VERSION}{digest.hexdigest()[:9]}"


def catalogue_path(size: int) -> Path:
    return BENCH_DIR / f"catalogue-{catalogue_digest()}-{size}.sqlite3"


def build_catalogue(size: int) -> Path:
    path = catalogue_path(size)
    if path.exists():
        print(f"using the cached catalogue {path.relative_to(ROOT)}", flush=True)
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for old in BENCH_DIR.glob("catalogue-*"):  # other digests (the other sizes are kept)
        if not old.name.startswith(f"catalogue-{catalogue_digest()}-"):
            old.unlink()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    print(f"building the synthetic catalogue in {path.relative_to(ROOT)} …", flush=True)
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{building}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-build-only",
        BENCH_MEASURES=str(size),
    )
    subprocess.run([PYTHON, ROOT / "bench" / "catalogue.py"], env=env, check=True, cwd=ROOT)
    building.rename(path)
    return path


# PostgreSQL: the SQLite catalogue copied into a database of its own.


def pg_url(name: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def pg_connect(name: str, autocommit: bool = True):
    import psycopg

    return psycopg.connect(dbname=name, autocommit=autocommit, **PG)


def pg_name(size: int) -> str:
    return f"bench_{catalogue_digest()}_{size}"


def build_postgres(size: int, source: Path) -> str:
    from psycopg import sql

    name = pg_name(size)
    building = f"{name}_building"
    with pg_connect("postgres") as admin:
        existing = {row[0] for row in admin.execute("SELECT datname FROM pg_database")}
        for old in sorted(existing):  # bench databases of another digest, and only those
            if re.fullmatch(r"bench_[0-9a-f]{10}_\d+(_building)?", old) and not old.startswith(
                f"bench_{catalogue_digest()}_"
            ):
                print(f"dropping the outdated bench database {old}", flush=True)
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(old)))
        if name in existing:
            print(f"using the cached PostgreSQL catalogue {name}", flush=True)
            return name
        started = time.monotonic()
        print(f"copying {source.relative_to(ROOT)} into PostgreSQL database {name} …", flush=True)
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(building))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
    env = dict(
        os.environ,
        DATABASE_URL=pg_url(building),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-build-only",
    )
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    copy_into_postgres(source, building)
    with pg_connect("postgres") as admin:
        # What the copy left for the checkpointer is written now, not spread over the next
        # minutes (checkpoint_completion_target) into the run. (It did not make the first run
        # after a copy equal to the next: see wait_until_quiet.)
        admin.execute("CHECKPOINT")
        admin.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(building), sql.Identifier(name)
            )
        )
    print(f"PostgreSQL catalogue {name} ready in {time.monotonic() - started:.0f} s", flush=True)
    return name


def copy_into_postgres(source: Path, name: str) -> None:
    """Every table the migrations left empty, copied row for row (ids kept) from the SQLite
    catalogue; indexes other than constraints' dropped during the load and recreated after,
    foreign-key triggers off during it (the rows come from a consistent database)."""
    from psycopg import sql

    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    tables = [
        row[0]
        for row in src.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    with pg_connect(name, autocommit=False) as pg:
        pg.execute("SET session_replication_role = replica")
        indexes = pg.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname "
            "NOT IN (SELECT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conindid)"
        ).fetchall()
        for index, _ in indexes:
            pg.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index)))
        for table in tables:
            if not src.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
                continue
            columns = [
                row[0]
                for row in pg.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                    (table,),
                )
            ]
            if not columns:
                continue
            if pg.execute(
                sql.SQL("SELECT 1 FROM {} LIMIT 1").format(sql.Identifier(table))
            ).fetchone():
                continue  # filled by the migrations themselves (content types, groups …)
            own = {row[1] for row in src.execute(f'PRAGMA table_info("{table}")')}
            columns = [column for column in columns if column in own]
            listed = ", ".join(f'"{column}"' for column in columns)
            copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with pg.cursor().copy(copy) as out:
                for row in src.execute(f'SELECT {listed} FROM "{table}" ORDER BY rowid'):
                    out.write_row(row)
        for _, definition in indexes:
            pg.execute(definition)
        for table, column in pg.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
            "'public' AND (is_identity = 'YES' OR column_default LIKE 'nextval%%')"
        ).fetchall():
            pg.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), max({})) FROM {} HAVING max({}) "
                    "IS NOT NULL"
                ).format(sql.Identifier(column), sql.Identifier(table), sql.Identifier(column)),
                (f'"{table}"', column),
            )
        pg.commit()
    src.close()
    with pg_connect(name) as pg:
        pg.execute("VACUUM ANALYZE")  # and the visibility map, for index-only scans


# Serving and measuring.


def cpu_times(stat: str) -> tuple[int, int]:
    """(idle, total) clock ticks of all CPUs, from the text of /proc/stat."""
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(value) for value in stat.split("\n", 1)[0].split()[1:9]
    )  # fmt: skip
    return idle + iowait, user + nice + system + idle + iowait + irq + softirq + steal


def wait_until_quiet(
    limit: float = QUIET_LIMIT,
    window: float = QUIET_WINDOW,
    share: float = QUIET_SHARE,
    read=lambda: Path("/proc/stat").read_text(),
    sleep=time.sleep,
) -> tuple[float, float]:
    """Wait until the machine's CPUs were idle for at least ``share`` of a ``window`` (or
    ``limit`` seconds have passed); returns (seconds waited, the last window's idle share).

    What ran before a size's measurements (building or copying its catalogue, the size
    before it) may still hold the CPU: the first PostgreSQL run of 2026-12-02 began
    measuring at load average 2.8, straight after copying the catalogues, and its figures
    were not those of a run started at once after it (its cached list at 100k: 0.26× against
    0.59×). This rules that out, and the report says how idle the CPUs were; it does not
    make a run straight after a copy equal to the next: in the first run with it the CPUs
    were already 99% idle after the copies, and the 100k rows still differed from the runs
    on a settled copy (first-asked search p95 431 ms against 107–150 ms) — what else a fresh
    copy disturbs (disk writes, cold caches) was not measured. Without /proc/stat (not
    Linux) there is nothing to wait on."""
    waited = 0.0
    try:
        before = cpu_times(read())
    except OSError:
        return 0.0, 1.0
    while True:
        sleep(window)
        waited += window
        after = cpu_times(read())
        idle, total = after[0] - before[0], after[1] - before[1]
        idle_share = idle / total if total > 0 else 1.0
        if idle_share >= share or waited >= limit:
            return waited, idle_share
        before = after


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, port: int, workers: int) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-" + hashlib.sha256(database_url.encode()).hexdigest(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_LOG_LEVEL="WARNING",
        PORTAL_BENCH="1",
        PORTAL_TODAY="2025-06-30",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_ACCESSLOG="/dev/null",
        # No worker recycling during a run: on a fast machine a worker served its
        # max_requests (50,000 ± 5,000) mid-run and restarted, dropping its connections
        # (wrk read errors) and its warm page cache (seen on 2026-11-30, commit b74a89d).
        GUNICORN_MAX_REQUESTS="0",
    )


def sample_paths(path: Path) -> dict[str, list[str]]:
    """The URLs of each scenario, spread over the catalogue (same seed every run). Read from
    the SQLite catalogue, of which the PostgreSQL one is a copy: the same URLs on both."""
    rng = random.Random(7)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    n_measures = db.execute("SELECT max(id) FROM policies_measure").fetchone()[0]
    cities = [row[0] for row in db.execute("SELECT slug FROM policies_city")]
    topics = [row[0] for row in db.execute("SELECT slug FROM policies_topic")]
    db.close()
    details = [f"/policies/measures/{rng.randint(1, n_measures)}/" for _ in range(500)]
    # Every other measure, in random order, each asked for once: every request renders the page
    # afresh (it is in no worker's cache yet). measure() splits them between its phases.
    seen = set(details)
    cold_rng = random.Random(8)  # its own generator: the other scenarios stay as they were
    cold = [f"/policies/measures/{pk}/" for pk in range(1, n_measures + 1)]
    cold_rng.shuffle(cold)
    cold = [url for url in cold if url not in seen]
    lists = []
    for _ in range(100):
        lists.append(f"/policies/measures/?city={rng.choice(cities)}&topic={rng.choice(topics)}")
        lists.append(f"/policies/measures/?topic={rng.choice(topics)}&status=in_force")
    rng.shuffle(lists)

    def search(words):
        return [f"/policies/measures/?{urlencode({'q': word})}" for word in words]

    # Lists and searches no one asked for before: the same queries, each made unique by a
    # parameter the list ignores, so that every request renders its page afresh.
    def first_asked(urls):
        return [f"{url}&first={n}" for n, url in enumerate(urls * (COLD_PAGES // len(urls) + 1))]

    return {
        "trivial": ["/bench/trivial"],
        "detail": details,
        "detail_cold": cold,
        "list": lists,
        "search2": search(WORDS_2),
        "search4": search(WORDS_4),
        "list_cold": first_asked(lists),
        "search_cold": first_asked(search(WORDS_2 + WORDS_4)),
    }


def throughput_loop(port, urls, duration) -> loadgen.Result:
    if loadgen.have_wrk():
        return loadgen.wrk_loop(port, urls, CONCURRENCY, duration)
    return loadgen.closed_loop(port, urls, CONCURRENCY, duration)


def paired_throughput(port, urls, duration, rounds=None) -> tuple[loadgen.Result, float, list]:
    """A page's closed-loop throughput, and the trivial view's measured beside it, in
    ``rounds`` (``BENCH_ROUNDS``) alternations: the trivial view, the page (``duration``
    shared between the rounds), the trivial view again (half as long each). The speed of
    these shared machines drifts by a fifth within minutes: one trivial-view figure for the
    whole run made a page measured at a slow moment read 0.48× where the same page, measured
    beside the trivial view, read 0.62–0.72× (2026-11-30, PostgreSQL, 100k); and one pair
    per page still read a first-asked list at 0.068× and 0.109× in runs minutes apart
    (2026-12-03, SQLite, 100k). Returns the page's requests and time over all rounds (one
    ``Result``), the trivial view's throughput over all of its loops, and each round's
    ratio (the spread the report shows). Each round goes on in ``urls`` where the last one
    stopped: a page first asked is never asked again unless the list runs out."""
    rounds = max(1, rounds or ROUNDS)
    step = max(1.0, round(duration / rounds))
    half = max(1.0, round(step / 2))
    page = loadgen.Result(requests=0, elapsed_s=0.0)
    trivial_requests, trivial_seconds, spread = 0, 0.0, []
    offset = 0
    for _ in range(rounds):
        before = throughput_loop(port, ["/bench/trivial"], half)
        start = offset % len(urls)
        part = throughput_loop(port, urls[start:] + urls[:start], step)
        loadgen.wait_until_idle(port, "/bench/trivial")  # what an overloaded loop left queued
        after = throughput_loop(port, ["/bench/trivial"], half)
        offset += part.count
        page.requests += part.count
        page.elapsed_s += part.elapsed_s
        page.tool = part.tool
        for kind, number in part.errors.items():
            page.errors[kind] = page.errors.get(kind, 0) + number
        trivial_requests += before.count + after.count
        trivial_seconds += before.elapsed_s + after.elapsed_s
        spread.append(part.rps / ((before.rps + after.rps) / 2))
    return page, trivial_requests / trivial_seconds, spread


def measure(port, paths, workers) -> list[dict]:
    rows = []
    throughput = {}
    for key, label, rate in PLAN:
        urls = warm_urls = loop_urls = paths[key]
        if key.endswith("_cold"):
            # Each phase its own pages, none cached: a few for the warm-up, as many as the
            # fixed-rate run sends, the rest (most) for the closed loop.
            warm = min(len(urls) // 20, 500)
            fixed_n = min(int(rate * SECONDS), (len(urls) - warm) // 3)
            warm_urls, urls, loop_urls = (
                urls[:warm], urls[warm : warm + fixed_n], urls[warm + fixed_n :]
            )  # fmt: skip
        loadgen.wait_until_idle(port, "/bench/trivial")
        if key in ("detail", "list", "search2", "search4"):
            # The steady state of pages in demand: each asked for often enough that every
            # worker has it in its cache (the cold cost is in the "uncached" and "first
            # asked" rows).
            loadgen.each_once(port, urls * 3 * workers, CONCURRENCY)
        throughput_loop(port, warm_urls, 1.0)  # warm up the workers
        if key not in throughput:
            loadgen.wait_until_idle(port, "/bench/trivial")
            if key == "trivial":
                loop = throughput_loop(port, loop_urls, LOOP_SECONDS)
                throughput[key] = (loop, loop.rps, [1.0])
            else:
                throughput[key] = paired_throughput(port, loop_urls, LOOP_SECONDS)
        loadgen.wait_until_idle(port, "/bench/trivial")
        fixed = loadgen.fixed_rate(port, urls, rate, SECONDS)
        loop, trivial_rps, spread = throughput[key]
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
            "trivial_throughput": trivial_rps,  # the trivial view's, measured beside it
            "spread": (min(spread), max(spread)),  # the rounds' own ratios
            "tool": loop.tool,
            # more requests than distinct pages: some of them were served from the cache
            "cycled": key.endswith("_cold")
            and (loop.count > len(loop_urls) or int(rate * SECONDS) > len(urls)),
        }
        rows.append(row)
        print(
            f"  {label:26s} @{rate:>4.0f}/s  p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms"
            f"  p99 {row['p99']:7.1f} ms  throughput {row['throughput']:7.1f}/s ({loop.tool};"
            f" trivial beside it {trivial_rps:.0f}/s; rounds {min(spread):.2f}–{max(spread):.2f} ×)"
            f"  errors {row['errors']}" + ("  (cycled)" if row["cycled"] else ""),
            flush=True,
        )
    return rows


def ratios(rows) -> dict[str, dict]:
    """Per scenario: p95 × the trivial view's at the same rate, throughput × the trivial
    view's measured beside it (``paired_throughput``)."""
    trivials = {row["rate"]: row for row in rows if row["key"] == "trivial"}
    trivial = trivials[RATE]
    out = {}
    for row in rows:
        base = trivials.get(row["rate"], trivial)
        out.setdefault(
            row["key"],
            row
            | {
                "p50x": row["p50"] / base["p50"],
                "p95x": row["p95"] / base["p95"],
                "throughputx": row["throughput"] / row["trivial_throughput"],
            },
        )
    return out


def machine(db_version: str) -> dict:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = subprocess.run(
        [PYTHON, "-c", "import django, gunicorn; print(django.__version__, gunicorn.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True, cwd=ROOT,
    ).stdout.strip()  # fmt: skip
    wrk = "not installed"
    if loadgen.have_wrk():
        out = subprocess.run([loadgen.WRK, "--version"], capture_output=True, text=True)
        wrk = (out.stdout + out.stderr).split("[")[0].strip() or "wrk"
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "django": versions[0],
        "gunicorn": versions[1],
        "db": db_version,
        "commit": (commit or "?") + (" (with uncommitted changes)" if dirty else ""),
        "wrk": wrk,
        "cache": "Redis (REDIS_URL)" if os.environ.get("REDIS_URL") else "per-process memory",
    }


def db_version() -> str:
    if DB == "postgres":
        with pg_connect("postgres") as pg:
            return "PostgreSQL " + pg.execute("SHOW server_version").fetchone()[0].split()[0]
    return "SQLite " + subprocess.run(
        [PYTHON, "-c", "import sqlite3; print(sqlite3.sqlite_version)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def catalogue_description(path: Path, pg: str | None) -> str:
    counted = ("policies_city", "policies_policydocument", "policies_measure")
    counted += ("policies_measuregram", "policies_measurequad")
    if pg:
        with pg_connect(pg) as db:
            counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counted}
            size = db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        where = f"PostgreSQL database {pg}, a copy of {path.relative_to(ROOT)}"
    else:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counted}
        db.close()
        size = path.stat().st_size
        where = f"SQLite {path.relative_to(ROOT)}"
    return (
        f"{counts['policies_measure']:,} measures, {counts['policies_policydocument']:,} "
        f"documents, {counts['policies_city']} cities, {counts['policies_measuregram']:,} "
        f"gram and {counts['policies_measurequad']:,} quad rows, {size / 2**20:.0f} MiB ({where})"
    )


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


def run_size(size: int, workers: int) -> dict:
    path = build_catalogue(size)
    pg = build_postgres(size, path) if DB == "postgres" else None
    database_url = pg_url(pg) if pg else f"sqlite:///{path}"
    port = free_port()
    env = server_env(database_url, port, workers)
    log = BENCH_DIR / f"gunicorn-{DB}-{size}.log"
    server = subprocess.Popen(
        [GUNICORN, "-c", "portal/gunicorn.conf.py"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("w"),
        start_new_session=True,  # its own process group: stopped whole, workers included
    )  # fmt: skip
    try:
        loadgen.wait_until_up(port, "/bench/trivial")
        paths = sample_paths(path)
        for key in ("detail", "list", "search2", "search4"):
            loadgen.wait_until_up(port, paths[key][0], timeout=10)
        waited, idle_share = wait_until_quiet()
        if waited > QUIET_WINDOW:
            print(
                f"{size_name(size)}: waited {waited:.0f} s for the machine to be quiet "
                f"(CPUs {idle_share:.0%} idle)",
                flush=True,
            )
        load = os.getloadavg()[0]
        print(
            f"{size_name(size)}: gunicorn on 127.0.0.1:{port}, {workers} workers, {DB}; "
            f"load average {load:.2f}; measuring …",
            flush=True,
        )
        rows = measure(port, paths, workers)
    finally:
        stop(server)
    return {
        "size": size,
        "rows": rows,
        "ratios": ratios(rows),
        "catalogue": catalogue_description(path, pg),
        "load": load,
        "quiet": (waited, idle_share),
        "cold_pages": len(paths["detail_cold"]),
    }


def self_check() -> dict:
    script = ROOT / "bench" / "eligibility_bench.py"
    if not script.exists():
        return {"output": "bench/eligibility_bench.py is missing", "cpu_ms": None}
    print("running bench/eligibility_bench.py …", flush=True)
    done = subprocess.run(
        [PYTHON, script], capture_output=True, text=True, cwd=ROOT, timeout=600
    )  # fmt: skip
    output = done.stdout.strip()
    if done.returncode != 0:  # it exits 1 when its own target is missed: still a result
        output += f"\n(exit {done.returncode})"
        if done.stderr.strip():
            output += "\n" + done.stderr.strip()[-2000:]
    found = re.search(r"CPU median ([\d.]+) ms", output)
    print(output, flush=True)
    return {"output": output, "cpu_ms": float(found.group(1)) if found else None}


def target_name(key: str, what: str, limit: float) -> str:
    if what == "throughput":
        return f"{LABELS[key]}: throughput ≥ {limit} × trivial"
    rate = next(rate for k, _, rate in PLAN if k == key)
    return f"{LABELS[key]}: p95 ≤ {limit} × trivial p95 at {rate:.0f}/s"


def report(results: list[dict], info: dict, check: dict, started: float) -> str:
    sizes = ", ".join(f"{r['size']:,}" for r in results)
    understated = info["wrk"] == "not installed"
    lines = [
        f"# Benchmark on {info['db']}: catalogues of {sizes} measures",
        "",
        f"Machine: {info['nproc']} cores, {info['cpu']}; Python {info['python']}, "
        f"Django {info['django']}, {info['db']}, gunicorn {info['gunicorn']} "
        f"({info['workers']} gthread workers × {info['threads']} threads, "
        f"portal/gunicorn.conf.py, no worker recycling; cache: {info['cache']}); "
        f"load generators: {info['wrk']} "
        f"(throughput), bench/loadgen.py (fixed rate); commit {info['commit']}; "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}.",
        "",
    ]
    if understated:
        lines += [
            "**WARNING: wrk is not installed (`apt-get install wrk`): throughput was measured "
            "with the Python load generator on the same cores as the server, so every "
            "throughput figure below is UNDERSTATED.**",
            "",
        ]
    lines += [
        f"Latency is counted from each request's scheduled send time at a fixed rate "
        f"({SECONDS:.0f} s per row, bench/loadgen.py); throughput is a closed loop of "
        f"{CONCURRENCY} connections ({LOOP_SECONDS:.0f} s, "
        f"{'wrk -t1' if not understated else 'Python'}). Ratios (×) are to the trivial view "
        "measured in the same run: latency against the trivial view at the same rate, "
        f"throughput against the trivial view's closed-loop throughput measured just before "
        f"and just after the page's, in {ROUNDS} alternations sharing the page's time (all "
        "the trivial loops pooled: *trivial beside /s*; the rounds' own ratios in brackets), "
        "as these machines' speed drifts within a run."
        + (" QUICK run (BENCH_QUICK=1): short runs, not figures to keep." if QUICK else ""),
    ]
    for result in results:
        lines += [
            "",
            f"## {result['size']:,} measures",
            "",
            f"Catalogue: {result['catalogue']}. Load average at the start: {result['load']:.2f}"
            f"; before it the bench waited {result['quiet'][0]:.0f} s for the CPUs to be"
            f" {QUIET_SHARE:.0%} idle (in the last {QUIET_WINDOW:.0f} s: {result['quiet'][1]:.0%}).",
            "",
            "| page | rate /s | requests | p50 ms | p95 ms | p99 ms | p50 × | p95 × "
            "| throughput /s | trivial beside /s | throughput × | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        trivials = {row["rate"]: row for row in result["rows"] if row["key"] == "trivial"}
        for row in result["rows"]:
            base = trivials.get(row["rate"], trivials[RATE])
            mark = " (cycled†)" if row["cycled"] else ""
            lines.append(
                f"| {row['label']}{mark} | {row['rate']:.0f} | {row['requests']} "
                f"| {row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} "
                f"| {row['p50'] / base['p50']:.1f} | {row['p95'] / base['p95']:.1f} "
                f"| {row['throughput']:.0f} | {row['trivial_throughput']:.0f} "
                f"| {row['throughput'] / row['trivial_throughput']:.2f} "
                f"({row['spread'][0]:.2f}–{row['spread'][1]:.2f}) "
                f"| {row['errors']} |"
            )
        if any(row["cycled"] for row in result["rows"]):
            lines += [
                "",
                f"† more requests than the {result['cold_pages']:,} measures not among the "
                "cached 500: some uncached requests were for a page already cached (a QUICK "
                "or small catalogue); the uncached figures are flattered.",
            ]
        errors = {k: v for row in result["rows"] for k, v in row["error_kinds"].items()}
        if errors:
            lines += ["", f"Errors: {errors}"]

    names = [size_name(r["size"]) for r in results]
    lines += [
        "",
        "## Targets",
        "",
        "Each a ratio to the trivial view of the same run; a row with errors does not meet it.",
        "",
        "| target | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(results),
    ]
    for key, what, limit in TARGETS:
        cells = []
        for result in results:
            row = result["ratios"][key]
            value = row["throughputx" if what == "throughput" else "p95x"]
            ok = value >= limit if what == "throughput" else value <= limit
            ok = ok and not row["errors"]
            shown = f"{value:.2f} ×" + (f", {row['errors']} errors" if row["errors"] else "")
            shown += " (cycled)" if row["cycled"] else ""
            cells.append(f"{'yes' if ok else 'NO'} ({shown})")
        lines.append(f"| {target_name(key, what, limit)} | " + " | ".join(cells) + " |")
    if check["cpu_ms"] is not None:
        ok = check["cpu_ms"] <= SELF_CHECK_TARGET_MS
        cell = f"{'yes' if ok else 'NO'} ({check['cpu_ms']:.1f} ms)"
    else:
        cell = "NO (no CPU median in its output)"
    lines.append(
        f"| self-check: one profile × 10,000 rules ≤ {SELF_CHECK_TARGET_MS} ms CPU "
        f"(bench/eligibility_bench.py, median) | {cell} |" + " |" * (len(results) - 1)
    )

    lines += [
        "",
        "## Scaling",
        "",
        "| page | " + " | ".join(f"{n}: p95 ms | {n}: throughput ×" for n in names) + " |",
        "| --- |" + " ---: | ---: |" * len(results),
    ]
    trivial_cells = []
    for result in results:
        row = result["ratios"]["trivial"]
        trivial_cells.append(f"{row['p95']:.1f} | {row['throughput']:.0f}/s")
    lines.append(f"| trivial view (at {RATE:.0f}/s) | " + " | ".join(trivial_cells) + " |")
    for key in SCALING:
        cells = []
        for result in results:
            row = result["ratios"][key]
            cells.append(f"{row['p95']:.1f} | {row['throughputx']:.2f}")
        lines.append(f"| {LABELS[key]} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Searches: 2 characters {', '.join(WORDS_2)}; 4 characters {', '.join(WORDS_4)}. "
        "Filtered list: city + topic, or topic + in force (200 of them). Detail: 500 measures "
        "at random. Each of these pages, and the searches, asked for often enough beforehand "
        "that every worker has it in its page cache; uncached detail: a different measure "
        "every request, never asked for before; first asked: the same lists and searches, each "
        "request made unique by a parameter the list ignores, so rendered afresh.",
        "",
        "## Self-check: bench/eligibility_bench.py",
        "",
        "```",
        check["output"],
        "```",
        "",
        f"Whole run: {time.monotonic() - started:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    if DB is None:
        sys.exit(f"BENCH_DB={os.environ.get('BENCH_DB')!r}: sqlite or postgres")
    if not SIZES:
        sys.exit("BENCH_SIZES lists no size")
    started = time.monotonic()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not loadgen.have_wrk():
        print(
            "WARNING: wrk not found: throughput measured with the Python load generator, "
            "which shares the server's cores: UNDERSTATED",
            flush=True,
        )
    workers = os.cpu_count() or 1  # portal/gunicorn.conf.py's default: one per core
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=server_env("sqlite:///" + str(BENCH_DIR / "unused.sqlite3"), 0, workers),
        cwd=ROOT, check=True,
    )  # fmt: skip
    results = [run_size(size, workers) for size in SIZES]
    check = self_check()
    info = machine(db_version()) | {
        "workers": workers,
        "threads": os.environ.get("GUNICORN_THREADS", THREADS),
    }
    text = report(results, info, check, started)
    out = BENCH_DIR / f"results-{DB}.md"
    out.write_text(text, encoding="utf-8")
    print("\n" + text)
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
