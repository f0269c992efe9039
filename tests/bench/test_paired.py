"""`make bench` measures a page's throughput beside the trivial view's in alternating rounds
(bench/run.py, ``paired_throughput``): with the load generator given here."""

import pytest

from bench import loadgen, run


@pytest.fixture
def loops(monkeypatch):
    """Each closed loop as (paths, seconds); the trivial view serves 1,000/s, the page as
    ``speeds`` says, one figure per round."""
    calls = []
    speeds = iter([100, 200, 60])

    def loop(port, paths, seconds):
        calls.append((list(paths), seconds))
        rate = 1000 if paths == ["/bench/trivial"] else next(speeds)
        return loadgen.Result(requests=int(rate * seconds), elapsed_s=seconds, tool="fake")

    monkeypatch.setattr(run, "throughput_loop", loop)
    monkeypatch.setattr(loadgen, "wait_until_idle", lambda port, path: 0.0)
    return calls


def test_rounds_alternate_with_the_trivial_view_and_pool_their_requests(loops):
    urls = [f"/p/{n}" for n in range(1000)]
    page, trivial, spread = run.paired_throughput(0, urls, 6, rounds=3)
    pages = [paths for paths, _ in loops if paths != ["/bench/trivial"]]
    assert [len(paths) for paths, _ in loops].count(1) == 6  # before and after each round
    assert [seconds for _, seconds in loops] == [1, 2, 1] * 3
    # each round goes on where the last stopped: 200, then 400 pages asked already
    assert [paths[0] for paths in pages] == ["/p/0", "/p/200", "/p/600"]
    assert page.requests == 200 + 400 + 120 and page.elapsed_s == 6
    assert page.rps == pytest.approx(120)
    assert trivial == pytest.approx(1000)
    assert spread == pytest.approx([0.1, 0.2, 0.06])


def test_a_list_that_runs_out_starts_again_at_its_head(loops):
    urls = [f"/p/{n}" for n in range(250)]
    run.paired_throughput(0, urls, 6, rounds=3)
    pages = [paths for paths, _ in loops if paths != ["/bench/trivial"]]
    assert [paths[0] for paths in pages] == ["/p/0", "/p/200", "/p/100"]  # 600 % 250
    assert all(sorted(paths) == sorted(urls) for paths in pages)
