"""A map scene: a workspace's layers, the basemap under them, and the one painter.

The canvas, ``floodpost snapshot`` and printing all build one of these, so
what the officer sees is what the press receives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtGui import QImage

from floodpost.data.shapes import Shapes
from floodpost.layers.basemap import BasemapStack, VectorBasemap
from floodpost.layers.model import LayerList
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.fonts import cjk_family
from floodpost.layers.render.painter import MapPainter, RenderStats

#: Sorts after every stored time: a record with no report time is not shown as of a moment.
_NEVER = "\U0010ffff"

#: Hebi city, for an empty workspace with no basemap either.
DEFAULT_BOUNDS = (113.95, 35.40, 114.75, 36.05)


def default_basemap() -> BasemapStack:
    """The shipped county boundaries (no raster tiles until the user adds some)."""
    from floodpost.data.boundaries import county_boundaries

    try:
        return BasemapStack(VectorBasemap(county_boundaries()))
    except (OSError, ValueError):
        return BasemapStack()


@dataclass
class MapScene:
    """Layers bottom to top plus the painter that draws them over the basemap."""

    layers: LayerList
    painter: MapPainter = field(default_factory=MapPainter)
    _frames: dict[str, tuple[Any, Any, Any]] = field(default_factory=dict, repr=False)
    #: a stored record layer (``_frames``) as attributes and flat shapes: (the frame, table, shapes)
    _parts: dict[str, tuple[Any, Any, Shapes]] = field(default_factory=dict, repr=False)
    _anchor_cache: dict[str, Any] = field(default_factory=dict, repr=False)
    #: After how many minutes an unanswered warning recipient is ringed on the map (叫应 time limit).
    answer_minutes: float | None = None

    @classmethod
    def from_workspace(cls, workspace: Any, basemap: Any | None = None) -> MapScene:
        painter = MapPainter(basemap or default_basemap())
        # big layers are prepared for drawing in the threads that read them
        return cls(LayerList.from_workspace(workspace, ready=painter.prepared), painter)

    def full_extent(self) -> tuple[float, float, float, float]:
        """lon/lat bounds of all data and the basemap, else of Hebi."""
        boxes = [self.layers.bounds()]
        if self.painter.basemap is not None:
            boxes.append(self.painter.basemap.bounds())
        boxes = [b for b in boxes if b is not None]
        if not boxes:
            return DEFAULT_BOUNDS
        return (
            min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes),
        )

    def viewport(self, width: int, height: int, dpi: float = 96.0) -> Viewport:
        """A view of ``width``×``height`` pixels showing the full extent."""
        return Viewport.for_lonlat(self.full_extent(), width, height, dpi)

    def show_situation(self, workspace: Any, when: Any = None, situation: Any = None, *,
                       answer_minutes: float | None = None) -> Any:
        """Show the situation as of ``when`` (None: now): records reported later are hidden
        and the evacuation bars show each area's latest report. Returns the Situation.

        ``situation``: that moment already computed (by the window's worker thread).
        ``answer_minutes``: after how long an unanswered warning recipient is ringed
        (default: the last value given, else the engine's ``ANSWER_MINUTES``)."""
        from floodpost.data.situation import as_of
        from floodpost.data.timeutil import to_storage
        from floodpost.layers.render.operations import OperationsOverlay
        from floodpost.layers.render.overlays import DepotOverlay, EvacuationOverlay, ForcesOverlay
        from floodpost.layers.render.water import WaterOverlay

        if situation is None:
            situation = as_of(workspace, when)
        at = to_storage(when) if when is not None else None
        if answer_minutes is not None:
            self.answer_minutes = float(answer_minutes)
        # what a step of the slider refilters: the painter keeps the picture under it
        self.painter.volatile = frozenset(
            [la.key for la in self.layers if "reported_at" in la.schema.field_names] + ["incident_sections"])
        for layer in self.layers:
            if "reported_at" not in layer.schema.field_names or layer.table is None:
                continue
            if at is None and getattr(layer, "_as_of", None) is None:
                continue  # already showing everything
            full, times = self._full_frame(workspace, layer.key)
            keep = np.ones(len(full), dtype=bool) if at is None else times <= at
            shown = (id(full), keep.tobytes())
            if getattr(layer, "_shown", None) != shown:  # a slider step within one report's stretch changes nothing
                if at is None:
                    layer.set_frame(full, (workspace.location, layer.key))
                else:  # the rows up to the moment, their shapes taken from the stored layer's (no frame a step)
                    table, shapes = self._full_parts(layer.key, full)
                    pos = np.flatnonzero(keep)
                    layer.set_shapes(table.take(pos), shapes.take(pos), (workspace.location, layer.key), (table, pos))
                layer._shown = shown
            layer._as_of = at
        areas = self.layers.get("storage_areas")
        if areas is not None and areas.count:
            # Fills show each area's status as it was at the time shown; the same statuses
            # as at the last step (most steps) leave the layer as it is without a look.
            key = (areas.data_token, areas.version, at is None, tuple(sorted(situation.storage_status.items())))
            if getattr(areas, "_status_key", None) != key:
                table = areas.table
                was = table["name"].map(situation.storage_status).fillna(table["status"])
                if not was.equals(table["status"]):
                    table = table.copy()
                    table["status"] = was
                    areas.set_columns(table)
                    areas._as_of = at
                elif at is None and getattr(areas, "_as_of", None) is not None:
                    areas.reload(workspace)
                    areas._as_of = None
                areas._status_key = (areas.data_token, areas.version, at is None, key[3])
        self._show_sections(workspace, situation)
        forces = self.layers.get("forces")
        depots = self.layers.get("depots")
        stations = self.layers.get("stations")
        water = WaterOverlay.from_situation(situation, self._station_places(stations),
                                            layers={"stations": stations} if stations is not None else None)
        # forces first, evacuation bars last (callers find them there); gauges and operations under the bars
        self.painter.overlays = [
            ForcesOverlay.from_places(situation, self._force_places(forces)),
            DepotOverlay.from_situation(situation, depots.frame if depots is not None else None),
            water,
            OperationsOverlay.from_situation(
                situation, self._ops_places(workspace, situation), minutes=self.answer_minutes,
                layers={k: la for k in ("incidents", "villages", "incident_sections") if (la := self.layers.get(k)) is not None}),
            EvacuationOverlay.from_anchors(situation, self._anchors(areas, situation.evacuation)),
        ]
        # the incidents' labels carry their status and age, the gauges' their margin or age: the overlays draw them
        self.painter.overlay_labels = frozenset({"incidents", *(["stations"] if water.marks else [])})
        return situation

    def _show_sections(self, workspace: Any, situation: Any) -> None:
        """Dike sections of the incidents out of control at the moment; the others are not drawn."""
        sections = self.layers.get("incident_sections")
        if sections is None or "incident_sections" not in set(workspace.keys()):
            return
        ops = getattr(situation, "operations", None)
        live = {str(i.get("name")) for i in (ops.incidents if ops is not None else []) if i.get("uncontrolled")}
        token = workspace.change_token()
        hit = self._frames.get("incident_sections")
        if hit is None or hit[0] != token:
            full = workspace.read("incident_sections")
            hit = (token, full, full["incident"].astype(object).to_numpy() if len(full) else np.empty(0, object))
            self._frames["incident_sections"] = hit
        full, owners = hit[1], hit[2]
        keep = np.array([str(o) in live for o in owners.tolist()], dtype=bool)
        shown = (id(full), keep.tobytes())
        if getattr(sections, "_shown", None) != shown:
            sections.set_frame(full[keep], (workspace.location, "incident_sections"))
            sections._shown = shown

    def read_ahead(self, workspace: Any) -> None:
        """Read where the incidents, forces, villages and sections are before a moment is shown (kept
        until the workspace changes), and which villages each area reaches: while a window waits for the
        worker's first moment."""
        from floodpost.layers.render.operations import village_reach

        village_reach(self._ops_places(workspace, None))

    def _ops_places(self, workspace: Any, situation: Any) -> Any:
        """Where the incidents, forces, villages and warned features are, read once per change of the workspace."""
        from floodpost.data import recipients as rcp
        from floodpost.layers.model.operations import feature_keys
        from floodpost.layers.render.operations import Places

        token = workspace.change_token()
        hit = self._anchor_cache.get("operations")
        if hit is None or hit[0] != token:
            places = Places()
            present = set(workspace.keys())
            for key in ("incidents", "forces", "villages"):
                if key not in present:
                    continue
                cols = ["name", "township", "county"] if key == "villages" else ["name"]
                frame = workspace.read(key, columns=cols)
                for fid, row, g in zip(frame.index, frame[cols].itertuples(index=False), frame.geometry, strict=True):
                    if g is None or g.is_empty:
                        continue
                    xy = (g.x, g.y) if g.geom_type == "Point" else (g.representative_point().x, g.representative_point().y)
                    if key == "incidents":
                        places.incidents[int(fid)] = xy
                    elif key == "forces":
                        places.forces.setdefault(str(row[0]), xy)
                    else:
                        places.villages.append((xy[0], xy[1], row[2], row[1], row[0]))
            if "incident_sections" in present:
                import shapely

                frame = workspace.read("incident_sections", columns=["incident"])
                for owner, g in zip(frame["incident"].tolist(), frame.geometry, strict=True):
                    if g is None or g.is_empty:
                        continue
                    parts = getattr(g, "geoms", [g])
                    places.sections.setdefault(str(owner).strip(), []).extend(
                        shapely.get_coordinates(p) for p in parts)
            if "village_areas" in present:
                import shapely

                frame = workspace.read("village_areas", columns=["village", "township", "county"])
                for v, t, c, g in zip(frame["village"].tolist(), frame["township"].tolist(), frame["county"].tolist(),
                                      frame.geometry, strict=True):
                    if g is None or g.is_empty:
                        continue
                    rings = [shapely.get_coordinates(r) for poly in getattr(g, "geoms", [g])
                             for r in (poly.exterior, *poly.interiors)]
                    places.village_areas.append((c, t, v, rings))
            hit = (token, places, {}, {})
            self._anchor_cache["operations"] = hit
        places, features, named = hit[1], hit[2], hit[3]
        # feature recipients (hazards:名称): only the layers a warning names are read
        ops = getattr(situation, "operations", None)
        wanted = {k for w in (ops.warnings if ops is not None else []) for k in feature_keys(w.get("recipients") or ())}
        for key in wanted - set(features):
            r = rcp.parse(key)
            features[key] = None
            if r.layer not in set(workspace.keys()):
                continue
            layer_cache = named.get(r.layer)
            if layer_cache is None:
                frame = workspace.read(r.layer, columns=["name"])
                layer_cache = {}
                for n, g in zip(frame["name"].tolist(), frame.geometry, strict=True):
                    if g is not None and not g.is_empty:
                        p = g if g.geom_type == "Point" else g.representative_point()
                        layer_cache.setdefault(str(n).strip(), (p.x, p.y))
                named[r.layer] = layer_cache
            features[key] = layer_cache.get(r.name)
        places.features = {k: v for k, v in features.items() if v is not None}
        return places

    def _force_places(self, forces: Any) -> dict[int, tuple[float, float]]:
        """The forces' points by fid, found once per version of the layer (not at every step)."""
        from floodpost.layers.render.overlays import force_places

        if forces is None:
            return {}
        token = (forces.data_token, forces.version)
        hit = self._anchor_cache.get("forces")
        if hit is None or hit[0] != token:
            stored = self._frames.get("forces")  # (change token, the layer as stored, report times)
            shown = getattr(forces, "_shown", None)
            if stored is not None and shown is not None and shown[0] == id(stored[1]):
                # the layer is the stored forces up to the moment: their points found once per
                # reading, then picked by fid at each step (not 200 shapely points a step)
                every = self._anchor_cache.get("forces_stored")
                if every is None or every[0] is not stored[1]:
                    every = (stored[1], force_places(stored[1]))
                    self._anchor_cache["forces_stored"] = every
                hit = (token, {f: every[1][f] for f in forces.table.index.tolist() if f in every[1]})
            else:
                hit = (token, force_places(forces.frame))
            self._anchor_cache["forces"] = hit
        return hit[1]

    def _station_places(self, stations: Any) -> dict[int, tuple[float, float]]:
        """The gauges' points by fid, found once per version of the layer (not at every step)."""
        from floodpost.layers.render.overlays import force_places

        if stations is None:
            return {}
        token = (stations.data_token, stations.version)
        hit = self._anchor_cache.get("stations")
        if hit is None or hit[0] != token:
            hit = (token, force_places(stations.frame))
            self._anchor_cache["stations"] = hit
        return hit[1]

    def _anchors(self, areas: Any, names: Any) -> dict[str, tuple[float, float, float]]:
        """Where the evacuation bars of ``names`` go: the storage areas' anchors, found once per area.

        Only the areas being evacuated get a shape (a county's 100,000 areas
        are never made shapely geometries for this); each is found once per
        version of the layer's shapes, not at every slider step.
        """
        from floodpost.layers.render.overlays import area_anchors

        if areas is None or not areas.count:
            return {}
        token = (areas.data_token, id(areas.shapes))
        cache = self._anchor_cache.setdefault("areas", {})
        if cache.get("token") != token:
            cache.clear()
            cache["token"] = token
            cache["found"] = {}
            where: dict[str, list[int]] = {}
            for i, n in enumerate(areas.table["name"].to_numpy(dtype=object).tolist()):
                where.setdefault(str(n), []).append(i)
            cache["where"] = where
        found: dict[str, Any] = cache["found"]
        where = cache["where"]
        new = [str(n) for n in names if str(n) not in found]
        if new:
            mask = np.zeros(areas.count, dtype=bool)
            for n in new:
                found[n] = None
                for i in where.get(n, ()):
                    mask[i] = True
            if mask.any():
                found.update(area_anchors(areas.rows(mask)))
        return {n: found[str(n)] for n in names if found.get(str(n)) is not None}

    def _full_frame(self, workspace: Any, key: str) -> tuple[Any, np.ndarray]:
        """A record layer as stored and its report times, read again only after the workspace changed
        (every slider step filters it)."""
        token = workspace.change_token()
        hit = self._frames.get(key)
        if hit is None or hit[0] != token:
            full = workspace.read(key)
            # a missing time is never at or before a moment (as pandas compares a missing value)
            times = np.array([t if isinstance(t, str) else _NEVER for t in full["reported_at"].tolist()], dtype=object)
            hit = (token, full, times)
            self._frames[key] = hit
        return hit[1], hit[2]

    def _full_parts(self, key: str, full: Any) -> tuple[Any, Shapes]:
        """A stored record layer's attributes and flat shapes, made once per reading: a slider step takes
        its rows from them (a GeoDataFrame filtered, and its points made flat again to be drawn, took a
        season's step 3 ms)."""
        hit = self._parts.get(key)
        if hit is None or hit[0] is not full:
            geometry = full.geometry
            hit = (full, full.drop(columns=geometry.name), Shapes.from_geometries(geometry.to_numpy()))
            self._parts[key] = hit
        return hit[1], hit[2]

    def render(self, viewport: Viewport, *, scale: float = 1.0) -> tuple[QImage, RenderStats]:
        stats = RenderStats()
        img = self.painter.render_image(viewport, self.layers, scale=scale, stats=stats)
        return img, stats


def snapshot(
    workspace: Any,
    out: str | Path,
    size: tuple[int, int] = (1600, 1000),
    *,
    bounds: tuple[float, float, float, float] | None = None,
    at: Any = None,
) -> Path:
    """Render the whole workspace to a PNG with the canvas's painter, as of ``at`` (None: now).

    Needs a QGuiApplication (offscreen is fine); raises FontError rather
    than writing an image with missing Chinese glyphs.
    """
    cjk_family()
    scene = MapScene.from_workspace(workspace)
    scene.show_situation(workspace, at)
    vp = Viewport.for_lonlat(bounds or scene.full_extent(), size[0], size[1])
    img, _ = scene.render(vp)
    out = Path(out)
    if not img.save(str(out)):
        raise OSError(f"could not write {out}")
    return out


def _when(stored: str, zh: bool) -> str:
    from floodpost.data.timeutil import from_storage

    dt = from_storage(stored)
    if dt is None:
        return ""
    if zh:
        minute = f"{dt.minute}分" if dt.minute else ""
        return f"{dt.year}年{dt.month}月{dt.day}日{dt.hour}时{minute}"
    return dt.strftime("%Y-%m-%d %H:%M")


def as_of_text(stored: str, lang: str | PageText, *, latest: str | None = None, live: bool = False) -> str:
    """The page's "as of" line, in the page's language.

    ``截至2021年7月23日18时`` for a time asked for; with ``live`` (no time
    asked for: the situation now) the time of the latest report instead of
    the clock's, and the page says so: ``截至2021年7月25日8时（最新报告）``.
    A time asked for that is later than the latest report before it says
    how old the data is: ``截至…（数据最后更新于2021年7月25日8时）``.
    ``latest`` is that report's stored time (None: no reports).
    """
    text = lang if isinstance(lang, PageText) else PageText(lang)
    if live and latest:
        when = _when(latest, text.zh)
        if text.zh:
            return f"截至{when}（最新报告）"
        return text.translate("layout", "As of %1 (latest report)").replace("%1", when)
    when = _when(stored, text.zh)
    if not when:
        return ""
    if latest and latest < stored and _when(latest, text.zh) != when:
        age = _when(latest, text.zh)
        if text.zh:
            return f"截至{when}（数据最后更新于{age}）"
        return text.translate("layout", "As of %1 (data last updated %2)").replace("%1", when).replace("%2", age)
    if text.zh:
        return f"截至{when}"
    return text.translate("layout", "As of %1").replace("%1", when)


def latest_report(workspace: Any, at: str | None = None) -> str | None:
    """The stored time of the latest report at or before ``at`` (None: now); None when there is none."""
    import bisect

    from floodpost.data.situation import report_times
    from floodpost.data.timeutil import now_storage

    times = report_times(workspace)
    i = bisect.bisect_right(times, at or now_storage())
    return times[i - 1] if i else None


def page_subtitle(workspace: Any, situation_at: str, requested: bool, lang: str | PageText) -> str:
    """:func:`as_of_text` for a page of ``workspace`` as of ``situation_at`` (``requested``: a time was asked for)."""
    return as_of_text(situation_at, lang, latest=latest_report(workspace, situation_at), live=not requested)


#: What marks a row as made up (the demo's rows carry ``示意数据 illustrative``).
ILLUSTRATIVE = "示意数据"


def is_illustrative(workspace: Any) -> bool:
    """Whether any row's ``source`` says its data is illustrative: such a page carries the 示意 mark."""
    from floodpost.data.schema import ALL
    from floodpost.data.workspace import Where

    for key in workspace.keys():  # noqa: SIM118 - Workspace is not a mapping
        schema = ALL.get(key)
        if schema is None or "source" not in schema.field_names:
            continue
        rows = workspace.read(key, [Where("source", "like", f"%{ILLUSTRATIVE}%")], columns=["source"], geometry=False)
        if len(rows):
            return True
    return False


def compose_snapshot(
    workspace: Any,
    out: str | Path,
    *,
    preset: str | None = None,
    size: tuple[int, int] | None = None,
    dpi: int | None = None,
    title: str | None = None,
    at: Any = None,
    press: bool = False,
    bounds: tuple[float, float, float, float] | None = None,
    source: str = "",
    producer: str = "",
    review_number: str = "",
    lang: str = "zh",
) -> Any:
    """The composed page (title, map, legend, scale bar, north arrow, figures) as PNG or PDF.

    The page is in ``lang`` (Chinese by default) whatever the interface's
    language. Returns the :class:`~floodpost.layers.output.layout.ComposedPage`
    (its ``warnings`` are for the user).
    """
    from floodpost.layers.output.layout import (
        PRESETS,
        LayoutOptions,
        headline_figures,
        page_pixels,
        render_pdf,
        render_png,
    )

    cjk_family()
    text = PageText(lang)
    out = Path(out)
    pdf = out.suffix.lower() == ".pdf"
    preset = preset or ("a4" if pdf else "screen")
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
    scene = MapScene.from_workspace(workspace)
    situation = scene.show_situation(workspace, at)
    options = LayoutOptions(
        title=title or text.translate("layout", "Flood situation map"),
        subtitle=page_subtitle(workspace, situation.at, at is not None, text),
        source=source or text.translate("layout", "duty records of the flood control post"),
        producer=producer,
        review_number=review_number,
        press=press,
        headline=headline_figures(situation.totals(), text, at=situation.at),
        lang=text.lang,
        illustrative=is_illustrative(workspace),
    )
    area = bounds or scene.full_extent()
    if pdf:
        p = PRESETS[preset]
        size_mm = p.get("size_mm") or (p["size_px"][0] * 25.4 / 96, p["size_px"][1] * 25.4 / 96)
        return render_pdf(scene, area, options, out, size_mm, int(dpi or p["dpi"]))
    w, h, d = page_pixels(preset, size, dpi)
    return render_png(scene, area, options, out, (w, h), d)
