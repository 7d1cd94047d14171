"""A second process that draws the lower rows of each map frame, so two cores share it.

QPainter holds Python's GIL, so a second thread cannot help the render
thread; a second process can. The helper keeps its own copy of every
layer's shapes: it reads them from the workspace file itself when the layer
shows them as stored (no copy through the pipe), and is sent their flat
arrays (:class:`~floodpost.data.shapes.Shapes`) otherwise. For each frame
it is told the view, the rows it draws and each layer's version and
opacity; it paints those rows with the same ``MapPainter.paint_geometry``
into shared memory, and the render thread lays them into its own picture
between the basemap and the labels.

When the render thread keeps the picture under the moment's layers (a slider
step), it has no rows to share; the helper then draws the overlays that do not
wait for the label placement (``drawn_apart``: force halos, gauges,
operations) on a clear picture of the whole view, while the render thread
draws the moment's layers and places the labels, and lays that picture in
before the depots' tags, the bars and the labels.

If the helper has not started yet, falls behind, fails or dies, the render
thread draws those rows (or overlays) itself: the picture is the same, only slower.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import astuple
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from typing import Any

import numpy as np

from floodpost.layers.model.viewport import Viewport

log = logging.getLogger(__name__)

#: Strip boundaries fall on multiples of this many pixels, so point thinning
#: cells and stamped tiles line up on both sides.
ROW_STEP = 64
#: Seconds to wait for the helper's rows before drawing them here instead.
REPLY_TIMEOUT = 20.0


def helper_count() -> int:
    """How many helper processes to start: none on one core, or when FLOODPOST_RENDER_HELPER=0."""
    setting = os.environ.get("FLOODPOST_RENDER_HELPER", "").strip()
    if setting == "0":
        return 0
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 1 if cores >= 2 or setting == "1" else 0


#: Seconds to wait for the helper's overlays past the time they last took it (then drawn here).
OVERLAY_PATIENCE = 0.03


class Job:
    """One frame's rows (or overlays) handed to the helper."""

    def __init__(self, req: int, top: int, viewport: Viewport, shm: SharedMemory | None = None,
                 overlays: tuple[int, int] | None = None) -> None:
        self.req = req
        self.top = top  # first row the helper draws
        self.viewport = viewport  # the helper's rows as a view of their own
        self.shm = shm  # where the helper draws: None, the rows' memory
        self.overlays = overlays  # the painter's overlays [start:end] it draws (then it draws no rows)


class _Shown:
    """What an overlay reads of a map layer (shown, labelled), without the layer: sent to the helper."""

    def __init__(self, visible: bool, labels: bool) -> None:
        self.visible, self.labels = visible, labels


def portable(overlay: Any) -> Any:
    """The overlay as the helper can be sent it: its map layers replaced by their switches."""
    layers = getattr(overlay, "layers", None)
    if not layers:
        return overlay
    out = copy.copy(overlay)
    out.layers = {k: _Shown(bool(la.visible), bool(la.labels)) for k, la in layers.items()}
    return out


class RenderHelper:
    """The render thread's handle on the helper process.

    ``sync`` (called when a layer is prepared) and ``submit`` only queue
    messages; a sender thread writes them to the pipe in order, turning
    shapes into WKB there when they must be sent. ``wait`` is called from
    the render thread only.
    """

    def __init__(self) -> None:
        self._proc: Any = None
        self._conn: Connection | None = None
        self._ready = False
        self._broken = False
        self._outbox: queue.Queue[Any] = queue.Queue()
        self._sender: threading.Thread | None = None
        self._wanted: Any = None  # shared: the request the helper should finish
        self._req = 0
        self._shm: SharedMemory | None = None
        self._overlay_shm: SharedMemory | None = None
        self._synced: dict[str, int] = {}  # versions sent
        self._prepared: dict[str, int] = {}  # versions the helper says it has prepared
        #: fraction of rows the render thread keeps, adapted to the measured times
        self.share = 0.5
        self._label_s = 0.0
        self._busy = threading.Lock()
        #: frames the render thread finished alone because the helper was still busy
        self.late = 0
        #: frames whose rows the helper drew
        self.frames = 0
        #: the first row the helper drew in the last frame given to it
        self.last_split = 0
        #: frames whose overlays the helper drew, and the seconds they last took it
        self.overlay_frames = 0
        self.overlay_s = 0.0

    # ------------------------------------------------------------ lifecycle
    def start(self) -> bool:
        """Start the process; False if it cannot be.

        It is a fresh interpreter running this module (``python -m``), not a
        multiprocessing child: nothing of this process is inherited or
        re-imported. The pipe is a socket pair; the request counter a
        shared word.
        """
        if self._proc is not None:
            return not self._broken
        try:
            here, there = socket.socketpair()
            self._wanted_shm = SharedMemory(create=True, size=8)
            self._wanted = np.ndarray((1,), dtype=np.int64, buffer=self._wanted_shm.buf)
            self._wanted[0] = 0
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "floodpost.layers.render.helper", str(there.fileno()), self._wanted_shm.name],
                pass_fds=(there.fileno(),), env=env, stdin=subprocess.DEVNULL,
            )
            there.close()
        except (OSError, ValueError) as exc:
            log.warning("render helper not started: %s", exc)
            self._broken = True
            return False
        self._conn = Connection(here.detach())
        self._sender = threading.Thread(target=self._send_loop, name="floodpost-helper-send", daemon=True)
        self._sender.start()
        return True

    def close(self) -> None:
        """Stop the process and free the shared image."""
        if self._proc is None:
            return
        self._outbox.put(None)
        if self._sender is not None:
            self._sender.join(timeout=5)
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._free_shm()
        self._wanted = None
        self._wanted_shm.close()
        self._wanted_shm.unlink()
        self._broken = True

    def _free_shm(self) -> None:
        self._drop("_shm")
        self._drop("_overlay_shm")

    def _drop(self, name: str) -> None:
        shm = getattr(self, name)
        if shm is not None:
            shm.close()
            with contextlib.suppress(FileNotFoundError):
                shm.unlink()
            setattr(self, name, None)

    def _memory(self, name: str, need: int) -> SharedMemory | None:
        """The shared picture ``name`` (``_shm``: rows, ``_overlay_shm``: overlays), at least ``need`` bytes."""
        shm = getattr(self, name)
        if shm is None or shm.size < need:
            self._drop(name)
            try:
                shm = SharedMemory(create=True, size=need)
            except OSError as exc:
                self._fail(f"no shared memory ({exc})")
                return None
            setattr(self, name, shm)
        return shm

    def _fail(self, why: str) -> None:
        if not self._broken:
            log.warning("render helper stopped, drawing without it: %s", why)
        self._broken = True
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()

    @property
    def usable(self) -> bool:
        """Started, ready and healthy; checks for the ready message without waiting."""
        if self._broken or self._conn is None:
            return False
        try:
            while self._conn.poll(0):
                self._note(self._conn.recv())
        except (EOFError, OSError) as exc:
            self._fail(f"no answer ({exc})")
            return False
        return self._ready and self._proc.poll() is None

    def _note(self, msg: tuple) -> None:
        """Take in a message that is not the answer being waited for."""
        if msg[0] == "ready":
            self._ready = True
        elif msg[0] == "prepared":
            self._prepared[msg[1]] = msg[2]

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    # ------------------------------------------------------------ messages
    def _send_loop(self) -> None:
        assert self._conn is not None
        while True:
            msg = self._outbox.get()
            if msg is None:
                with contextlib.suppress(OSError, ValueError):
                    self._conn.send(None)
                return
            try:
                self._conn.send(msg)
            except (OSError, ValueError) as exc:
                self._fail(f"pipe closed ({exc})")
                return

    def sync(self, key: str, version: int, prep: Any, source: tuple[str, str] | None) -> None:
        """Hand the helper a layer's new version: fids, classes, symbols, and where its shapes are."""
        if self._proc is None or self._broken:
            return
        payload = {
            "fids": np.asarray(prep.fids),
            "classes": np.asarray(prep.classes),
            "symbols": list(prep.symbols),
            "polygon_symbols": list(prep.polygon_symbols),
            "source": source,
            "shapes": None if source is not None else prep.shapes.bare(),
        }
        self._synced[key] = version
        self._outbox.put(("layer", key, version, payload))

    def sent(self, key: str, version: int) -> bool:
        """Whether this version of the layer has been handed over."""
        return self._synced.get(key) == version

    def has(self, key: str, version: int) -> bool:
        """Whether the helper has this version prepared (as last heard; see ``usable``)."""
        return self._prepared.get(key) == version

    # ------------------------------------------------------------ frames
    def acquire(self) -> bool:
        """Claim the helper for one frame; False if another thread's frame has it."""
        return self._busy.acquire(blocking=False)

    def release(self) -> None:
        self._busy.release()

    def split_row(self, height: int) -> int:
        """The first row the helper draws: the render thread keeps ``share`` of the rows."""
        top = int(round(height * self.share / ROW_STEP)) * ROW_STEP
        return min(max(top, ROW_STEP), height - ROW_STEP) if height >= 2 * ROW_STEP else 0

    def submit(
        self, viewport: Viewport, layers: list[tuple[str, int, float]], scale: float
    ) -> Job | None:
        """Ask for the lower rows of ``viewport``; None if the helper cannot take them.

        It takes them only once it has every layer's version prepared:
        meanwhile the render thread draws the whole frame.
        """
        if not self.usable or viewport.height < 2 * ROW_STEP:
            return None
        if not all(self.has(key, version) for key, version, _ in layers):
            return None
        top = self.split_row(viewport.height)
        sub = viewport.rows(top, viewport.height)
        if self._memory("_shm", sub.width * sub.height * 4) is None:
            return None
        assert self._shm is not None
        self._req += 1
        self.last_split = top
        self._wanted[0] = self._req
        job = Job(self._req, top, sub)
        self._outbox.put((
            "render", self._req, astuple(sub), astuple(viewport), layers, scale, self._shm.name,
        ))
        return job

    def submit_overlays(self, viewport: Viewport, overlays: list[Any], run: tuple[int, int], scale: float
                        ) -> Job | None:
        """Ask for ``overlays[start:end]`` drawn on a clear picture of ``viewport``; None if the helper
        cannot take them."""
        overlays = overlays[run[0]:run[1]]
        if not overlays or not self.usable or viewport.width < 1 or viewport.height < 1:
            return None
        if any(self._prepared.get(k) != v for k, v in self._synced.items()):
            return None  # still reading a layer sent to it: the overlays would wait behind that
        try:
            payload = pickle.dumps([portable(o) for o in overlays], protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an overlay that cannot travel is drawn here
            log.warning("overlays not sent to the render helper: %s", exc)
            return None
        shm = self._memory("_overlay_shm", viewport.width * viewport.height * 4)
        if shm is None:
            return None
        self._req += 1
        self._wanted[0] = self._req
        self._outbox.put(("overlays", self._req, astuple(viewport), scale, shm.name, payload))
        return Job(self._req, 0, viewport, shm, run)

    def cancel(self) -> None:
        """The newest request is stale: let the helper drop it between layers."""
        if self._wanted is not None:
            self._wanted[0] = -1

    def wait(
        self, job: Job, cancelled: Any = None, patience: float = REPLY_TIMEOUT
    ) -> tuple[Any, float, dict[str, int]] | None:
        """The helper's rows for ``job`` as (QImage over shared memory, seconds, parts drawn per layer), or None.

        None means: draw them yourself (failure, the helper lacked a layer,
        or it is still busy after ``patience`` seconds, e.g. reading a
        workspace just opened; then the frame is withdrawn from it, which is
        no failure). Returns early with None when ``cancelled()`` says so.
        """
        from PySide6.QtGui import QImage

        assert self._conn is not None
        start = time.perf_counter()
        deadline = start + REPLY_TIMEOUT
        while True:
            if cancelled is not None and cancelled():
                self.cancel()
                return None
            try:
                ready = self._conn.poll(0.002)
            except (EOFError, OSError) as exc:
                self._fail(str(exc))
                return None
            if not ready:
                if self._proc.poll() is not None:
                    self._fail(f"exited with code {self._proc.returncode}")
                    return None
                now = time.perf_counter()
                if now > start + patience:
                    self.cancel()
                    self.late += 1
                    return None
                if now > deadline:
                    self._fail("no reply in time")
                    return None
                continue
            try:
                msg = self._conn.recv()
            except (EOFError, OSError) as exc:
                self._fail(str(exc))
                return None
            if msg[0] != "done":
                self._note(msg)
                continue
            if msg[1] != job.req:
                continue  # a stale frame's answer
            _, _, ok, seconds, error, counts = msg
            if not ok:
                if error not in ("cancelled", "missing"):
                    log.warning("render helper failed: %s", error)
                return None
            shm = job.shm or self._shm
            assert shm is not None
            sub = job.viewport
            img = QImage(shm.buf, sub.width, sub.height, sub.width * 4,
                         QImage.Format.Format_ARGB32_Premultiplied)
            if job.overlays is not None:
                self.overlay_frames += 1
                self.overlay_s = float(seconds)
            else:
                self.frames += 1
            return img, float(seconds), counts

    def balance(self, own_s: float, labels_s: float, helper_s: float) -> None:
        """Move the split so both processes finish together next time.

        From the last frame, each side's time per share of rows; the render
        thread, which also places the labels (``L``), should keep the share
        f with f * own_rate + L = (1 - f) * helper_rate, approached halfway.
        """
        if own_s + helper_s <= 0:
            return
        self._label_s = 0.5 * self._label_s + 0.5 * labels_s if self._label_s else labels_s
        f = self.share
        own_rate = own_s / max(f, 1e-3)
        helper_rate = helper_s / max(1 - f, 1e-3)
        target = (helper_rate - self._label_s) / max(own_rate + helper_rate, 1e-9)
        target = min(max(target, 0.15), 0.85)
        self.share = 0.5 * self.share + 0.5 * target


# ---------------------------------------------------------------- the process
def _serve(conn: Connection, wanted: np.ndarray) -> None:
    """The helper's main loop: keep layers current, paint the rows asked for."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter

    from floodpost.data.workspace import Workspace
    from floodpost.layers.render.painter import MapPainter
    from floodpost.layers.render.prepared import PreparedGeometry

    app = QGuiApplication.instance() or QGuiApplication(["floodpost-render-helper"])  # noqa: F841
    painter = MapPainter()
    stored: dict[tuple[str, str], tuple[Any, np.ndarray, Any]] = {}
    layers: dict[str, tuple[int, PreparedGeometry]] = {}
    symbols: dict[Any, Any] = {}
    shms: dict[str, SharedMemory] = {}

    readers: dict[str, Any] = {}  # location -> the workspace opened read-only, kept open

    def memory(name: str) -> SharedMemory:
        shm = shms.get(name)
        if shm is None:
            if len(shms) >= 2:  # the rows' and the overlays' pictures; an older one was let go
                for old in shms.values():
                    old.close()
                shms.clear()
            shm = shms[name] = SharedMemory(name=name)
        return shm

    def shapes(location: str, key: str) -> tuple[np.ndarray, Any]:
        ws = readers.get(location)
        if ws is None:
            ws = readers[location] = Workspace.open(location, read_only=True)
        now = ws.change_token()  # a commit by the window (or anyone) changes it
        hit = stored.get((location, key))
        if hit is None or hit[0] != now:
            fids, geoms = ws.read_geometry(key)
            hit = stored[(location, key)] = (now, fids, geoms)
        return hit[1], hit[2]

    def intern(items: list[Any]) -> list[Any]:
        # one object per distinct symbol, so the painter's atlases are reused
        return [symbols.setdefault(s, s) for s in items]

    conn.send(("ready",))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            break
        if msg is None:
            break
        kind = msg[0]
        try:
            if kind == "layer":
                _, key, version, data = msg
                fids = data["fids"]
                if data["source"] is not None:
                    have, stored_shapes = shapes(*data["source"])
                    if len(have) == len(fids) and np.array_equal(have, fids):
                        geoms = stored_shapes
                    else:  # a filtered copy of the stored layer: its features, in its order
                        pos = np.clip(np.searchsorted(have, fids), 0, max(len(have) - 1, 0))
                        found = have[pos] == fids if len(have) else np.zeros(len(fids), dtype=bool)
                        geoms = stored_shapes.take(np.where(found, pos, -1))
                else:
                    geoms = data["shapes"]
                prep = PreparedGeometry(
                    geoms, data["classes"], intern(data["symbols"]), fids=fids,
                    polygon_symbols=intern(data["polygon_symbols"]),
                )
                layers[key] = (version, prep)
                conn.send(("prepared", key, version))
            elif kind == "render":
                _, req, sub_t, full_t, todo, scale, shm_name = msg
                if wanted[0] != req:
                    conn.send(("done", req, False, 0.0, "cancelled", {}))
                    continue
                t0 = time.perf_counter()
                if any(layers.get(k, (None,))[0] != v for k, v, _ in todo):
                    conn.send(("done", req, False, 0.0, "missing", {}))
                    continue
                sub, full = Viewport(*sub_t), Viewport(*full_t)
                shm = memory(shm_name)
                img = QImage(shm.buf, sub.width, sub.height, sub.width * 4,
                             QImage.Format.Format_ARGB32_Premultiplied)
                img.fill(Qt.GlobalColor.transparent)
                p = QPainter(img)
                p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                stale = False
                counts: dict[str, int] = {}
                for key, _, opacity in todo:
                    if wanted[0] != req:
                        stale = True
                        break
                    p.save()
                    p.setOpacity(opacity)
                    counts[key] = painter.paint_geometry(p, sub, layers[key][1], scale=scale, full=full)
                    p.restore()
                p.end()
                del img
                if stale:
                    conn.send(("done", req, False, 0.0, "cancelled", {}))
                else:
                    conn.send(("done", req, True, time.perf_counter() - t0, None, counts))
            elif kind == "overlays":
                _, req, view_t, scale, shm_name, payload = msg
                if wanted[0] != req:
                    conn.send(("done", req, False, 0.0, "cancelled", {}))
                    continue
                t0 = time.perf_counter()
                view = Viewport(*view_t)
                overlays = pickle.loads(payload)
                shm = memory(shm_name)
                img = QImage(shm.buf, view.width, view.height, view.width * 4,
                             QImage.Format.Format_ARGB32_Premultiplied)
                img.fill(Qt.GlobalColor.transparent)
                p = QPainter(img)
                hidden = painter.paint_overlays(p, view, overlays, scale)
                p.end()
                del img
                conn.send(("done", req, True, time.perf_counter() - t0, None, {"hidden": hidden}))
        except Exception:  # noqa: BLE001 - reported to the render thread, which draws the rows itself
            if kind in ("render", "overlays"):
                conn.send(("done", msg[1], False, 0.0, traceback.format_exc(limit=3), {}))
            elif kind == "layer":
                layers.pop(msg[1], None)
    for ws in readers.values():
        ws.close()
    for shm in shms.values():
        shm.close()


def main(argv: list[str]) -> None:
    """``python -m floodpost.layers.render.helper FD COUNTER``: serve the render thread on socket FD."""
    from multiprocessing import resource_tracker

    # The render thread owns the shared memory and unlinks it; attaching here must not claim it too.
    resource_tracker.register = lambda *args, **kwargs: None  # type: ignore[assignment]
    # Second in line for the CPU: reading a workspace here must not slow the
    # application's own reading of it; drawing rows goes on a free core anyway.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(5)
    # Fewer young collections (as the window's): each frame's overlays arrive as thousands of small
    # objects, and a collection reaching the old ones stalled a frame by 50 ms
    gc.set_threshold(20_000, 20, 20)
    counter = SharedMemory(name=argv[1])
    wanted = np.ndarray((1,), dtype=np.int64, buffer=counter.buf)
    try:
        _serve(Connection(int(argv[0])), wanted)
    finally:
        del wanted
        counter.close()


if __name__ == "__main__":
    main(sys.argv[1:])
