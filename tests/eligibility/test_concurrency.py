"""Two tabs answering different steps of one self-check at the same moment lose nothing:
``services.record_answers`` merges under a conditional update on the check's version.
Real threads with their own connections (transactional_db), SQLite and PostgreSQL alike."""

import random
import threading
import time

import pytest
from django.db import OperationalError, connection

from policies.eligibility import services
from policies.eligibility.models import SavedCheck
from policies.models import City

THREADS = 8
ROUNDS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_steps_keep_every_answer(transactional_catalogue):
    city = City.objects.get(slug="anshan")
    check = SavedCheck.objects.create(city=city, answers={"industry": "C"})
    barrier = threading.Barrier(THREADS)
    errors = []

    def answer(index):
        rng = random.Random(index)
        barrier.wait()
        try:
            for round_ in range(ROUNDS):
                key = f"t{index}_r{round_}"
                for _attempt in range(200):
                    try:
                        services.record_answers(
                            SavedCheck.objects.get(pk=check.pk), {key: round_}, [f"s{index}"]
                        )
                        break
                    except OperationalError:  # SQLite's shared test database: locked, retry
                        time.sleep(rng.uniform(0.001, 0.02))
                else:
                    errors.append(key)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    check.refresh_from_db()
    expected = {f"t{i}_r{r}": r for i in range(THREADS) for r in range(ROUNDS)}
    assert {k: v for k, v in check.answers.items() if k != "industry"} == expected
    assert check.answers["industry"] == "C"
    assert sorted(check.skipped) == sorted(f"s{i}" for i in range(THREADS))
    # a retry after a write that committed (SQLite: "database is locked" on the reread)
    # merges the same answer again: idempotent, one more version
    assert check.version >= THREADS * ROUNDS
