"""The window on the screen: fitting a small screen, docks, and the layout restored at start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import (
    QGuiApplication,
)

from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG
from floodpost.ui.window import DEFAULT_SIZE


class ScreenMixin:
    """Methods of the main window (see :mod:`floodpost.ui.window`)."""

    # ------------------------------------------------------------ state
    def fit_screen(self) -> None:
        """The default size, or the available screen where that is smaller (1366×768 laptops)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*DEFAULT_SIZE)
            return
        avail = screen.availableGeometry()
        w, h = min(DEFAULT_SIZE[0], avail.width()), min(DEFAULT_SIZE[1], avail.height())
        self.resize(w, h)
        self.move(avail.x() + (avail.width() - w) // 2, avail.y() + (avail.height() - h) // 2)
        self._size_docks(w)

    def _size_docks(self, width: int) -> None:
        """Layers at a sixth, the dashboard at under a third: the map keeps the middle."""
        left = max(200, min(280, int(width * 0.17)))
        right = max(300, min(420, int(width * 0.28)))
        self.resizeDocks([self.layer_dock, self.dashboard_dock], [left, right], Qt.Orientation.Horizontal)

    def keep_on_screen(self) -> None:
        """Shrink and move the window (frame included) into the available screen geometry."""
        if self.isFullScreen() or self.isMaximized():
            return
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        w = min(self.width(), avail.width() - extra_w)
        h = min(self.height(), avail.height() - extra_h)
        if (w, h) != (self.width(), self.height()):
            self.resize(w, h)
        x = min(max(frame.x(), avail.x()), avail.right() + 1 - (w + extra_w))
        y = min(max(frame.y(), avail.y()), avail.bottom() + 1 - (h + extra_h))
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    # ------------------------------------------------------------ state
    def restore_state(self) -> None:
        """The last session's size, docks and basemap, never larger than this screen."""
        s = QSettings(SETTINGS_ORG, SETTINGS_APP)
        geo = s.value("geometry")
        state = s.value("state")
        if geo is not None:
            self.restoreGeometry(geo)
            self.keep_on_screen()
        if state is not None:
            self._restore_docks(state)
        for dock in (self.legend_dock,):  # meeting-view only
            dock.hide()
        self.bookmark_bar.hide()
        tiles = s.value("tile_basemap")
        if tiles and Path(str(tiles)).is_file():
            self.add_tiles(str(tiles))

    def _restore_docks(self, state: Any) -> None:
        """restoreState, less the tab bars Qt leaves over the window.

        Restoring tabified docks makes new tab bars and leaves the old ones
        shown: a one-tab bar (态势日志) over the menu at (0, 0), a copy of the
        dashboard's tabs in the middle of the map. All are hidden; the dock
        layout shows again those it uses.
        """
        from PySide6.QtWidgets import QTabBar

        self.restoreState(state)
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            bar.hide()  # the layout shows again the bars its tabbed docks use
        self.layout().invalidate()
