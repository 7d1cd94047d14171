"""Named views (书签) to jump between hot spots in a consultation meeting.

Every workspace offers its storage areas and the counties by default; the
officer adds the views that matter this week (浚县古城, the city centre…).
Saved views are kept per workspace file in the user's settings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from floodpost.data.workspace import is_shared_location, strip_password
from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG


@dataclass(frozen=True)
class Bookmark:
    name: str
    bounds: tuple[float, float, float, float]  # lon0, lat0, lon1, lat1
    saved: bool = False  # made by the user (can be removed), not derived from the data


def _key(location: str | Path) -> str:
    """Bookmarks are kept per workspace, by its location (a file by its real path, a server's without password)."""
    text = strip_password(str(location))
    if not is_shared_location(text):
        text = os.path.realpath(text)
    return "bookmarks/" + text.replace("/", "|")


def saved_bookmarks(path: str | Path) -> list[Bookmark]:
    raw = QSettings(SETTINGS_ORG, SETTINGS_APP).value(_key(path))
    try:
        items = json.loads(str(raw)) if raw else []
        return [Bookmark(i["name"], tuple(i["bounds"]), True) for i in items]
    except (ValueError, KeyError, TypeError):
        return []


def save_bookmarks(path: str | Path, marks: list[Bookmark]) -> None:
    data = [{"name": m.name, "bounds": list(m.bounds)} for m in marks if m.saved]
    QSettings(SETTINGS_ORG, SETTINGS_APP).setValue(_key(path), json.dumps(data, ensure_ascii=False))


#: Storage areas are bookmarked one by one only up to this many.
AREA_BOOKMARKS_MAX = 60


def default_bookmarks(scene: Any, whole: str, all_areas: str | None = None) -> list[Bookmark]:
    """The whole map (named ``whole``), all storage areas together (``all_areas``), each
    storage area and each county of the basemap.

    Every extent is padded: names, evacuation bars and halos are drawn beside
    the shapes, and a view cut at the outline cuts them off.
    """
    out = [Bookmark(whole, scene.full_extent())]
    areas = scene.layers.get("storage_areas")
    if all_areas and areas is not None and areas.count:
        b = areas.bounds()
        if b is not None:
            out.append(Bookmark(all_areas, _pad(tuple(b), 0.12)))
    # A city has a dozen storage areas; a layer of thousands is an inventory, not a bookmark list.
    if areas is not None and 0 < areas.count <= AREA_BOOKMARKS_MAX:
        for name, g in zip(areas.frame["name"], areas.frame.geometry, strict=True):
            if g is not None and not g.is_empty:
                out.append(Bookmark(str(name), _pad(g.bounds)))
    basemap = getattr(scene.painter, "basemap", None)
    vector = getattr(basemap, "vector", None)
    frame = getattr(vector, "counties", None)
    if frame is not None and "name" in frame:
        for name, g in zip(frame["name"], frame.geometry, strict=True):
            if g is not None and not g.is_empty:
                out.append(Bookmark(str(name), _pad(g.bounds, 0.05)))
    return out


def _pad(b: tuple[float, float, float, float], share: float = 0.25) -> tuple[float, float, float, float]:
    w, h = b[2] - b[0], b[3] - b[1]
    return (b[0] - w * share, b[1] - h * share, b[2] + w * share, b[3] + h * share)
