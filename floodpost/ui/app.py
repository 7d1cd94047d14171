"""Starting the GUI: language, fonts, and which workspace to open first."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication, QMessageBox


def default_workspace() -> Path:
    """The last workspace opened, else the demo in the user's data folder (built once)."""
    from floodpost.ui.mainwindow import SETTINGS_APP, SETTINGS_ORG

    last = QSettings(SETTINGS_ORG, SETTINGS_APP).value("last_workspace")
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
    except ImportError:  # the sqlite3 path reads every layer then
        pass


def run(workspace: str | None = None, lang: str | None = None) -> int:
    """Open the main window on ``workspace`` (or the default) and run the event loop."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("FloodPost")
    app.setOrganizationName("FloodPost")
    from floodpost import i18n
    from floodpost.layers.fonts import FontError, cjk_family
    from floodpost.ui.mainwindow import MainWindow

    i18n.set_language(lang)
    warm_up()
    try:
        app.setFont(_ui_font(cjk_family()))
    except FontError as exc:
        QMessageBox.warning(None, "FloodPost", str(exc))
    win = MainWindow()
    win.restore_state()
    win.show()
    path = Path(workspace) if workspace else default_workspace()
    win.open_workspace(path)
    return app.exec()


def _ui_font(family: str):  # noqa: ANN202
    from PySide6.QtGui import QFont

    f = QFont(QApplication.font())
    f.setFamilies([QApplication.font().family(), family])
    return f
