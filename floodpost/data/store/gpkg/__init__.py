"""The GeoPackage back end: a workspace in one file that QGIS and GDAL open as it is.

:class:`GpkgStore` implements :class:`floodpost.data.store.Store` on SQLite;
:mod:`.geopackage` writes and reads the GeoPackage's own tables, blobs and
R-trees; :mod:`.qgis_styles` stores the map's symbology where QGIS looks
for a layer's style.
"""

from floodpost.data.store.gpkg.store import GpkgStore, WorkspaceError, read_geometry

__all__ = ["GpkgStore", "WorkspaceError", "read_geometry"]
