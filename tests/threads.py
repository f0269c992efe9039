"""Race tests with real threads: ``race(*calls)`` starts each call in its own thread at the
same moment (a barrier) and returns what each returned or raised, in order. Each thread
closes its database connection, so the calls race on separate connections."""

import threading

from django.db import close_old_connections, connection


def race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 — returned to the test
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
