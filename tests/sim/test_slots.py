import threading
import time

import torch

from sim.config import DEFAULT, RunConfig, step_cost
from sim.device import CPU_THREADS_MIN_COST, burst_threads, cpu_threads, thread_cost
from sim.slots import SLOTS, TrainingSlots, configure_threads, default_capacity


def test_at_most_capacity_run_at_once_and_waiters_are_told():
    slots = TrainingSlots(2)
    peak, lock, told = [0], threading.Lock(), []

    def work(i):
        with slots.hold(on_queued=lambda n: told.append(i), poll_s=0.01, threads=1):
            with lock:
                peak[0] = max(peak[0], slots.running)
            time.sleep(0.05)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert peak[0] == 2
    assert len(told) >= 4  # six callers, two slots: at least four had to wait
    assert slots.running == 0 and slots.waiting == 0


def test_slot_released_when_body_raises():
    slots = TrainingSlots(1)
    try:
        with slots.hold():
            raise KeyboardInterrupt  # what a Streamlit rerun looks like: a BaseException
    except KeyboardInterrupt:
        pass
    with slots.hold(on_queued=lambda n: (_ for _ in ()).throw(AssertionError("queued"))):
        assert slots.running == 1


def test_a_holder_takes_between_one_thread_and_all():
    slots = TrainingSlots(4)
    assert [slots.size(n) for n in (0, 1, 3, 99, None)] == [1, 1, 3, 4, 4]
    assert TrainingSlots(0).capacity == 1


def test_capacity_is_counted_in_threads():
    """Two one-thread bursts share two cores; a burst that wants both waits for them."""
    slots = TrainingSlots(2)
    release, told = threading.Event(), []
    small = [threading.Thread(target=_hold, args=(slots, 1, release)) for _ in range(2)]
    for th in small:
        th.start()
    while slots.running < 2:  # both admitted at once, neither queued
        time.sleep(0.001)
    assert slots.threads == 2 and slots.waiting == 0
    big = threading.Thread(target=_hold, args=(slots, None, release, told))
    big.start()
    while not told:
        time.sleep(0.001)
    assert slots.running == 2  # the big one queued behind them
    release.set()
    for th in [*small, big]:
        th.join(5)
    assert slots.running == 0 and slots.threads == 0 and slots.waiting == 0


def test_a_small_burst_does_not_overtake_a_waiting_big_one():
    slots = TrainingSlots(2)
    order, told = [], []
    first_release = threading.Event()
    first = threading.Thread(target=_hold, args=(slots, 1, first_release))
    first.start()
    while slots.running == 0:
        time.sleep(0.001)
    big = threading.Thread(target=_hold, args=(slots, 2, None, told, order, "big"))
    big.start()
    while not told:
        time.sleep(0.001)
    small = threading.Thread(target=_hold, args=(slots, 1, None, told, order, "small"))
    small.start()
    while len(told) < 2:  # one thread is free, but the big one came first: the small one waits
        time.sleep(0.001)
    first_release.set()
    for th in (first, big, small):
        th.join(5)
    assert order == ["big", "small"]


def test_the_holder_trains_on_its_threads_and_gets_its_own_back():
    slots = TrainingSlots(2)
    before = torch.get_num_threads()
    with slots.hold(threads=1) as n:
        assert n == 1 and torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with slots.hold() as n:
        assert n == 2 and torch.get_num_threads() == 2
    assert torch.get_num_threads() == before


def test_the_room_has_one_thread_per_core_and_work_outside_a_slot_one():
    assert SLOTS.capacity == default_capacity() >= 1
    before = torch.get_num_threads()
    try:
        assert configure_threads() == 1 == torch.get_num_threads()
        seen = []
        later = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
        later.start()
        later.join(5)
        assert seen == [1]  # a script thread started after it: one thread too
    finally:
        torch.set_num_threads(before)


def test_threads_follow_the_networks_cost():
    assert step_cost(DEFAULT) < CPU_THREADS_MIN_COST
    assert cpu_threads(step_cost(DEFAULT), "cpu", cores=2) == 1  # the default: one thread
    big = RunConfig(depth=8, width=256, batch_size=256)
    assert cpu_threads(step_cost(big), "cpu", cores=2) == 2  # a big one: every core
    assert cpu_threads(step_cost(big), "cpu", cores=1) == 1
    assert cpu_threads(step_cost(big), "cuda", cores=8) == 1  # the CPU only launches kernels


def test_a_recurrent_network_is_judged_by_one_time_steps_cost():
    lstm = RunConfig(arch="lstm", activation="tanh", seq_len=50, width=32, batch_size=64)
    assert step_cost(lstm) >= CPU_THREADS_MIN_COST  # the whole sequence would take two
    assert thread_cost(lstm) == step_cost(lstm) / 50 < CPU_THREADS_MIN_COST
    assert burst_threads(lstm, "cpu", cores=2) == 1  # small cells: one thread
    wide = lstm.replace(seq_len=20, width=256, batch_size=256, n_samples=2000)
    assert thread_cost(wide) >= CPU_THREADS_MIN_COST
    assert burst_threads(wide, "cpu", cores=2) == 2  # one wide cell's step: every core
    assert burst_threads(wide, "cuda", cores=8) == 1
    assert thread_cost(DEFAULT) == step_cost(DEFAULT)  # an MLP: its whole step


def _hold(slots, threads, release=None, told=None, order=None, name=None):
    on_queued = (lambda n: told.append(name)) if told is not None else None
    with slots.hold(on_queued=on_queued, poll_s=0.01, threads=threads):
        if order is not None:
            order.append(name)
        if release is not None:
            release.wait(5)


def test_waiters_are_served_in_arrival_order():
    slots = TrainingSlots(1)
    order, started = [], []
    gate = threading.Event()

    def first():
        with slots.hold():
            gate.wait(5)

    def later(i):
        with slots.hold(on_queued=lambda n: started.append(i), poll_s=0.01):
            order.append(i)

    holder = threading.Thread(target=first)
    holder.start()
    while slots.running == 0:
        time.sleep(0.001)
    waiters = []
    for i in range(5):
        t = threading.Thread(target=later, args=(i,))
        t.start()
        waiters.append(t)
        while len(started) <= i:  # each waiter queued before the next arrives
            time.sleep(0.001)
    gate.set()
    for t in [holder, *waiters]:
        t.join(5)
    assert order == [0, 1, 2, 3, 4]
    assert slots.running == 0 and slots.waiting == 0
