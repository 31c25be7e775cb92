"""The SES and SNS clients are built on first use, once, however many alert
threads ask at the same moment."""

from __future__ import annotations

import threading
import time

from chalicelib.notify.mailer import LazyClient


def test_a_burst_of_first_uses_builds_the_client_once():
    built: list[object] = []

    def factory() -> object:
        time.sleep(0.01)  # long enough for every thread to arrive while the first builds
        built.append(object())
        return built[-1]

    lazy = LazyClient(factory)
    start = threading.Barrier(20)
    got: list[object] = []

    def use() -> None:
        start.wait()
        got.append(lazy.get())

    threads = [threading.Thread(target=use) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len(got) == 20 and all(client is built[0] for client in got)


def test_nothing_is_built_until_first_use():
    calls: list[int] = []
    LazyClient(lambda: calls.append(1))
    assert calls == []
