"""Starting the GUI: language, fonts, and which workspace to open first."""

from __future__ import annotations

import gc
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QSocketNotifier, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


def default_workspace() -> str | Path:
    """The last workspace opened (a file still there, or a shared one), else the demo in the user's
    data folder (built once)."""
    from floodpost.data.workspace import is_shared_location
    from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG

    last = QSettings(SETTINGS_ORG, SETTINGS_APP).value("last_workspace")
    if last and is_shared_location(str(last)):
        return str(last)  # kept without a password: libpq's pgpass or service file supplies it
    if last and Path(str(last)).is_file():
        return Path(str(last))
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    demo = folder / "demo.gpkg"
    if not demo.is_file():
        from floodpost.data.demo import build_demo

        build_demo(demo)
    return demo


def warm_up() -> None:
    """Import what opening a big workspace needs (GDAL's Arrow reader), once, at start-up."""
    try:
        import pyarrow  # noqa: F401
        import pyogrio  # noqa: F401
    except ImportError:  # without them every layer is read row by row
        pass


def tune_collector() -> None:
    """Fewer young collections: each one that reaches the old objects walks the window's and the fold's
    hundreds of thousands (the fold itself is frozen out of them: ``situation._settle``)."""
    gc.set_threshold(20_000, 20, 20)


def run(workspace: str | None = None, lang: str | None = None) -> int:
    """Open the main window on ``workspace`` (or the default) and run the event loop.

    The window is shown (and painted) before the workspace is read, and
    Ctrl+C in the terminal closes it as the Quit menu does.
    """
    tune_collector()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("FloodPost")
    app.setOrganizationName("FloodPost")
    from floodpost import i18n
    from floodpost.layers.render.fonts import FontError, cjk_family
    from floodpost.ui.mainwindow import MainWindow
    from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG
    from floodpost.ui.window import DEFAULT_SIZE

    i18n.set_language(lang)
    warm_up()
    try:
        app.setFont(_ui_font(cjk_family()))
    except FontError as exc:
        QMessageBox.warning(None, "FloodPost", str(exc))
    win = MainWindow()
    first = QSettings(SETTINGS_ORG, SETTINGS_APP).value("geometry") is None
    win.restore_state()
    if first and (win.width() < DEFAULT_SIZE[0] or win.height() < DEFAULT_SIZE[1]):
        win.showMaximized()  # a laptop screen: all of it, from the first start
    else:
        win.show()
    app.processEvents()  # the window on screen before the workspace is read
    QTimer.singleShot(0, win.keep_on_screen)  # with the window manager's frame on, it must fit too
    interrupt = quit_on_signals(app)
    path = workspace or default_workspace()  # a file or a shared location, as given
    QTimer.singleShot(0, lambda: win.open_workspace(path))
    try:
        return app.exec()
    finally:
        interrupt.close()


class _SignalQuit(QObject):
    """Ctrl+C (SIGINT) and SIGTERM close every window and end the event loop.

    Qt's loop runs in C++, so a Python signal handler would wait for the next
    Python call (forever, in an idle window). The C-level handler writes the
    signal to a socket (``signal.set_wakeup_fd``); a socket notifier wakes the
    loop, and the Python handler runs then.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self._read, self._write = socket.socketpair()
        for sock in (self._read, self._write):
            sock.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._write.fileno())
        self._old = {s: signal.signal(s, self._handle) for s in self.SIGNALS}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _drain(self, *args: Any) -> None:
        try:
            while self._read.recv(64):
                pass
        except OSError:  # nothing more to read
            pass

    def _handle(self, signum: int, frame: Any) -> None:
        # Closing runs each window's closeEvent (settings saved, threads stopped); the
        # last window closing must not quit with 0 before the signal's own status.
        self.app.setQuitOnLastWindowClosed(False)
        self.app.closeAllWindows()
        self.app.exit(128 + signum)

    def close(self) -> None:
        """Give the signals back to Python's handlers."""
        self._notifier.setEnabled(False)
        for s, old in self._old.items():
            signal.signal(s, old)
        signal.set_wakeup_fd(self._old_fd)
        self._read.close()
        self._write.close()


def quit_on_signals(app: QApplication) -> _SignalQuit:
    """Make Ctrl+C in the terminal close the window cleanly (see :class:`_SignalQuit`)."""
    return _SignalQuit(app)


def _ui_font(family: str):  # noqa: ANN202
    from PySide6.QtGui import QFont

    f = QFont(QApplication.font())
    f.setFamilies([QApplication.font().family(), family])
    return f
