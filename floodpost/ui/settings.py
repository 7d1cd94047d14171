"""Where the window keeps what it remembers (layout, last workspace, bookmarks, column mappings)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

SETTINGS_ORG = "FloodPost"
SETTINGS_APP = "FloodPost"


def settings() -> QSettings:
    """The application's settings (one name for every part of the window)."""
    return QSettings(SETTINGS_ORG, SETTINGS_APP)
