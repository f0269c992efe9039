"""gunicorn configuration for production (`make serve`).

Every value can be overridden with the matching GUNICORN_* environment variable.
Several nodes running this behind a load balancer share one PostgreSQL (DATABASE_URL), one
Redis (REDIS_URL: the page cache and the sessions) and one object store (PORTAL_S3_BUCKET:
uploads); a node keeps no state of its own (tests/deploy/test_multinode.py runs two).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# One worker per core, two threads each. The pages are CPU-bound Python (SQLite or a near
# PostgreSQL answers in well under a millisecond), so more processes only contend for the
# cores, and each keeps its own memory cache to fill: on 2 cores (make bench) 2 workers
# served cached measure pages at ~900/s where 4 served ~450/s; the threads let a short
# request through while another one searches. Two rather than four: on PostgreSQL every
# statement hands the interpreter's lock to another thread, and four threads contending for
# it cost the worker CPU — uncached measure pages, gunicorn and wrk on 2 cores, 10,000
# measures, the trivial view beside each: 0.132 and 0.134 × its throughput with four
# threads, 0.146 and 0.152 with two (alternating runs, 2026-12-03; first-asked lists and
# searches 0.081–0.087 against 0.082–0.096).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new connections
# over them; without it one worker can take most keep-alive connections while another idles.
reuse_port = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A recycled worker boots Django again and starts with an empty cache: at 2,000 requests a
# 2-core node serving 300 pages a second recycled one every 7 s (make bench).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = 5000
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "portal.wsgi:application"

# Python's cyclic garbage collector, tuned in each worker once Django is loaded: the objects
# alive then (modules, URL patterns, compiled templates) are frozen out of its scans, and its
# youngest generation is collected after 50,000 new objects instead of 700. A page allocates
# thousands of short-lived objects (nodes' output, model instances), so the default collected
# several times a page, scanning what survived. Measured in-process on the bench's 10,000
# measures (2026-12-02, eight alternating rounds in one process): an uncached measure page
# 3.94 → 3.69 ms of CPU (medians). GUNICORN_GC_THRESHOLD=700 restores Python's default.
gc_threshold = int(os.environ.get("GUNICORN_GC_THRESHOLD", "50000"))


def post_worker_init(worker):
    import gc

    gc.freeze()
    gc.set_threshold(gc_threshold, *gc.get_threshold()[1:])
