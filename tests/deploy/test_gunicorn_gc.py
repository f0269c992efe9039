"""portal/gunicorn.conf.py tunes the garbage collector of each worker once Django is loaded."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "portal" / "gunicorn.conf.py"


def test_a_worker_freezes_what_is_loaded_and_collects_its_youngest_objects_less_often(
    monkeypatch,
):
    before = gc.get_threshold()
    monkeypatch.delenv("GUNICORN_GC_THRESHOLD", raising=False)
    conf = runpy.run_path(str(CONF))
    try:
        conf["post_worker_init"](worker=None)
        assert gc.get_threshold() == (50_000, *before[1:])
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_threshold_can_be_set_back_to_pythons(monkeypatch):
    before = gc.get_threshold()
    monkeypatch.setenv("GUNICORN_GC_THRESHOLD", "700")
    conf = runpy.run_path(str(CONF))
    try:
        conf["post_worker_init"](worker=None)
        assert gc.get_threshold()[0] == 700
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
