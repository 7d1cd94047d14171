"""The map's render thread: a new time on the same view lets the frame in hand finish; a new view cancels it."""

from __future__ import annotations

import threading
from typing import Any

from floodpost.layers.model.viewport import Viewport
from floodpost.layers.render.painter import Cancelled
from floodpost.ui.map.canvas import _RenderWorker


class _Painter:
    """Draws a "frame" only when the test lets it, watching ``cancelled`` meanwhile like the map painter."""

    def __init__(self) -> None:
        self.started = threading.Semaphore(0)
        self.go = threading.Event()
        self.drawn: list[Any] = []

    def render_image(self, viewport: Viewport, layers: Any, *, scale: float, stats: Any, cancelled: Any) -> Any:
        self.started.release()
        while not self.go.wait(0.01):
            if cancelled():
                raise Cancelled
        self.go.clear()
        self.drawn.append(layers)
        return layers


class _Scene:
    def __init__(self, painter: _Painter) -> None:
        self.painter = painter
        self.layers = "first"


def _worker() -> tuple[_RenderWorker, list[tuple[int, Any]], threading.Semaphore]:
    got: list[tuple[int, Any]] = []
    arrived = threading.Semaphore(0)

    def deliver(gen: int, img: Any, viewport: Viewport, stats: Any, seconds: float) -> None:
        got.append((gen, img))
        arrived.release()

    return _RenderWorker(deliver), got, arrived


def test_a_slider_step_lets_the_frame_in_hand_finish_then_draws_the_newest() -> None:
    painter = _Painter()
    scene = _Scene(painter)
    view = Viewport(0.0, 0.0, 10.0, 400, 300)
    worker, got, arrived = _worker()
    try:
        first = worker.submit(view, scene)
        assert painter.started.acquire(timeout=5)
        scene.layers = "second"
        worker.submit(view, scene)  # superseded before it starts: never drawn
        scene.layers = "third"
        third = worker.submit(view, scene)
        painter.go.set()  # the first frame finishes: it is newer than what the map shows
        assert arrived.acquire(timeout=5)
        assert got == [(first, "first")]
        assert painter.started.acquire(timeout=5)
        painter.go.set()
        assert arrived.acquire(timeout=5)
        assert got[-1] == (third, "third") and painter.drawn == ["first", "third"]
    finally:
        painter.go.set()
        worker.stop()


def test_a_new_view_cancels_the_frame_in_hand() -> None:
    painter = _Painter()
    scene = _Scene(painter)
    worker, got, arrived = _worker()
    try:
        worker.submit(Viewport(0.0, 0.0, 10.0, 400, 300), scene)
        assert painter.started.acquire(timeout=5)
        panned = worker.submit(Viewport(500.0, 0.0, 10.0, 400, 300), scene)
        assert painter.started.acquire(timeout=5)  # the pan's frame started: the first was given up
        painter.go.set()
        assert arrived.acquire(timeout=5)
        assert [g for g, _ in got] == [panned] and len(painter.drawn) == 1
    finally:
        painter.go.set()
        worker.stop()
