"""How the portal talks to PostgreSQL: parameters bound on the server and statements a
connection runs again and again prepared there (portal/settings.py, DJANGO_PG_PREPARE)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from policies.models import Measure

ROOT = Path(__file__).resolve().parents[2]

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def database_options(**env) -> dict:
    """The database OPTIONS the settings make of this environment (in a fresh process: the
    settings are read once, at start)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_binds_on_the_server_and_prepares_after_five_runs_unless_told_otherwise():
    url = "postgres://portal@db.example:5432/portal"
    options = database_options(DATABASE_URL=url)
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    assert database_options(DATABASE_URL=url, DJANGO_PG_PREPARE="2")["prepare_threshold"] == 2
    off = database_options(DATABASE_URL=url, DJANGO_PG_PREPARE="0")
    assert "server_side_binding" not in off and "prepare_threshold" not in off


def test_sqlite_gets_no_postgresql_options(tmp_path):
    options = database_options(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_sqlite_reads_through_a_memory_map_unless_told_otherwise(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert database_options(DATABASE_URL=url)["init_command"] == "PRAGMA mmap_size=268435456"
    off = database_options(DATABASE_URL=url, DJANGO_SQLITE_MMAP_BYTES="0")
    assert off["init_command"] == "PRAGMA mmap_size=0"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a pragma of SQLite's")
@pytest.mark.django_db
def test_a_sqlite_connection_has_the_memory_map():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        assert cursor.fetchone()[0] == 256 * 1024 * 1024


@on_postgresql
@pytest.mark.django_db
def test_a_query_run_again_is_prepared_on_the_connection(measure):
    """What the setting is for: PostgreSQL plans a page's queries once per connection, not
    on every request. A statement the connection ran five times is in its prepared set."""

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    table = Measure._meta.db_table
    assert not [s for s in prepared() if table in s and "LIMIT 21" in s]
    for _ in range(6):
        assert Measure.all_objects.get(pk=measure.pk).pk == measure.pk
    statements = [s for s in prepared() if table in s and "LIMIT 21" in s]
    assert statements, prepared()
    assert "$1" in statements[0]  # the id is a parameter: one plan for every measure
