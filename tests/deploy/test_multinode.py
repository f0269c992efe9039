"""Two gunicorn nodes on loopback sharing PostgreSQL, Redis and an S3 object store (issue 14).

The stack, started once for the module:

* a moto server (``moto.server.ThreadedMotoServer``, a free port) standing in for the object
  store, with one bucket; both nodes store uploads there (``PORTAL_S3_BUCKET``);
* a fresh PostgreSQL database on the machine's server (``PGHOST``/``PGPORT``/``PGUSER``,
  default 127.0.0.1:5432, postgres), migrated and given the catalogue, an enterprise user with
  two drafts and a superuser (``tests/deploy/multinode_world.py``); dropped at the end;
* Redis (``PORTAL_TEST_REDIS_URL``, default redis://127.0.0.1:6379/15) as the shared cache
  and session store, under a key prefix of the run's own (``PORTAL_CACHE_KEY_PREFIX``), so
  that two runs on one machine do not meet; its keys are deleted at the end;
* two gunicorn nodes, A and B, as in production (``portal/gunicorn.conf.py``, 2 workers x 4
  threads each, debug off, tasks queued as in production), each with its own empty
  ``DJANGO_MEDIA_ROOT`` that must stay empty.

Then, over real HTTP (one ``requests.Session`` is one browser; a load balancer switching it
between nodes is the test sending it to A or B):

1. an upload through A downloads through B, byte for byte; the object is in the bucket and
   in neither node's MEDIA_ROOT;
2. a session begun on A is signed in on B, still after Redis lost its keys, and a logout on B
   ends it on A;
3. a measure's title changed in the admin on A shows on B's page at once, though B had
   served (and cached) the page before;
4. A killed (SIGKILL, master and workers) right after an upload answered and while another
   is half sent: B serves the answered one, nothing of the other; A restarted serves again,
   the browser still signed in;
5. a mail queued by a request on A (a password reset) is sent by a job worker
   (``manage.py db_worker --batch``) run with B's environment.

Skipped when PostgreSQL or Redis cannot be reached (failed instead with
``PORTAL_REQUIRE_MULTINODE=1``, meant for CI), or when moto is not installed. Skipped on
PostgreSQL too: the stack always makes its own database, so CI's second run (the suite again
on PostgreSQL) would only repeat it.
"""

import contextlib
import html
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.applications.helpers import PDF, make_pdf
from tests.deploy.test_nginx_loopback import free_port, stop, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGPORT = int(os.environ.get("PGPORT", "5432"))
PGUSER = os.environ.get("PGUSER", "postgres")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BUCKET = "huiqi-uploads"
REGION = "us-east-1"
PUBLIC_HOST = "localhost"
TODAY_IN_TERM = "2023-10-16"  # 鞍山 2023 item 3（1）takes applications then


# --- the stack ------------------------------------------------------------------------------
@dataclass
class Node:
    name: str
    port: int
    env: dict
    log: Path
    media_root: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", "portal/gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: master and workers
            )

    def wait(self) -> None:
        wait_healthy(self.port, self.process, self.log)

    def manage(self, *args: str, timeout: float = 60) -> str:
        """``manage.py`` run on this node (its environment); its output."""
        done = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        return done.stdout.decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: no graceful anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@dataclass
class Stack:
    a: Node
    b: Node
    s3: object  # a boto3 client of the moto server
    redis: object
    key_prefix: str
    world: dict
    database_url: str
    nodes: list = field(default_factory=list)

    def cache_keys(self) -> list[bytes]:
        return cache_keys(self.redis, self.key_prefix)

    def flush_cache(self) -> None:
        """What a Redis restarted empty would do to this stack's keys."""
        delete_cache_keys(self.redis, self.key_prefix)

    def sql(self, query: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            return conn.execute(query).fetchall()

    def stored_objects(self) -> dict[str, bytes]:
        listing = self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {
            item["Key"]: self.s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
            for item in listing
        }

    def local_files(self) -> list[Path]:
        return [p for node in self.nodes for p in node.media_root.rglob("*") if p.is_file()]


def cache_keys(cache, prefix: str) -> list[bytes]:
    return list(cache.scan_iter(match=f"{prefix}:*", count=1000))


def delete_cache_keys(cache, prefix: str) -> None:
    for key in cache_keys(cache, prefix):
        cache.delete(key)


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_services():
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        pytest.skip("runs once, in the SQLite run: the multi-node stack makes its own database")
    redis_at = urlsplit(REDIS_URL)
    missing = [
        what
        for what, ok in [
            (f"PostgreSQL at {PGHOST}:{PGPORT}", reachable(PGHOST, PGPORT)),
            (
                f"Redis at {redis_at.hostname}:{redis_at.port or 6379}",
                reachable(redis_at.hostname, redis_at.port or 6379),
            ),
        ]
        if not ok
    ]
    if missing:
        message = "multi-node test needs " + " and ".join(missing)
        if os.environ.get("PORTAL_REQUIRE_MULTINODE") == "1":
            pytest.fail(message)
        pytest.skip(message)


def admin_dsn(database: str = "postgres") -> str:
    return f"postgres://{PGUSER}@{PGHOST}:{PGPORT}/{database}"


@contextlib.contextmanager
def postgres_database():
    import psycopg

    name = f"huiqi_multinode_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        yield admin_dsn(name)
    finally:
        with psycopg.connect(admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def moto_server():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per S3 request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def stop_nodes(nodes: list) -> None:
    # SIGKILL: nothing on a node is worth a graceful stop (that is the point), and gunicorn
    # would wait 10 s for threads idling on the tests' keep-alive connections.
    for node in nodes:
        if node.process is not None:
            stop(node.process, signal.SIGKILL)


@contextlib.contextmanager
def multinode_stack():
    import boto3
    import redis

    # Undone in reverse order: the nodes stop first, then the database is dropped, moto
    # stops, the stack's Redis keys are deleted and the directory removed.
    with contextlib.ExitStack() as undo:
        workdir = Path(tempfile.mkdtemp(prefix="huiqi-multinode-"))
        undo.callback(shutil.rmtree, workdir, ignore_errors=True)
        cache = redis.Redis.from_url(REDIS_URL)
        undo.callback(cache.close)
        key_prefix = f"huiqi-multinode-{uuid.uuid4().hex[:12]}"
        undo.callback(delete_cache_keys, cache, key_prefix)
        endpoint = undo.enter_context(moto_server())
        database_url = undo.enter_context(postgres_database())

        keys = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
        )
        s3.create_bucket(Bucket=BUCKET)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(
                ("DJANGO_", "PORTAL_", "GUNICORN_", "DATABASE_", "REDIS_", "AWS_")
            )
        }
        env.update(
            keys,
            DJANGO_SETTINGS_MODULE="portal.settings",
            DJANGO_DEBUG="0",
            # plain static storage, no collectstatic, fast hashing; all else as production
            DJANGO_TESTING="1",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
            PORTAL_CACHE_KEY_PREFIX=key_prefix,
            PORTAL_S3_BUCKET=BUCKET,
            PORTAL_S3_ENDPOINT_URL=endpoint,
            PORTAL_S3_REGION=REGION,
            PORTAL_S3_ADDRESSING_STYLE="path",
            PORTAL_TODAY=TODAY_IN_TERM,
            PORTAL_TASKS_IMMEDIATE="0",  # mail is queued in PostgreSQL, as in production
            GUNICORN_WORKERS="2",
            GUNICORN_THREADS="4",
            GUNICORN_ACCESSLOG="-",
            PYTHONUNBUFFERED="1",
        )
        nodes: list[Node] = []
        for name in ("a", "b"):
            port, media = free_port(), workdir / name / "uploads"
            media.mkdir(parents=True)
            node_env = dict(env, DJANGO_MEDIA_ROOT=str(media), GUNICORN_BIND=f"127.0.0.1:{port}")
            nodes.append(Node(name, port, node_env, workdir / f"{name}.log", media))

        # The database is built while the nodes boot (they need it only to answer).
        world = subprocess.Popen(
            [str(PYTHON), "-m", "tests.deploy.multinode_world"],
            cwd=ROOT,
            env=nodes[0].env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        undo.callback(stop, world, signal.SIGTERM)
        undo.callback(stop_nodes, nodes)
        for node in nodes:
            node.start()
        output, errors = world.communicate(timeout=180)
        if world.returncode:
            raise RuntimeError(f"building the world failed:\n{errors.decode()}")
        for node in nodes:
            node.wait()
        stack = Stack(
            a=nodes[0],
            b=nodes[1],
            s3=s3,
            redis=cache,
            key_prefix=key_prefix,
            world=json.loads(output.decode().strip().splitlines()[-1]),
            database_url=database_url,
            nodes=nodes,
        )
        yield stack


@pytest.fixture(scope="module")
def stack():
    require_services()
    pytest.importorskip("moto.server", reason="moto[server] is in the test extras")
    with multinode_stack() as running:
        yield running


# --- a browser ------------------------------------------------------------------------------
class FormParser(HTMLParser):
    """The fields a browser would submit from each form of a page: [(attrs, [[name, value]])]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict, list]] = []
        self._select = None  # the name of the <select> being read
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs, []))
            return
        if not self.forms:
            return
        fields = self.forms[-1][1]
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            fields.append([name, attrs.get("value") or ("on" if kind == "checkbox" else "")])
        elif tag == "select" and name and "disabled" not in attrs:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            fields.append([self._select, attrs.get("value") or ""])
        elif tag == "textarea" and name and "disabled" not in attrs:
            self._textarea = [name, ""]
            fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # a browser drops the one newline right after <textarea>
            self._textarea[1] = self._textarea[1].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(page: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormParser()
    parser.feed(page)
    for attrs, fields in parser.forms:
        if attrs.get("id") == form_id:
            return [(name, value) for name, value in fields]
    raise AssertionError(f"no form with id {form_id!r} on the page")


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match[1]


def browser():
    import requests

    session = requests.Session()
    # the public name a load balancer passes on to whichever node (pages are cached per host)
    session.headers["Host"] = PUBLIC_HOST
    return session


def sign_in(session, node: Node, username: str, password: str, admin=False):
    path = "/admin/login/" if admin else "/accounts/login/"
    page = session.get(node.url + path, timeout=10)
    assert page.status_code == 200, page.status_code
    answer = session.post(
        node.url + path,
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": username,
            "password": password,
            "next": "/admin/" if admin else "/applications/",
        },
        headers={"Referer": node.url + path},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    return answer


def signed_in_as(session, node: Node, username: str) -> bool:
    page = session.get(node.url + "/applications/", allow_redirects=False, timeout=10)
    return page.status_code == 200 and username in page.text


def upload(session, node: Node, application: int, name: str, content: bytes, material: str):
    detail = session.get(f"{node.url}/applications/{application}/", timeout=10)
    assert detail.status_code == 200, detail.status_code
    return session.post(
        f"{node.url}/applications/{application}/upload/",
        data={"csrfmiddlewaretoken": csrf_token(detail.text), "material": material},
        files={"file": (name, content, "application/pdf")},
        allow_redirects=False,
        timeout=20,
    )


def attachment_links(session, node: Node, application: int) -> dict[str, str]:
    """{original name: download path} from the application's page on ``node``."""
    page = session.get(f"{node.url}/applications/{application}/", timeout=10)
    assert page.status_code == 200, page.status_code
    links = {}
    pattern = rf'href="(/applications/{application}/attachments/\d+/)"[^>]*>\s*([^<]+?)\s*<'
    for href, text in re.findall(pattern, page.text):
        links[html.unescape(text)] = href
    return links


@pytest.fixture(scope="module")
def enterprise(stack):
    """The enterprise user's browser, signed in on A."""
    session = browser()
    sign_in(session, stack.a, stack.world["enterprise_user"], stack.world["password"])
    return session


# --- the tests ------------------------------------------------------------------------------
def test_an_upload_through_a_downloads_through_b_from_the_object_store(stack, enterprise):
    application = stack.world["applications"][0]
    content = make_pdf(b"<< /Producer (multinode) >>")
    answer = upload(enterprise, stack.a, application, "营业执照 扫描件.pdf", content, "营业执照")
    assert answer.status_code == 302, answer.text[:500]

    links = attachment_links(enterprise, stack.b, application)
    assert "营业执照 扫描件.pdf" in links, links
    download = enterprise.get(stack.b.url + links["营业执照 扫描件.pdf"], timeout=10)
    assert download.status_code == 200
    assert download.content == content
    assert "attachment" in download.headers["Content-Disposition"]

    stored = stack.stored_objects()
    assert list(stored.values()) == [content], list(stored)
    (key,) = stored
    assert re.fullmatch(r"applications/\d{4}/[0-9a-f]{32}\.pdf", key), key
    assert stack.local_files() == []  # nothing in either node's MEDIA_ROOT

    # private: the object grants nobody but its owner anything
    grants = stack.s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"], grants
    assert "URI" not in grants[0]["Grantee"], grants  # not AllUsers / AuthenticatedUsers
    # nor does the portal to anybody else
    stranger = browser().get(stack.b.url + links["营业执照 扫描件.pdf"], allow_redirects=False)
    assert stranger.status_code == 302 and "/accounts/login/" in stranger.headers["Location"]


def test_a_session_begun_on_a_is_signed_in_on_b_and_survives_a_redis_flush(stack):
    session = browser()
    sign_in(session, stack.a, stack.world["enterprise_user"], stack.world["password"])
    user = stack.world["enterprise_user"]
    assert signed_in_as(session, stack.b, user)
    sessions = f"{stack.key_prefix}:1:django.contrib.sessions".encode()
    assert any(key.startswith(sessions) for key in stack.cache_keys())

    stack.flush_cache()  # Redis restarted empty: the sessions are in PostgreSQL as well
    assert stack.cache_keys() == []
    assert signed_in_as(session, stack.b, user)
    assert signed_in_as(session, stack.a, user)

    page = session.get(stack.b.url + "/applications/", timeout=10)
    logout = session.post(
        stack.b.url + "/accounts/logout/",
        data={"csrfmiddlewaretoken": csrf_token(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert logout.status_code == 302
    assert not signed_in_as(session, stack.a, user)


def test_an_admin_edit_on_a_shows_on_bs_cached_page_at_once(stack):
    world = stack.world
    visitor = browser()
    url = stack.b.url + world["measure_url"]
    first, again = visitor.get(url, timeout=10), visitor.get(url, timeout=10)
    assert first.status_code == again.status_code == 200
    assert again.headers["X-Page-Cache"] == "hit"  # B serves it from the shared cache
    assert visitor.get(stack.a.url + world["measure_url"]).headers["X-Page-Cache"] == "hit"
    new_title = "经两节点复核的新标题"
    assert new_title not in again.text

    admin = browser()
    sign_in(admin, stack.a, world["admin_user"], world["password"], admin=True)
    change = admin.get(stack.a.url + world["measure_admin_url"], timeout=10)
    assert change.status_code == 200
    fields = form_fields(change.text, "measure_form")
    assert ("title", world["measure_title"]) in fields
    fields = [(name, new_title if name == "title" else value) for name, value in fields]
    saved = admin.post(
        stack.a.url + world["measure_admin_url"],
        data=fields,
        headers={"Referer": stack.a.url + world["measure_admin_url"]},
        allow_redirects=False,
        timeout=20,
    )
    assert saved.status_code == 302, re.findall(r'class="errorlist[^"]*">(.*?)</ul>', saved.text)

    after = visitor.get(url, timeout=10)  # at once: no waiting, no expiry
    assert after.status_code == 200
    assert new_title in after.text
    assert after.headers["X-Page-Cache"] == "miss"


def test_a_node_killed_mid_request_loses_nothing_committed(stack, enterprise):
    application = stack.world["applications"][1]
    committed = make_pdf(b"<< /Producer (committed before the kill) >>")
    before = set(stack.stored_objects())

    # A request still sending its body when A dies (its upload must leave nothing) …
    half = socket.create_connection(("127.0.0.1", stack.a.port), timeout=5)
    detail = enterprise.get(f"{stack.a.url}/applications/{application}/", timeout=10)
    boundary = "----huiqi-multinode"
    body_head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{csrf_token(detail.text)}\r\n--{boundary}\r\n"
        'Content-Disposition: form-data; name="material"\r\n\r\n营业执照\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="半截.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF[:100]
    cookies = "; ".join(f"{c.name}={c.value}" for c in enterprise.cookies)
    half.sendall(
        (
            f"POST /applications/{application}/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: {cookies}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body_head) + 50_000}\r\n\r\n"
        ).encode()
        + body_head
    )
    try:
        # … and one that A answered: committed, then A is killed at once, master and workers.
        answer = upload(enterprise, stack.a, application, "转账凭证.pdf", committed, "其他材料")
        stack.a.kill()
        assert answer.status_code == 302, answer.text[:500]
        half.settimeout(5)
        with contextlib.suppress(ConnectionError):
            assert half.recv(1024) == b""  # no answer: the connection just closed
    finally:
        half.close()

    # B serves what A committed, and nothing of the half-sent upload
    links = attachment_links(enterprise, stack.b, application)
    assert set(links) == {"转账凭证.pdf"}, links
    assert enterprise.get(stack.b.url + links["转账凭证.pdf"], timeout=10).content == committed
    assert [v for k, v in stack.stored_objects().items() if k not in before] == [committed]

    # A restarted serves again, and the browser is still signed in there
    stack.a.start()
    stack.a.wait()
    assert signed_in_as(enterprise, stack.a, stack.world["enterprise_user"])
    again = enterprise.get(stack.a.url + links["转账凭证.pdf"], timeout=10)
    assert again.status_code == 200 and again.content == committed


def test_mail_queued_through_a_is_sent_by_a_worker_on_b(stack):
    """The job worker can run on any node: the queue is in PostgreSQL."""
    queued = "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path LIKE '%mail%' ORDER BY id"
    before = len(stack.sql(queued))
    visitor = browser()
    form = visitor.get(stack.a.url + "/accounts/password_reset/", timeout=10)
    answer = visitor.post(
        stack.a.url + "/accounts/password_reset/",
        data={"csrfmiddlewaretoken": csrf_token(form.text), "email": "firm_a@example.com"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    statuses = [status for (status,) in stack.sql(queued)][before:]
    assert statuses == ["READY"]  # A queued the mail and did not send it

    output = stack.b.manage("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    assert "To: firm_a@example.com" in output  # the console backend: the worker sent it
    assert f"http://{PUBLIC_HOST}/accounts/reset/" in output
    assert [status for (status,) in stack.sql(queued)][before:] == ["SUCCESSFUL"]
