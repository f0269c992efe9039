"""Many staff approving the same applications at once: each moves exactly once.

Real threads with their own database connections (transactional_db). The guard is the
conditional UPDATE in ``services._move``; on SQLite the writers are also serialised by
``BEGIN IMMEDIATE`` (settings), on PostgreSQL the second UPDATE waits for the first and
then matches no row.
"""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import OperationalError, connection

from applications import services
from applications.models import Application, ApplicationEvent
from applications.states import State
from applications.workflow import district_department

from .conftest import make_staff, submitted

THREADS = 8
APPLICATIONS = 24


LOCK = threading.Lock()


def _approve_all(user, pks, outcomes, barrier):
    rng = random.Random(user.pk)
    order = list(pks)
    rng.shuffle(order)

    def count(key):
        with LOCK:
            outcomes[key] += 1

    barrier.wait()
    try:
        for pk in order:
            for _attempt in range(500):
                try:
                    services.approve_step(pk, user)
                    count("moved")
                except services.StaleState:
                    count("stale")
                except services.TransitionError:
                    count("refused")  # read after the move: no longer at this step
                except OperationalError:  # SQLite's shared in-memory test db: locked, retry
                    time.sleep(rng.uniform(0.001, 0.02))
                    continue
                break
            else:
                count("gave_up")
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_it_moves_each_application_exactly_once(transactional_catalogue, personas, measure):
    district = personas.enterprise_a.enterprise_membership.enterprise.district
    department = district_department(district, "商务局")
    staff = [personas.district_staff_a] + [
        make_staff(f"tiedong_{n}", department) for n in range(THREADS - 1)
    ]
    pks = [submitted(personas.enterprise_a, measure).pk for _ in range(APPLICATIONS)]
    outcomes = Counter()
    barrier = threading.Barrier(THREADS)
    threads = [
        threading.Thread(target=_approve_all, args=(user, pks, outcomes, barrier)) for user in staff
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes["gave_up"] == 0
    # What the threads saw: at most one success each (on SQLite's shared in-memory test
    # database a lock error can surface after a success, so a success may be seen as a
    # refusal on retry); the database below is the authority.
    assert 1 <= outcomes["moved"] <= APPLICATIONS
    assert outcomes["moved"] + outcomes["stale"] + outcomes["refused"] == THREADS * APPLICATIONS
    rows = Application.objects.filter(pk__in=pks)
    assert set(rows.values_list("state", "position")) == {(State.IN_REVIEW, 2)}
    assert set(rows.values_list("version", flat=True)) == {2}  # submit + one pass
    passes = Counter(
        ApplicationEvent.objects.filter(application__in=pks, action="pass").values_list(
            "application_id", flat=True
        )
    )
    assert passes == Counter({pk: 1 for pk in pks})
