"""The layer model: what is drawn, in which order, how visibly. No Qt here.

The layer list is the one source of truth for the map's layers; the Qt
layer panel is an adapter over it, never a copy.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import InitVar, dataclass
from typing import Any

import numpy as np
from psygnal import evented
from psygnal.containers import EventedList

from floodpost.data.schema import LAYER_ORDER, LAYERS, TableSchema
from floodpost.data.schema.symbology import SYMBOLOGY, Symbology
from floodpost.data.shapes import Shapes
from floodpost.data.workspace import StorageError, geoframe

#: Layers with more features than this open with only the columns the map
#: draws; a feature's other fields are read when it is identified (``Layer.record``).
LEAN_ABOVE = 20_000

#: ... and so do layers whose shapes take more than this many bytes.
HEAVY_BYTES = 8_000_000


def _opens_lean(workspace: Any, key: str, lean_above: float | None, count: int | None = None) -> bool:
    """Whether a layer opens lean: more rows than ``lean_above``, or (by default) heavy shapes.

    The highest fid stands for the count (a layer thinned by deletions may
    open lean: no harm). Given ``lean_above``, only the count decides.
    """
    limit = LEAN_ABOVE if lean_above is None else lean_above
    count = workspace.count_bound(key) if count is None else count
    if count > limit:
        return True
    return lean_above is None and workspace.geometry_bytes(key, count) > HEAVY_BYTES


def drawing_columns(key: str) -> list[str]:
    """The attribute columns the map needs for ``key``: class field, label field, title."""
    sym = SYMBOLOGY[key]
    schema = LAYERS[key]
    wanted = [sym.field, sym.label.field if sym.label is not None else None, schema.title_field]
    return [c for c in dict.fromkeys(wanted) if c is not None and c in schema.field_names]


@evented
@dataclass(eq=False)
class Layer:
    """One map layer: a workspace layer key with its data and display state.

    ``frame`` is a GeoDataFrame in EPSG:4490 indexed by fid; replacing it
    bumps ``version`` so painters rebuild their caches exactly once. A big
    layer read from a workspace holds its attributes (``table``) and its
    :class:`~floodpost.data.shapes.Shapes` instead, and builds ``frame``
    the first time something asks for it: the map draws from the shapes.
    """

    key: str
    data: InitVar[Any] = None
    visible: bool = True
    opacity: float = 1.0
    labels: bool = True
    version: int = 0

    def __post_init__(self, data: Any) -> None:
        if self.key not in LAYERS:
            raise ValueError(f"unknown layer key {self.key!r}; known: {', '.join(LAYERS)}")
        self._check_opacity(self.opacity)
        self._frame: Any = data
        self._table: Any = None
        self._shapes: Shapes | None = None
        self._token = object()
        self._building = threading.Lock()
        self._source: Any = None
        self._geometry_source: tuple[str, str] | None = None
        self._rows_of: tuple[Any, np.ndarray] | None = None

    @staticmethod
    def _check_opacity(value: float) -> None:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"opacity must be between 0.0 and 1.0; got {value}")

    def set_opacity(self, value: float) -> None:
        self._check_opacity(value)
        self.opacity = float(value)

    # ------------------------------------------------------------ data
    @property
    def frame(self) -> Any:
        """The layer's GeoDataFrame (None when it has no data), built from the shapes if need be."""
        if self._frame is None and self._shapes is not None:
            with self._building:
                if self._frame is None:
                    geoms = self._shapes.geometries()
                    self._shapes.keep_geometries(geoms)
                    self._frame = geoframe(self._table, geoms)
        return self._frame

    @property
    def table(self) -> Any:
        """The attributes, indexed by fid: ``frame``, or without geometry while it is not built."""
        return self._frame if self._frame is not None else self._table

    def rows(self, mask: Any) -> Any:
        """The features where ``mask`` (boolean, per row) holds, as a GeoDataFrame.

        For a few features of a big layer: only those get a shapely geometry.
        """
        if self.built:
            return None if self.frame is None else self.frame[np.asarray(mask, dtype=bool)]
        assert self._shapes is not None
        pos = np.flatnonzero(np.asarray(mask, dtype=bool))
        return geoframe(self._table.iloc[pos], self._shapes.geometries(pos))

    @property
    def shapes(self) -> Shapes | None:
        """The geometries as flat arrays when the layer was read as such, else None."""
        return self._shapes

    @property
    def data_token(self) -> object:
        """Changes whenever the data is replaced (building ``frame`` does not replace it)."""
        return self._token

    @property
    def built(self) -> bool:
        """Whether ``frame`` exists already (reading it costs nothing)."""
        return self._frame is not None or self._shapes is None

    def set_frame(self, frame: Any, geometry_source: tuple[str, str] | None = None) -> None:
        """Replace the data; painters see the new ``version`` and rebuild.

        ``geometry_source`` is (workspace file, key) when every shape of
        ``frame`` is as stored there under its fid (a read, or a filtered
        or re-classified copy of one): a helper process may then read the
        shapes itself instead of being sent them.
        """
        self._replace(frame, None, None, geometry_source)

    def set_shapes(self, table: Any, shapes: Shapes, geometry_source: tuple[str, str] | None = None,
                   rows_of: tuple[Any, np.ndarray] | None = None) -> None:
        """Replace the data with attributes and shapes; ``frame`` is built when first asked for.

        ``rows_of`` is (a table, positions) when ``table`` is those rows of it, as a slider step takes
        the records up to the moment: painters may take what they worked out for that table.
        """
        if len(table) != len(shapes):
            raise ValueError(f"{self.key}: {len(table)} rows but {len(shapes)} shapes")
        self._replace(None, table, shapes, geometry_source)
        self._rows_of = rows_of

    @property
    def rows_of(self) -> tuple[Any, np.ndarray] | None:
        """(the table, positions) the data is rows of (``set_shapes``); None otherwise."""
        return self._rows_of

    def _replace(self, frame: Any, table: Any, shapes: Shapes | None, geometry_source: tuple[str, str] | None) -> None:
        self._source = None
        self._geometry_source = geometry_source
        self._frame = frame
        self._table = table
        self._shapes = shapes
        self._rows_of = None
        self._token = object()
        self.version += 1

    def set_columns(self, table: Any) -> None:
        """Replace the attributes (same rows, same order), keeping the geometry as it is."""
        self._rows_of = None
        if self._shapes is not None and self._frame is None:
            self._table = table
        else:
            import geopandas as gpd

            frame = self._frame
            self._frame = gpd.GeoDataFrame(table, geometry=frame.geometry, crs=frame.crs)
            if self._shapes is not None:
                self._table = None
        self._token = object()
        self.version += 1

    def reload(self, workspace: Any, lean_above: float | None = None) -> None:
        """Read the layer again from ``workspace`` (after a write), lean if it is big."""
        if _opens_lean(workspace, self.key, lean_above):
            self._load_lean(workspace, workspace.read_shapes(self.key, drawing_columns(self.key)))
        else:
            self._load_full(workspace)

    def apply_rows(self, rows: Any, gone: Any = ()) -> bool:
        """Put rows another workstation changed in place, without reading the layer again.

        ``rows`` (a GeoDataFrame read by fid with every column, as
        :meth:`reload` reads) replaces the rows with those fids or adds them;
        the fids in ``gone`` leave. A shared workspace pushes single changes
        to every screen, and re-reading a county's layer for each would take
        seconds. Returns False when this layer cannot take rows (it opened
        lean, or holds no frame): the caller reloads it instead.
        """
        frame = self._frame
        if frame is None or self._source is not None or self._shapes is not None:
            return False
        if rows is not None and len(rows) and not set(frame.columns) <= set(rows.columns):
            return False
        import geopandas as gpd
        import pandas as pd

        out = frame.drop(index=[f for f in {*map(int, gone), *(rows.index if rows is not None else ())}
                                if f in frame.index])
        if rows is not None and len(rows):
            part = rows[list(frame.columns)]
            out = pd.concat([out, part]) if len(out) else part.copy()
        out = out.sort_index()
        if not isinstance(out, gpd.GeoDataFrame):
            out = gpd.GeoDataFrame(out, geometry=frame.geometry.name, crs=frame.crs)
        out.index.name = frame.index.name
        self.set_frame(out, self._geometry_source)
        return True

    def _load_full(self, workspace: Any) -> None:
        self.set_frame(workspace.read(self.key), (workspace.location, self.key))

    def _load_lean(self, workspace: Any, got: tuple[Any, Shapes] | None) -> None:
        """Take what ``workspace.read_shapes`` returned (read through sqlite when it gave None)."""
        if got is not None:
            self.set_shapes(*got)
        else:
            self.set_frame(workspace.read(self.key, columns=drawing_columns(self.key)))
        self._source = workspace

    @property
    def geometry_source(self) -> tuple[str, str] | None:
        """(workspace location, key) if the shapes are as stored there, else None."""
        if self._source is not None:
            return (self._source.location, self.key)
        return self._geometry_source

    @property
    def lean(self) -> bool:
        """True while the frame holds only the columns the map draws."""
        return self._source is not None

    def record(self, fid: int) -> dict[str, Any]:
        """All fields of feature ``fid`` (geometry under ``geometry``), or {} if absent."""
        source = self._source
        if source is not None:
            try:
                return source.feature(self.key, int(fid)) or {}
            except StorageError:  # the workspace was closed meanwhile
                return {}
        if self.frame is None or fid not in self.frame.index:
            return {}
        rec = self.frame.loc[fid].to_dict()
        rec["fid"] = int(fid)
        return rec

    def geometry(self, fid: int) -> Any:
        """The shapely geometry of feature ``fid`` (lon/lat), or None; builds no frame."""
        if self.built:
            frame = self.frame
            return None if frame is None or fid not in frame.index else frame.geometry.loc[fid]
        assert self._shapes is not None
        pos = self._table.index.get_indexer([fid])
        return None if pos[0] < 0 else self._shapes.geometries(pos)[0]

    @property
    def schema(self) -> TableSchema:
        return LAYERS[self.key]

    @property
    def symbology(self) -> Symbology:
        return SYMBOLOGY[self.key]

    @property
    def count(self) -> int:
        table = self.table
        return 0 if table is None else len(table)

    def title(self, lang: str = "zh") -> str:
        return self.schema.label(lang)

    def bounds(self) -> tuple[float, float, float, float] | None:
        """lon/lat bounds of the data, or None when empty."""
        if self.count == 0:
            return None
        if not self.built:
            assert self._shapes is not None
            return self._shapes.bounds()
        b = self.frame.total_bounds
        if not np.all(np.isfinite(b)):
            return None
        return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


class LayerList(EventedList[Layer]):
    """Layers bottom to top; events: inserted, removed, moved, child_event."""

    def __init__(self, layers: list[Layer] | None = None) -> None:
        super().__init__(layers or [], hashable=False, child_events=True)

    # psygnal looks for a child's signals by reading every public attribute,
    # which would build a big layer's frame; a layer's signals are its ``events``.
    def _connect_child_emitters(self, child: Layer) -> None:
        child.events._psygnal_relay.connect(self._reemit_child_event)

    def _disconnect_child_emitters(self, child: Layer) -> None:
        child.events._psygnal_relay.disconnect(self._reemit_child_event)

    def get(self, key: str) -> Layer | None:
        for layer in self:
            if layer.key == key:
                return layer
        return None

    def __getitem__(self, index: Any) -> Any:  # type: ignore[override]
        if isinstance(index, str):
            layer = self.get(index)
            if layer is None:
                raise KeyError(index)
            return layer
        return super().__getitem__(index)

    def bounds(self, visible_only: bool = False) -> tuple[float, float, float, float] | None:
        boxes = [
            b
            for layer in self
            if (layer.visible or not visible_only) and (b := layer.bounds()) is not None
        ]
        if not boxes:
            return None
        arr = np.array(boxes)
        return (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())

    @classmethod
    def from_workspace(
        cls, workspace: Any, lean_above: float | None = None, ready: Callable[[Layer], Any] | None = None
    ) -> LayerList:
        """All layer keys of a workspace, in the standard drawing order.

        Layers of more than ``lean_above`` features (default ``LEAN_ABOVE``)
        are read with their :func:`drawing_columns` only: fetching every
        attribute of a county's 100,000 polygons takes longer than drawing
        them. :meth:`Layer.record` reads a whole feature. ``ready`` is called
        with each of those big layers in the thread that read it (a painter
        prepares it there, alongside the others).
        """
        # a few thousand long rivers are big too: see _opens_lean
        counts = {key: workspace.count_bound(key) for key in LAYER_ORDER}
        big = [key for key in LAYER_ORDER if _opens_lean(workspace, key, lean_above, counts[key])]

        def read_big(key: str) -> Layer | None:
            got = workspace.read_shapes(key, drawing_columns(key), counts[key])
            if got is None:
                return None  # read through sqlite, in the calling thread
            layer = Layer(key)
            layer._load_lean(workspace, got)
            if ready is not None:
                ready(layer)
            return layer

        read: dict[str, Layer] = {}
        # GDAL reads the big layers in worker threads (without Python's lock)
        # while this thread reads the small ones through sqlite.
        with ThreadPoolExecutor(max_workers=max(1, min(len(big), (os.cpu_count() or 1) + 1))) as pool:
            pending = {key: pool.submit(read_big, key) for key in big}
            for key in LAYER_ORDER:
                if key not in pending:
                    read[key] = layer = Layer(key)
                    layer._load_full(workspace)
            for key, future in pending.items():
                layer = future.result()
                if layer is None:
                    layer = Layer(key)
                    layer._load_lean(workspace, None)
                read[key] = layer
        return cls([read[key] for key in LAYER_ORDER])
