"""The meeting room: bookmarks (Alt+1…9) and meeting view (F11)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QRect, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QLabel,
    QToolButton,
)

from floodpost.ui.window import DEFAULT_SIZE, MEETING_SCALE

#: At most this share of the screen for the meeting legend (a laptop with every kind of layer, gauges too, needs a bit over a third).
LEGEND_SHARE = 0.36


class MeetingMixin:
    """Methods of the main window (see :mod:`floodpost.ui.window`)."""

    # ------------------------------------------------------------ meeting view
    def bookmarks(self) -> list[Any]:
        from floodpost.ui.map.bookmarks import default_bookmarks, saved_bookmarks

        marks = default_bookmarks(self.scene, QCoreApplication.translate("MainWindow", "Whole map"), QCoreApplication.translate("MainWindow", "All storage areas"))
        if self.workspace is not None:
            marks += saved_bookmarks(self.workspace.location)
        return marks

    def _fill_bookmarks(self) -> None:
        """Alt+1…9 jump to the first nine, in the menu and in meeting view."""
        menu = self.bookmark_menu
        menu.clear()
        for a in self._bookmark_actions:
            self.removeAction(a)
        self._bookmark_actions = []
        menu.addAction(self.act_bookmark)
        menu.addSeparator()
        self.bookmark_bar.clear()
        self.bookmark_bar.addWidget(QLabel(" " + QCoreApplication.translate("MainWindow", "Jump to:") + " ", self.bookmark_bar))
        for i, mark in enumerate(self.bookmarks()):
            act = QAction(mark.name, self)
            if i < 9:
                act.setShortcut(QKeySequence(f"Alt+{i + 1}"))
                # The strip says what each key jumps to: "Alt+2 良相坡".
                button = QToolButton(self.bookmark_bar)
                button.setDefaultAction(act)
                button.setText(f"Alt+{i + 1} {mark.name}")
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                self.bookmark_bar.addWidget(button)
            act.triggered.connect(lambda _=False, b=mark.bounds: self.canvas.zoom_to_lonlat(b))
            menu.addAction(act)
            self.addAction(act)  # shortcuts work with the menu closed, and in full screen
            self._bookmark_actions.append(act)

    def go_bookmark(self, name: str) -> bool:
        for mark in self.bookmarks():
            if mark.name == name:
                self.canvas.zoom_to_lonlat(mark.bounds)
                return True
        return False

    def add_bookmark_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from floodpost.ui.map.bookmarks import Bookmark, save_bookmarks, saved_bookmarks

        if self.workspace is None:
            return
        name, ok = QInputDialog.getText(self, QCoreApplication.translate("MainWindow", "Add bookmark"), QCoreApplication.translate("MainWindow", "Name of this view:"))
        if not ok or not name.strip():
            return
        marks = [m for m in saved_bookmarks(self.workspace.location) if m.name != name.strip()]
        marks.append(Bookmark(name.strip(), self.canvas.viewport.lonlat_extent, True))
        save_bookmarks(self.workspace.location, marks)
        self._fill_bookmarks()
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Bookmark saved: %1").replace("%1", name.strip()), 5000)

    def toggle_meeting_view(self, on: bool | None = None) -> None:
        """The big screen: full screen; map, legend, headline figures, charts and slider in large type.

        The menu bar and the drawing time go; a strip says what Alt+1…9 jump to.
        Every change is undone on the way back.
        """
        on = (not self._meeting_state) if on is None or not isinstance(on, bool) else on
        extent = self.canvas.viewport.lonlat_extent  # what the map shows stays in view
        if on and self._meeting_state is None:
            self._meeting_state = (self.saveState(), self.isMaximized(), self.geometry())
            for dock in (self.layer_dock, self.identify_dock, self.table_dock, self.log_dock):
                dock.hide()
            self.dashboard_dock.show()
            self.dashboard_dock.raise_()
            # Large type for a big screen; a laptop's 768 lines keep the charts readable with less.
            screen = self.screen().geometry() if self.screen() is not None else QRect(0, 0, *DEFAULT_SIZE)
            fit = min(1.0, screen.height() / 1080)
            big = self.font()
            big.setPointSizeF(big.pointSizeF() * max(1.2, MEETING_SCALE * fit))
            for w in (self.dashboard, self.time_slider, self.bookmark_bar):
                w.setFont(big)
            legend_font = self.font()
            legend_font.setPointSizeF(legend_font.pointSizeF() * max(1.0, 1.2 * fit))
            self.meeting_legend.setFont(legend_font)
            self.menuBar().hide()
            self.timing.hide()
            self._fill_bookmarks()
            self.bookmark_bar.show()
            self.legend_dock.show()
            self.canvas.set_symbol_scale(MEETING_SCALE)
            self.showFullScreen()
            self._size_meeting_docks()
            self._meeting_extent = extent
            QTimer.singleShot(300, self, self._settle_meeting_view)
            self.act_cancel.setEnabled(True)
        elif not on and self._meeting_state is not None:
            state, maximized, geometry = self._meeting_state
            self._meeting_state = None
            for w in (self.dashboard, self.time_slider, self.bookmark_bar, self.meeting_legend):
                w.setFont(self.font())
            self.canvas.set_symbol_scale(1.0)
            self.menuBar().show()
            self.timing.show()
            self.bookmark_bar.hide()
            self.legend_dock.hide()
            self.showMaximized() if maximized else self.showNormal()
            if not maximized:
                self.setGeometry(geometry)
            self._restore_docks(state)
            self.act_cancel.setEnabled(self._mode is not None)
        self.act_meeting_view.setChecked(self._meeting_state is not None)
        self.layout().activate()  # the docks' new sizes now, so the map is fitted to its own
        if self.canvas._fitted:
            self.canvas.zoom_to_lonlat(extent)

    def _settle_meeting_view(self) -> None:
        """Once full screen has taken effect: docks sized for it and the map fitted again.

        A bare X server (no window manager, as on a test rig) ignores the
        full-screen state; the window then takes the screen's geometry itself.
        """
        if self._meeting_state is None:
            return
        screen = self.screen()
        if screen is not None and self.geometry() != screen.geometry():
            self.setGeometry(screen.geometry())
            self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)
        self._size_meeting_docks()
        self.layout().activate()
        if self.canvas._fitted:
            self.canvas.zoom_to_lonlat(self._meeting_extent)

    def _on_legend_width(self, width: int) -> None:
        if self._meeting_state is not None and self.legend_dock.isVisible():
            screen = self.screen().geometry() if self.screen() is not None else QRect(0, 0, *DEFAULT_SIZE)
            self.resizeDocks([self.legend_dock], [min(width, int(screen.width() * LEGEND_SHARE))], Qt.Orientation.Horizontal)

    def _size_meeting_docks(self) -> None:
        """A third of the screen for the figures and charts, the legend as wide as its columns."""
        screen = self.screen().geometry() if self.screen() is not None else QRect(0, 0, *DEFAULT_SIZE)
        dash = max(360, min(640, int(screen.width() * 0.34)))
        rows_height = screen.height() - 3 * self.fontMetrics().height() * 3  # strip, slider, dock title
        legend = min(int(screen.width() * LEGEND_SHARE), self.meeting_legend.needed_width(max(rows_height, 200)))
        self.resizeDocks([self.dashboard_dock, self.legend_dock], [dash, legend], Qt.Orientation.Horizontal)
