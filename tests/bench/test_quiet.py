"""`make bench` waits for a quiet machine before measuring each size (bench/run.py,
``wait_until_quiet``): read off /proc/stat, with the reading and the sleeping given here."""

from bench import run

# /proc/stat's first line: user nice system idle iowait irq softirq steal guest guest_nice
LINE = "cpu  {user} 0 {system} {idle} {iowait} 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"


def stat(user, system, idle, iowait=0):
    return LINE.format(user=user, system=system, idle=idle, iowait=iowait)


def readings(*texts):
    texts = iter(texts)
    return lambda: next(texts)


def test_cpu_times_count_iowait_as_idle_and_guest_time_once():
    text = "cpu  10 1 5 70 4 2 3 1 9 9\n"
    assert run.cpu_times(text) == (74, 96)  # guest is already part of user


def test_it_returns_after_one_window_on_an_idle_machine():
    sleeps = []
    waited, idle = run.wait_until_quiet(
        read=readings(stat(100, 50, 1000), stat(105, 52, 1190)), sleep=sleeps.append
    )
    assert (waited, sleeps) == (2.0, [2.0])
    assert idle == 190 / 197


def test_it_waits_while_the_cpus_are_busy_and_says_how_idle_they_were_at_last():
    sleeps = []
    texts = [
        stat(0, 0, 0),
        stat(300, 80, 20),  # 5% idle
        stat(500, 150, 50, iowait=10),  # 40 of 300: 13% idle
        stat(510, 155, 235, iowait=10),  # 185 of 200: 92.5% idle
        stat(0, 0, 0),  # never read
    ]
    waited, idle = run.wait_until_quiet(read=readings(*texts), sleep=sleeps.append, share=0.9)
    assert waited == 6.0 and len(sleeps) == 3
    assert idle == 185 / 200


def test_it_gives_up_at_its_limit_on_a_machine_that_stays_busy():
    busy = iter(stat(100 * n, 0, n) for n in range(100))
    waited, idle = run.wait_until_quiet(
        limit=10, read=lambda: next(busy), sleep=lambda seconds: None
    )
    assert waited == 10.0 and idle < 0.02


def test_without_proc_stat_there_is_nothing_to_wait_for():
    def unreadable():
        raise FileNotFoundError("/proc/stat")

    assert run.wait_until_quiet(read=unreadable, sleep=lambda seconds: None) == (0.0, 1.0)
