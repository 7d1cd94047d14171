"""Live updates: another workstation's changes on this screen within seconds, and the connection badge.

A shared workspace hands out a socket (``Store.watch_fd``) that becomes
readable when another client wrote. A ``QSocketNotifier`` watches it (no
polling loop): the window drains the notifications, a worker thread with its
own connection reads the log since the last entry shown and exactly the rows
it names (:func:`floodpost.data.changes.read_changes`), and the GUI thread
puts those rows into the map layers and the attribute table and asks for the
situation again — the same refresh its own writes take (``_changed``), whose
fold catches up from the log instead of folding everything again.

A GeoPackage pushes nothing (``watch_fd`` is None); another program's writes
to the same file are picked up when the window is activated, by one cheap
comparison of ``Store.change_token``.

The badge in the status bar says whether the server answers: "已连接", or
"连接中断 · 最后联系 3 分钟前" after a read failed. The window keeps
showing the last state it has; while the connection is down one read is
tried again now and then (back-off up to a minute) to find out when it is
back.

A shared workspace opened by the window keeps a local replica (a
replicated store, see :mod:`floodpost.ui.window.outage`): then the badge's
timer polls the store on a worker thread instead (reconnect, replay the
outbox, refresh the replica) and the badge says "离线 · 最后联系 N 分钟前 ·
待发送 K 条 · 冲突 M 条"; when the store switches between server and
replica the window re-reads the workspace as on a reload (view and time
kept) and watches the new socket; entries made offline go to the replica and
show at once like any own write; conflicts the server found in the replay
are put to the officer in the conflict dialog (postponed ones stay counted).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QMessageBox

from floodpost.data.changes import Changes, read_changes
from floodpost.data.schema import TIMED
from floodpost.data.workspace import StaleEdit, StorageError
from floodpost.ui.docks.situationworker import connect_queued
from floodpost.ui.window import outage
from floodpost.ui.window.jobthread import JobThread

THREAD_NAME = "floodpost-changes"
#: Seconds between tries to reach a server that stopped answering: first, and at most.
RETRY_FIRST, RETRY_MAX = 2.0, 60.0
#: Tables the situation is folded from (their change asks for the figures again).
SITUATION_KEYS = (*TIMED, "storage_areas", "depots")


class ChangeReader(JobThread):
    """One thread with its own connection that reads what changed since a log entry.

    The newest request wins (its ``since`` covers the older ones); results
    and failures come back through queued signals with the request's
    generation. Modelled on the situation worker.
    """

    #: generation, Changes
    changesReady = Signal(int, object)
    #: generation, message, whether the workspace could not be reached (a StorageError)
    failed = Signal(int, str, bool)

    def __init__(self, open_reader: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(THREAD_NAME, parent)
        self._open_reader = open_reader
        self._generation = 0
        self._ws: Any = None
        self._start()

    def ask(self, since: int) -> int:
        """Read the changes after log fid ``since``; returns the request's generation."""
        with self._cond:
            self._generation += 1
            gen = self._generation
        self._put((gen, int(since)))
        return gen

    def _work(self, job: tuple[int, int]) -> None:
        gen, since = job
        try:
            if self._ws is None:
                self._ws = self._open_reader()
            changes = read_changes(self._ws, since)
        except Exception as exc:  # noqa: BLE001 - told to the window; the thread lives on
            lost = isinstance(exc, (StorageError, OSError))
            if lost and self._ws is not None:  # a connection that failed is opened afresh next time
                with contextlib.suppress(Exception):  # it is broken already
                    self._ws.close()
                self._ws = None
            self.failed.emit(gen, str(exc) or type(exc).__name__, lost)
            return
        self.changesReady.emit(gen, changes)

    def _finish(self) -> None:
        if self._ws is not None:
            self._ws.close()


class Badge(QLabel):
    """The connection badge: a label that can be clicked (a replicated store then reconnects now)."""

    clicked = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.clicked.emit()
        super().mousePressEvent(event)


class LiveMixin:
    """Methods of the main window (see :mod:`floodpost.ui.window`)."""

    # ``liveChanged`` (a Signal with each Changes put on the screen) is declared on MainWindow:
    # a mixin that is no QObject cannot hold one.

    def _live_init(self) -> None:
        """The badge and the state; called once from the window's constructor."""
        self._live_notifier: QSocketNotifier | None = None
        self._live_pushes = False  # the workspace has a socket (a server), not a file
        self._live_reader: ChangeReader | None = None
        self._live_log_fid = 0
        self._live_gen = 0
        self._live_busy = False
        self._live_again = False
        self._live_token: Any = None
        self._live_contact: float | None = None  # time.time() of the last answer
        self._live_lost = False
        self._live_error = ""
        self._live_retry = RETRY_FIRST
        self._replica_worker: outage.PollWorker | None = None
        self._replica_state: Any = None  # the last ConnectionState polled
        self._replica_gen: int | None = None
        self._replica_online = True  # whether what the window shows was read from the server
        self._replica_asking = False
        self._conflicts_postponed: set[int] = set()
        # Milliseconds between polls of a replicated store.
        self.poll_ms = outage.POLL_MS
        self.live_badge = Badge(self)
        self.live_badge.clicked.connect(self._on_badge_clicked)
        self.live_badge.setObjectName("live_badge")
        self.live_badge.hide()
        self.statusBar().addPermanentWidget(self.live_badge)
        self._live_timer = QTimer(self)  # only while disconnected: the badge's "N 分钟前" and one retry
        self._live_timer.setSingleShot(True)
        self._live_timer.timeout.connect(self._live_retry_now)
        self._live_clock = QTimer(self)
        self._live_clock.setInterval(30_000)
        self._live_clock.timeout.connect(self._show_badge)

    # ------------------------------------------------------------ start and stop with the workspace
    def _live_start(self, seen: int | None = None) -> None:
        """Watch the workspace just opened: its socket if it pushes, else its change token.

        ``seen`` is the newest log entry before its layers were read: what was
        logged after it is caught up at once (shown twice rather than missed).
        """
        self._live_stop()
        ws = self.workspace
        if ws is None:
            return
        self._live_log_fid = ws.log_max_fid() if seen is None else int(seen)
        self._live_token = ws.change_token()
        self._live_lost = False
        self._live_error = ""
        self._live_retry = RETRY_FIRST
        self._live_reader = ChangeReader(ws.reader, self)
        connect_queued(self._live_reader.changesReady, self._on_live_changes)
        connect_queued(self._live_reader.failed, self._on_live_failed)
        fd = ws.watch_fd()
        rep = outage.replicated(ws)
        self._live_pushes = fd is not None or rep
        for act in (getattr(self, "act_reconnect", None), getattr(self, "act_sync_conflicts", None)):
            if act is not None:
                act.setEnabled(rep)
        if fd is None and not rep:
            self.live_badge.hide()
            return
        if fd is not None:
            self._live_arm(fd)
        if rep:
            self._replica_begin(ws)
        self._live_contact = time.time()
        self._show_badge()
        self.live_badge.show()
        if seen is not None and ws.log_max_fid() > self._live_log_fid:
            self.live_catch_up()  # written while the layers were being read

    def _live_arm(self, fd: int) -> None:
        if self._live_notifier is not None:
            self._live_notifier.setEnabled(False)
            self._live_notifier.deleteLater()
        self._live_notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
        self._live_notifier.activated.connect(self._on_live_socket)

    def _live_stop(self, keep_poll: bool = False) -> None:
        """Stop watching (another workspace opens, or the window closes; ``keep_poll``: a re-read of the same)."""
        if not keep_poll and self._replica_worker is not None:
            self._replica_worker.stop()
            self._replica_worker.deleteLater()
            self._replica_worker = None
            self._replica_state = self._replica_gen = None
            self._conflicts_postponed.clear()
        if self._live_notifier is not None:
            self._live_notifier.setEnabled(False)
            self._live_notifier.deleteLater()
            self._live_notifier = None
        if self._live_reader is not None:
            self._live_reader.stop()
            self._live_reader.deleteLater()
            self._live_reader = None
        self._live_timer.stop()
        self._live_clock.stop()
        self._live_busy = self._live_again = False
        self._live_pushes = self._live_lost = False
        self.live_badge.hide()

    @property
    def live_pending(self) -> bool:
        """Changes announced and not yet on the screen."""
        return self._live_busy or self._live_again

    # ------------------------------------------------------------ notifications
    def _on_live_socket(self, *_: Any) -> None:
        """The socket is readable: take what arrived and read what changed."""
        ws = self.workspace
        if ws is None:
            return
        try:
            ws.drain_notifications()
        except (StorageError, OSError) as exc:
            self._live_failed(str(exc) or type(exc).__name__)
            return
        if outage.replicated(ws):
            if not ws.online:  # the socket closed: the store is offline now; the poll switches the window
                if self._live_notifier is not None:
                    self._live_notifier.setEnabled(False)  # a dead socket stays readable: no busy loop
                self._replica_poll()
                return
        else:
            self._live_contacted()
        self.live_catch_up()

    def live_catch_up(self) -> None:
        """Read (off the GUI thread) and show everything logged since the last entry shown."""
        if self._live_reader is None:
            return
        if self._live_busy:
            self._live_again = True  # the read in hand may have missed it: once more afterwards
            return
        self._live_busy = True
        self._live_gen = self._live_reader.ask(self._live_log_fid)

    def _on_live_changes(self, gen: int, changes: Changes) -> None:
        if gen != self._live_gen or self.workspace is None:
            return
        self._live_busy = False
        if self._live_pushes and not outage.replicated(self.workspace):
            self._live_contacted()
        self._live_log_fid = max(self._live_log_fid, changes.log_fid)
        if not changes.empty:
            self.apply_changes(changes)
        self._live_token = self.workspace.change_token()
        if self._live_again:
            self._live_again = False
            self.live_catch_up()

    def _on_live_failed(self, gen: int, message: str, lost: bool) -> None:
        if gen != self._live_gen:
            return
        self._live_busy = False
        self._live_again = False
        if lost and outage.replicated(self.workspace):
            self._replica_poll()  # the store finds out whether the server went away, and the window follows
        elif lost and self._live_pushes:
            self._live_failed(message)
        else:
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Cannot read the changes: %1").replace("%1", message), 10000)

    def apply_changes(self, changes: Changes) -> None:
        """Put another workstation's changes on the screen: the rows named, not whole layers.

        Layers take the changed rows in place (a layer opened lean, with its
        drawing columns only, is read again: the smallest honest refresh it
        allows); the attribute table patches its rows; the log lists the new
        entries; the figures, curves, overlays and brief are asked for again
        from the worker, whose fold catches up from the log.
        """
        ws = self.workspace
        if ws is None:
            return
        for key in changes.keys:
            layer = self.scene.layers.get(key)
            if key in changes.full:
                if layer is not None:
                    layer.reload(ws)
                self.table.reload(key)
                continue
            rows, gone = changes.rows.get(key), changes.gone.get(key, set())
            if layer is not None and not layer.apply_rows(rows, gone):
                layer.reload(ws)
                changes.full.add(key)  # said honestly to whoever listens
            self.table.update_rows(key, self._attributes(rows), gone)
            self.identify.refresh(key, [] if rows is None else [int(f) for f in rows.index], gone)
            if self._current is not None and self._current[0] == key and self._current[1] in gone:
                self._current = None
                self.canvas.set_highlight(None, None)
        self.log_panel.refresh()
        if changes.meeting or any(k in SITUATION_KEYS for k in changes.keys):
            self._refresh_situation()
        if self._tally is not None and changes.keys & {"storage_areas", "depots", "villages"}:
            self._tally.refresh_names()
        self.canvas.request_render()
        self.liveChanged.emit(changes)

    @staticmethod
    def _attributes(rows: Any) -> Any:
        if rows is None or "geometry" not in getattr(rows, "columns", ()):
            return rows
        import pandas as pd

        return pd.DataFrame(rows.drop(columns=rows.geometry.name))

    # ------------------------------------------------------------ a file changed by another program
    def _live_check_file(self) -> None:
        """The window came to the front: if another program wrote the file meanwhile, show what it wrote."""
        ws = self.workspace
        if ws is None or self._live_reader is None or self._live_pushes:
            return
        try:
            token = ws.change_token()
        except StorageError:
            return
        if token != self._live_token:
            self._live_token = token
            self.live_catch_up()

    def _live_own_write(self) -> None:
        """After this window's own write: a file's token moves on (its own change needs no catch-up)."""
        ws = self.workspace
        if ws is not None and not self._live_pushes:
            self._live_token = ws.change_token()
        if ws is not None and outage.replicated(ws) and self._replica_state is not None:
            # "N to send" counts what was just entered, now, not at the next poll (a local count)
            try:
                self._replica_state = ws.connection_state()
            except (StorageError, OSError):
                return
            self._show_badge()

    # ------------------------------------------------------------ the badge
    def _live_contacted(self) -> None:
        self._live_contact = time.time()
        was_lost = self._live_lost
        self._live_lost = False
        self._live_error = ""
        self._live_retry = RETRY_FIRST
        self._live_timer.stop()
        self._live_clock.stop()
        ws = self.workspace
        if was_lost and ws is not None:
            fd = ws.watch_fd()
            if fd is not None:
                self._live_arm(fd)
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Connection to the shared workspace is back"), 8000)
            self.live_catch_up()  # what was written while it was down
        self._show_badge()

    def _live_failed(self, message: str) -> None:
        """The server stopped answering: say so, keep the last state, try again later."""
        if self._live_notifier is not None:
            self._live_notifier.setEnabled(False)  # a dead socket stays readable: no busy loop
        first = not self._live_lost
        self._live_lost = True
        self._live_error = message
        if first:
            self.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "The shared workspace cannot be reached; the window shows the last state it received"), 15000)
        self._show_badge()
        self._live_clock.start()
        self._live_timer.start(int(self._live_retry * 1000))
        self._live_retry = min(self._live_retry * 2, RETRY_MAX)

    def _live_retry_now(self) -> None:
        ws = self.workspace
        if outage.replicated(ws):
            self._replica_poll()
            return
        if ws is None or not self._live_lost:
            return
        try:
            ws.drain_notifications()
        except (StorageError, OSError) as exc:
            self._live_failed(str(exc) or type(exc).__name__)
            return
        self.live_catch_up()  # a read that works brings the badge back

    def live_badge_text(self) -> str:
        """The badge's words: connected, or disconnected with the time since the last contact."""
        if self._replica_state is not None and outage.replicated(self.workspace):
            return self._replica_badge_text(self._replica_state)
        if not self._live_lost:
            return QCoreApplication.translate("MainWindow", "Connected")
        if self._live_contact is None:
            return QCoreApplication.translate("MainWindow", "Disconnected")
        minutes = int((time.time() - self._live_contact) // 60)
        if minutes < 1:
            return QCoreApplication.translate("MainWindow", "Disconnected · last contact less than a minute ago")
        if minutes < 120:
            return QCoreApplication.translate("MainWindow", "Disconnected · last contact %1 min ago").replace("%1", str(minutes))
        return QCoreApplication.translate("MainWindow", "Disconnected · last contact %1 h ago").replace("%1", str(minutes // 60))

    def _show_badge(self) -> None:
        badge = self.live_badge
        badge.setText(self.live_badge_text())
        state = self._replica_state if outage.replicated(self.workspace) else None
        if state is not None:
            color = "#2e7d32" if state.online and not state.conflicts else "#ef6c00" if state.online else "#c62828"
            badge.setStyleSheet(f"QLabel {{ color: white; background: {color}; padding: 1px 8px; border-radius: 3px; }}")
            tip = QCoreApplication.translate("MainWindow", "Changes made at other workstations appear here within seconds") if state.online else \
                QCoreApplication.translate("MainWindow", "The server does not answer: %1").replace("%1", state.problem or "") + "\n" + \
                QCoreApplication.translate("MainWindow", "The window shows and edits the local replica; what is entered is sent when the server is back")
            badge.setToolTip(tip + "\n" + QCoreApplication.translate("MainWindow", "Click to reconnect now"))
            return
        if self._live_lost:
            badge.setStyleSheet("QLabel { color: white; background: #c62828; padding: 1px 8px; border-radius: 3px; }")
            badge.setToolTip(QCoreApplication.translate("MainWindow", "The server does not answer: %1").replace("%1", self._live_error))
        else:
            badge.setStyleSheet("QLabel { color: white; background: #2e7d32; padding: 1px 8px; border-radius: 3px; }")
            badge.setToolTip(QCoreApplication.translate("MainWindow", "Changes made at other workstations appear here within seconds"))

    # ------------------------------------------------------------ a replicated store (kept through an outage)
    def _replica_begin(self, ws: Any) -> None:
        """Poll the store from the badge's timer on a worker thread (one per store: a re-read keeps it)."""
        state = ws.connection_state()
        self._replica_state = state
        self._replica_gen = state.generation
        self._replica_online = state.online
        if self._replica_worker is None:
            guard = ws if isinstance(ws, outage.StoreGuard) else outage.StoreGuard(ws)
            self._replica_worker = outage.PollWorker(guard, self)
            connect_queued(self._replica_worker.polled, self._on_replica_polled)
            connect_queued(self._replica_worker.failed, self._on_replica_poll_failed)
        self._live_lost = not state.online
        self._live_timer.start(self.poll_ms)
        if state.conflicts and state.online:  # left from an earlier session (offline: once it is back)
            QTimer.singleShot(0, lambda: self.resolve_replica_conflicts(only_new=True))

    def _replica_poll(self, force: bool = False) -> None:
        if self._replica_worker is not None:
            self._replica_worker.ask(force)

    def reconnect_now(self) -> None:
        """文件 → 立即重新连接 (or a click on the badge): try the server now, whatever the back-off says."""
        if not outage.replicated(self.workspace):
            if self._live_lost:
                self._live_retry_now()
            return
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Reconnecting…"), 5000)
        self._replica_poll(force=True)

    def _on_badge_clicked(self) -> None:
        if self._live_lost or (self._replica_state is not None and self._replica_state.conflicts):
            if self._replica_state is not None and self._replica_state.online and self._replica_state.conflicts:
                self.resolve_replica_conflicts()
            else:
                self.reconnect_now()

    @property
    def replica_polling(self) -> bool:
        """A poll asked for and not yet answered."""
        return self._replica_worker is not None and not self._replica_worker.idle

    def _on_replica_polled(self, state: Any) -> None:
        ws = self.workspace
        if ws is None or not outage.replicated(ws) or self._replica_worker is None:
            return
        sender = self.sender()
        if isinstance(sender, outage.PollWorker) and sender is not self._replica_worker:
            return  # the store of a workspace closed since
        was_online = self._replica_online
        self._replica_state = state
        self._live_lost = not state.online
        if state.online != self._replica_online or (state.generation != self._replica_gen and not state.online):
            # server <-> replica: the fids and log fids the window holds are another store's; read again.
            # (Online, a refresh of the replica changes nothing the window reads: the server's live updates do.)
            self._replica_reread()
        self._replica_gen = state.generation
        if was_online and not state.online:
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "The shared workspace cannot be reached; working on the local replica, "
                                            "entries are sent when the server is back"), 15000)
        elif state.online and not was_online:
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Connection to the shared workspace is back"), 8000)
        self._show_badge()
        self._live_timer.start(self.poll_ms)
        if state.online and state.conflicts > len(self._conflicts_postponed):
            self.resolve_replica_conflicts(only_new=True)

    def _on_replica_poll_failed(self, message: str) -> None:
        sender = self.sender()
        if isinstance(sender, outage.PollWorker) and sender is not self._replica_worker:
            return
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "The shared workspace: %1").replace("%1", message), 10000)
        if self._replica_worker is not None:
            self._live_timer.start(self.poll_ms)

    def _replica_reread(self) -> None:
        """Read the workspace again as on a reload (the store switched between server and replica), keeping
        the view and the time slider; the undo steps are dropped (they name the other store's fids)."""
        from floodpost.layers.scene import MapScene

        ws = self.workspace
        if ws is None:
            return
        view = self.canvas.viewport
        try:
            seen = ws.log_max_fid()
            scene = MapScene.from_workspace(ws, self.scene.painter.basemap)
        except Exception as exc:  # noqa: BLE001 - told; the next poll tries again
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Cannot read the workspace again: %1").replace(
                "%1", str(exc)), 10000)
            return
        state = ws.connection_state()
        self._replica_online = state.online
        self._stop_situation()
        self._live_stop(keep_poll=True)
        self._set_scene(scene)
        self.table.reload()
        self.log_panel.set_workspace(ws, reader=ws.reader)
        if self._tally is not None:
            self._tally.refresh_names()
        self.undo_stack.clear()
        self._live_start(seen)
        self.canvas.set_viewport(view)
        self._apply_access()

    def resolve_replica_conflicts(self, only_new: bool = False) -> int:
        """Put each change the server refused in the replay to the officer (the conflict dialog; its choice
        through ``choose_conflict``); closed without a choice, it is postponed (kept, counted on the badge,
        asked again from 文件 → 同步冲突). Returns how many were resolved."""
        from floodpost import i18n
        from floodpost.data.schema import schema_for
        from floodpost.data.timeutil import format_local
        from floodpost.ui.dialogs.conflict import ConflictDialog

        ws = self.workspace
        if not outage.replicated(ws) or self._replica_asking:
            return 0
        self._replica_asking = True
        done = 0
        try:
            for conflict in ws.conflicts():
                if only_new and conflict.seq in self._conflicts_postponed:
                    continue
                err = conflict.error
                theirs = err.current if isinstance(err, StaleEdit) else None
                mine = {**(conflict.mine or {}), **conflict.values}
                dialog = ConflictDialog(schema_for(conflict.key), theirs, None, mine, self, lang=i18n.lang_short(),
                                        allow_copy=conflict.op != "delete", postpone=True)
                dialog.setWindowTitle(QCoreApplication.translate("MainWindow", "Entered offline at %1, %2").replace(
                    "%1", conflict.workstation).replace("%2", format_local(conflict.entered_at)))
                self.conflict_dialog = dialog
                try:
                    choice = self.choose_conflict(dialog)
                finally:
                    dialog.deleteLater()
                if not choice:
                    self._conflicts_postponed.add(conflict.seq)
                    continue
                try:
                    ws.resolve(conflict, choice)
                except (StorageError, ValueError) as exc:
                    self._conflicts_postponed.add(conflict.seq)
                    QMessageBox.warning(self, QCoreApplication.translate("MainWindow", "Not saved"), str(exc))
                    break
                self._conflicts_postponed.discard(conflict.seq)
                done += 1
            if not only_new:
                self._conflicts_postponed &= {c.seq for c in ws.conflicts()}
            self._replica_state = ws.connection_state()
        finally:
            self._replica_asking = False
        if done:
            self.live_catch_up()  # what resolving wrote on the server
        self._show_badge()
        return done

    def _replica_badge_text(self, state: Any) -> str:
        if state.online:
            parts = [QCoreApplication.translate("MainWindow", "Connected")]
        else:
            minutes = _minutes_since(state.last_contact)
            if minutes is None:
                parts = [QCoreApplication.translate("MainWindow", "Offline")]
            elif minutes < 1:
                parts = [QCoreApplication.translate("MainWindow", "Offline · last contact less than a minute ago")]
            elif minutes < 120:
                parts = [QCoreApplication.translate("MainWindow", "Offline · last contact %1 min ago").replace("%1", str(minutes))]
            else:
                parts = [QCoreApplication.translate("MainWindow", "Offline · last contact %1 h ago").replace("%1", str(minutes // 60))]
        if state.queued:
            parts.append(QCoreApplication.translate("MainWindow", "%1 to send").replace("%1", str(state.queued)))
        if state.conflicts:
            parts.append(QCoreApplication.translate("MainWindow", "%1 conflicts").replace("%1", str(state.conflicts)))
        return " · ".join(parts)

    # ------------------------------------------------------------ Qt
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self._live_check_file()
        super().changeEvent(event)


def _minutes_since(stored: str | None) -> int | None:
    """Whole minutes since a stored UTC time (None when unknown or unreadable)."""
    if not stored:
        return None
    try:
        when = datetime.fromisoformat(str(stored).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0, int((datetime.now(timezone.utc) - when).total_seconds() // 60))
