import threading
import time

from sim.slots import TrainingSlots, threads_per_burst


def test_at_most_capacity_run_at_once_and_waiters_are_told():
    slots = TrainingSlots(2)
    peak, lock, told = [0], threading.Lock(), []

    def work(i):
        with slots.hold(on_queued=lambda n: told.append(i), poll_s=0.01):
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


def test_threads_per_burst_never_zero():
    assert threads_per_burst(1000) == 1


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
