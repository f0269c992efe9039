"""The production set-up on loopback: nginx (deploy/nginx/huiqi.conf) in front of gunicorn.

Issue 11: a request declaring a 50 GB body and sending 300 bytes got no answer; 20 of them held
all of gunicorn's threads and /healthz timed out. Here gunicorn runs as in production
(``portal/gunicorn.conf.py``, smaller: 2 workers x 4 threads, its own migrated SQLite file) and
nginx runs in the foreground, unprivileged, from the shipped site file with only its addresses,
ports and log paths changed (and TLS left out). Then, through nginx:

* 20 uploads declaring 50 GB and stalling after 300 bytes are answered 413 by nginx at once,
  never reach gunicorn, and /healthz answers in well under 1 s, three times of three;
* 20 slow but legal uploads (1 MB declared, a byte every 0.2 s, from 20 addresses) wait in
  nginx, which buffers the body; gunicorn sees none of them and /healthz still answers < 1 s;
* one address gets at most ``limit_conn`` uploads in progress, and 10+1 login POSTs a burst;
* plain http is sent to https.

Straight to gunicorn, the 50 GB declarations are now refused at once too (portal/limits.py),
but the slow legal uploads are not: run ``.venv/bin/python tests/deploy/test_nginx_loopback.py``
for the comparison. Measured on a 2-core machine (milliseconds, three /healthz each):

    20 stalled uploads       straight to gunicorn      through nginx
    declaring 50 GB          2, 2, 2                   2, 2, 2       (413 at once from both)
    1 MB, a byte / 0.2 s     timeout, timeout, timeout 2, 2, 2       (3 s timeout each)

Without nginx every one of the 8 threads waits inside Django's multipart parser for a body that
arrives a byte at a time; with nginx gunicorn sees a request only once its body is complete.

Skipped when nginx is not installed, unless PORTAL_REQUIRE_NGINX=1 (``.ci/run``), then it
fails. Skipped on PostgreSQL: the stack always uses its own SQLite file, so CI's second run
(the suite again on PostgreSQL) would only repeat it.
"""

import contextlib
import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE_CONF = ROOT / "deploy" / "nginx" / "huiqi.conf"
NGINX = os.environ.get("PORTAL_NGINX", "/usr/sbin/nginx")
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

UPLOAD_URL = "/applications/1/upload/"
BOUNDARY = "----huiqi-loopback"
STALLED = 20
HEALTH_BUDGET = 1.0  # seconds, for each /healthz
LINUX = sys.platform.startswith("linux")  # every 127.x.y.z is a local address


# --- the stack ------------------------------------------------------------------------------
@dataclass
class Stack:
    gunicorn_port: int
    nginx_port: int
    redirect_port: int
    gunicorn_log: Path
    nginx_access_log: Path
    site_conf: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def loopback_site(text: str, *, app: int, site: int, redirect: int, logs: Path) -> str:
    """The shipped site file on loopback: same limits, other addresses, no TLS."""
    replacements = [
        # every upstream node -> the one local gunicorn (two peers at one address)
        (r"^(\s*server\s+)\d+\.\d+\.\d+\.\d+:\d+", rf"\g<1>127.0.0.1:{app}", 2),
        (r"^(\s*)listen\s+\[::\]:\d+[^;]*;", r"\1# (IPv6 listen left out)", 2),
        (r"^(\s*)listen\s+443\b[^;]*;", rf"\1listen 127.0.0.1:{site};", 1),
        (r"^(\s*)listen\s+80\b[^;]*;", rf"\1listen 127.0.0.1:{redirect};", 1),
        (r"^(\s*)(ssl_\w+\s[^;]*;)", r"\1# \2", 1),
        (r"/var/log/nginx/", f"{logs}/", 1),
    ]
    for pattern, replacement, at_least in replacements:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count >= at_least, f"deploy/nginx/huiqi.conf changed shape: {pattern!r}"
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    # \b: a random loopback port such as 44351 holds "443" (seen failing once in CI)
    assert not re.search(r"\bssl\b|\b443\b|/var/", code), "TLS or system paths left in the config"
    return text


def nginx_main_conf(workdir: Path) -> str:
    return f"""
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    default_type application/octet-stream;
    access_log {workdir}/access.log;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/huiqi.conf;
}}
"""


def stop(process: subprocess.Popen, sig: int) -> None:
    """Stop a process started here (in a session of its own) and its children."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    # a gunicorn worker still running after its master (there should be none)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def wait_healthy(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited:\n{log.read_text(errors='replace')}")
        if health(port, timeout=1.0)[0] == 200:
            return
        time.sleep(0.1)
    raise RuntimeError(f"no /healthz on port {port}:\n{log.read_text(errors='replace')}")


@contextlib.contextmanager
def loopback_stack():
    # In memory where there is /dev/shm: migrating SQLite on a busy disk takes seconds longer.
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    workdir = Path(tempfile.mkdtemp(prefix="huiqi-loopback-", dir=shm))
    workdir.chmod(0o711)  # an unprivileged nginx may pass through to its own directory
    appdir, nginxdir = workdir / "app", workdir / "nginx"
    appdir.mkdir()
    nginxdir.mkdir()
    started: list[tuple[subprocess.Popen, int]] = []
    try:
        gport, nport, rport = free_port(), free_port(), free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "PORTAL_", "GUNICORN_", "DATABASE_", "REDIS_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings",
            DJANGO_DEBUG="0",
            # plain static storage, so that no collectstatic is needed; all else as production
            DJANGO_TESTING="1",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"sqlite:///{appdir / 'portal.sqlite3'}",
            DJANGO_MEDIA_ROOT=str(appdir / "uploads"),
            PORTAL_PROXY_COUNT="1",
            GUNICORN_BIND=f"127.0.0.1:{gport}",
            GUNICORN_WORKERS="2",
            GUNICORN_THREADS="4",
            GUNICORN_ACCESSLOG="-",
            PYTHONUNBUFFERED="1",
        )
        # The database is migrated while gunicorn boots (neither needs the other yet).
        migrate = subprocess.Popen(
            [str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((migrate, signal.SIGTERM))
        gunicorn_log = appdir / "gunicorn.log"
        with gunicorn_log.open("wb") as out:
            gunicorn = subprocess.Popen(
                [str(GUNICORN), "-c", "portal/gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append((gunicorn, signal.SIGINT))  # SIGINT: quick shutdown
        output, _ = migrate.communicate(timeout=120)
        if migrate.returncode:
            raise RuntimeError(f"migrate failed:\n{output.decode(errors='replace')}")
        wait_healthy(gport, gunicorn, gunicorn_log)

        site = loopback_site(
            SITE_CONF.read_text(encoding="utf-8"), app=gport, site=nport, redirect=rport,
            logs=nginxdir,
        )  # fmt: skip
        (nginxdir / "huiqi.conf").write_text(site, encoding="utf-8")
        (nginxdir / "nginx.conf").write_text(nginx_main_conf(nginxdir), encoding="utf-8")
        drop = {}
        if os.geteuid() == 0:  # nginx runs unprivileged, as in a developer's shell
            nobody = pwd.getpwnam("nobody")
            for path in [nginxdir, *nginxdir.iterdir()]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            drop = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        nginx_log = nginxdir / "stderr.log"
        with nginx_log.open("wb") as out:
            nginx = subprocess.Popen(
                [NGINX, "-p", f"{nginxdir}/", "-c", str(nginxdir / "nginx.conf"),
                 "-e", str(nginxdir / "error.log"), "-g", "daemon off;"],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **drop,
            )  # fmt: skip
        started.append((nginx, signal.SIGTERM))  # SIGTERM: fast shutdown
        wait_healthy(nport, nginx, nginx_log)
        # Each worker's first request loads the URLconf and views (~0.2 s): not measured here.
        for _ in range(20):
            health(gport)
        yield Stack(
            gunicorn_port=gport,
            nginx_port=nport,
            redirect_port=rport,
            gunicorn_log=gunicorn_log,
            nginx_access_log=nginxdir / "huiqi.access.log",
            site_conf=site,
        )
    finally:
        for process, sig in reversed(started):
            stop(process, sig)
        shutil.rmtree(workdir, ignore_errors=True)


def require_nginx():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres", "pgsql")):
        pytest.skip("runs once, in the SQLite run: the loopback stack has its own SQLite file")
    if not (os.path.isfile(NGINX) and os.access(NGINX, os.X_OK)):
        message = f"nginx not found at {NGINX} (apt-get install nginx-light)"
        if os.environ.get("PORTAL_REQUIRE_NGINX") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def stack():
    require_nginx()
    with loopback_stack() as running:
        yield running


# --- clients --------------------------------------------------------------------------------
@dataclass
class Response:
    status: int
    headers: dict
    text: str


def request(port, method, path, *, body=b"", headers=None, source="127.0.0.1", timeout=2.0):
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, text)
    finally:
        conn.close()


def health(port, timeout=HEALTH_BUDGET * 1.5):
    """(status or None, seconds) of one GET /healthz on a new connection."""
    started = time.monotonic()
    try:
        status = request(port, "GET", "/healthz", timeout=timeout).status
    except (TimeoutError, OSError, http.client.HTTPException):
        status = None
    return status, time.monotonic() - started


def health_three_times(port, timeout=HEALTH_BUDGET * 1.5):
    return [health(port, timeout) for _ in range(3)]


def multipart_start(size: int) -> bytes:
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()
    return head + b"0" * (size - len(head))


def open_upload(port, declared: int, sent: int, source="127.0.0.1") -> socket.socket:
    """A POST to the upload URL declaring ``declared`` body bytes and sending ``sent``."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
    head = (
        f"POST {UPLOAD_URL} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    ).encode()
    sock.sendall(head + multipart_start(sent))
    return sock


def read_response(sock: socket.socket, timeout: float) -> Response | None:
    """The response on ``sock``, or None if none began within ``timeout`` seconds."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        return None
    if not data:
        raise ConnectionError("closed without an answer")
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(
        (name.strip().lower(), value.strip())
        for name, value in (line.split(":", 1) for line in lines[1:] if ":" in line)
    )
    with contextlib.suppress(TimeoutError, OSError):
        while len(body) < int(headers.get("content-length", 0)):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return Response(int(lines[0].split()[1]), headers, body.decode("utf-8", "replace"))


class Trickle:
    """Sends one more body byte on each socket every ``interval`` seconds (a slow client)."""

    def __init__(self, sockets, interval=0.2):
        self.sockets, self.interval = sockets, interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stopped.wait(self.interval):
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"0")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()


@contextlib.contextmanager
def opened(sockets):
    try:
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def slow_uploads(port, count, sources):
    """``count`` legal uploads (1 MB declared, 300 bytes sent so far), one per source."""
    return [open_upload(port, 1_000_000, 300, source=sources[i]) for i in range(count)]


def lines_for(log: Path, needle: str) -> list[str]:
    if not log.exists():
        return []
    return [line for line in log.read_text(errors="replace").splitlines() if needle in line]


def assert_healthy(latencies):
    assert [status for status, _ in latencies] == [200, 200, 200], latencies
    assert max(seconds for _, seconds in latencies) < HEALTH_BUDGET, latencies


needs_linux = pytest.mark.skipif(not LINUX, reason="needs 127.0.x.y source addresses (Linux)")


# --- through nginx --------------------------------------------------------------------------
def test_healthz_answers_through_nginx_with_its_headers(stack):
    answer = request(stack.nginx_port, "GET", "/healthz")
    assert answer.status == 200 and '"ok"' in answer.text
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    assert answer.headers["server"] == "nginx"  # no version
    assert lines_for(stack.nginx_access_log, "/healthz") == []  # not logged


def test_sitemaps_and_robots_txt_are_compressed_for_clients_that_accept_it(stack):
    import gzip

    for path, kind in (("/robots.txt", "text/plain"), ("/sitemap.xml", "application/xml")):
        plain = request(stack.nginx_port, "GET", path)
        conn = http.client.HTTPConnection("127.0.0.1", stack.nginx_port, timeout=2.0)
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            answer = conn.getresponse()
            body = answer.read()
            headers = {k.lower(): v for k, v in answer.getheaders()}
            vary = ", ".join(v for k, v in answer.getheaders() if k.lower() == "vary")
        finally:
            conn.close()
        assert answer.status == plain.status == 200, path
        assert headers["content-type"].startswith(kind), path
        assert headers.get("content-encoding") == "gzip", path
        assert "Accept-Encoding" in vary, path  # nginx's own Vary line beside Django's
        assert gzip.decompress(body).decode() == plain.text, path


def test_fifty_gigabyte_uploads_are_refused_by_nginx_at_once(stack):
    seen_by_gunicorn = len(lines_for(stack.gunicorn_log, UPLOAD_URL))
    with opened([]) as sockets:
        started = time.monotonic()
        for _ in range(STALLED):
            sockets.append(open_upload(stack.nginx_port, 50_000_000_000, 300))
        answers = [read_response(sock, timeout=HEALTH_BUDGET) for sock in sockets]
        elapsed = time.monotonic() - started
        # (a) /healthz while the 20 connections are still open
        latencies = health_three_times(stack.nginx_port)

    # (b) all 20 refused from the declared length, in Chinese, within a second for all
    assert [answer and answer.status for answer in answers] == [413] * STALLED
    assert all("上传内容过大" in answer.text for answer in answers)
    assert answers[0].headers["content-type"] == "text/plain; charset=utf-8"
    assert elapsed < HEALTH_BUDGET
    assert_healthy(latencies)
    assert len(lines_for(stack.gunicorn_log, UPLOAD_URL)) == seen_by_gunicorn  # never saw them


@needs_linux
def test_slow_legal_uploads_wait_in_nginx_and_hold_no_gunicorn_thread(stack):
    sources = [f"127.0.1.{i}" for i in range(1, STALLED + 1)]  # 20 clients, as from 20 offices
    seen_by_nginx = len(lines_for(stack.nginx_access_log, UPLOAD_URL))
    seen_by_gunicorn = len(lines_for(stack.gunicorn_log, UPLOAD_URL))
    with opened(slow_uploads(stack.nginx_port, STALLED, sources)) as sockets, Trickle(sockets):
        time.sleep(0.5)  # nginx is receiving all 20 bodies now
        latencies = health_three_times(stack.nginx_port)
        # still receiving: neither refused nor answered
        pending = [read_response(sock, timeout=0.05) for sock in sockets]
    assert pending == [None] * STALLED
    assert_healthy(latencies)

    # nginx noted each abandoned upload without ever opening an upstream request for it
    deadline = time.monotonic() + 5
    while len(lines_for(stack.nginx_access_log, UPLOAD_URL)) < seen_by_nginx + STALLED:
        assert time.monotonic() < deadline, stack.nginx_access_log.read_text()
        time.sleep(0.1)
    logged = lines_for(stack.nginx_access_log, UPLOAD_URL)[seen_by_nginx:]
    assert all("upstream=- " in line for line in logged), logged
    assert len(lines_for(stack.gunicorn_log, UPLOAD_URL)) == seen_by_gunicorn


@needs_linux
def test_one_address_has_a_few_uploads_in_progress_at_most(stack):
    limit = int(re.search(r"limit_conn\s+huiqi_upload_conn\s+(\d+);", stack.site_conf)[1])
    count = limit + 4
    with opened(slow_uploads(stack.nginx_port, count, ["127.0.2.1"] * count)) as sockets:
        time.sleep(0.3)  # refusals come at once; the others stay unanswered
        answers = [read_response(sock, timeout=0.05) for sock in sockets]
    refused = [answer for answer in answers if answer is not None]
    assert len(refused) == count - limit
    assert {answer.status for answer in refused} == {429}
    assert "请求过于频繁" in refused[0].text


@needs_linux
def test_login_posts_are_rate_limited_per_address(stack):
    burst = int(re.search(r"zone=huiqi_login burst=(\d+)", stack.site_conf)[1])
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    statuses = [
        request(
            stack.nginx_port, "POST", "/accounts/login/", body=b"username=a&password=b",
            headers=form, source="127.0.3.1",
        ).status
        for _ in range(burst + 6)
    ]  # fmt: skip
    passed = [status for status in statuses if status != 429]
    assert burst + 1 <= len(passed) <= burst + 2, statuses  # +1 if the 6 s refill came by
    assert 403 in passed  # Django answered those (no CSRF token)
    assert statuses[-1] == 429
    # reading the form is not limited, nor is another address
    assert request(stack.nginx_port, "GET", "/accounts/login/", source="127.0.3.1").status == 200
    other = request(
        stack.nginx_port, "POST", "/accounts/login/", body=b"", headers=form, source="127.0.3.2"
    )
    assert other.status == 403


def test_plain_http_is_sent_to_https(stack):
    answer = request(stack.redirect_port, "GET", "/policies/?q=%E8%A1%A5%E8%B4%B4")
    assert answer.status == 301
    assert (
        answer.headers["location"] == "https://policy.example.gov.cn/policies/?q=%E8%A1%A5%E8%B4%B4"
    )


# --- gunicorn alone (a node reached without nginx) ------------------------------------------
def test_gunicorn_alone_refuses_a_declared_fifty_gigabytes_from_the_head(stack):
    """portal/limits.py answers without waiting for the body (one request: how gunicorn then
    drains and closes the connection is its own business, see the module docstring)."""
    with opened([open_upload(stack.gunicorn_port, 50_000_000_000, 300)]) as (sock,):
        started = time.monotonic()
        answer = read_response(sock, timeout=HEALTH_BUDGET)
        elapsed = time.monotonic() - started
    assert answer is not None and answer.status == 413
    assert answer.text == "上传内容过大：单个文件不得超过 10 MB。"
    assert elapsed < HEALTH_BUDGET


def test_gunicorn_alone_refuses_a_chunked_body(stack):
    with opened([socket.create_connection(("127.0.0.1", stack.gunicorn_port), timeout=5)]) as (
        sock,
    ):
        sock.sendall(
            f"POST {UPLOAD_URL} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\r\n100\r\n".encode()
        )
        answer = read_response(sock, timeout=HEALTH_BUDGET)
    assert answer is not None and answer.status == 411
    assert "Content-Length" in answer.text


# --- the comparison (not a test) --------------------------------------------------------------
def _report():
    """/healthz with 20 stalled uploads open, straight to gunicorn and through nginx."""

    def row(port, make, timeout=20.0):
        with opened(make(port)) as sockets, Trickle(sockets):
            time.sleep(0.5)
            measured = health_three_times(port, timeout=timeout)
        time.sleep(1.0)  # let gunicorn's threads notice the closed connections
        return ", ".join(f"> {timeout:.0f} s" if s is None else f"{t:.3f} s" for s, t in measured)

    sources = [f"127.0.1.{i}" for i in range(1, STALLED + 1)]
    cases = {
        "declaring 50 GB, 300 bytes sent": lambda port: [
            open_upload(port, 50_000_000_000, 300) for _ in range(STALLED)
        ],
        "1 MB declared, a byte / 0.2 s": lambda port: slow_uploads(port, STALLED, sources),
    }
    with loopback_stack() as running:
        print(f"{'20 stalled uploads':34} {'straight to gunicorn':32} through nginx")
        print(f"{'(none)':34} {row(running.gunicorn_port, lambda p: []):32} "
              f"{row(running.nginx_port, lambda p: [])}")  # fmt: skip
        for name, make in cases.items():
            direct = row(running.gunicorn_port, make)
            proxied = row(running.nginx_port, make)
            print(f"{name:34} {direct:32} {proxied}")


if __name__ == "__main__":
    started = time.monotonic()
    _report()
    print(f"({time.monotonic() - started:.1f} s)")
