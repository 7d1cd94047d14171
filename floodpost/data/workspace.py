"""Opening and creating workspaces by location: where the rest of FloodPost starts.

A workspace is a :class:`~floodpost.data.store.Store`; today a GeoPackage
file (:class:`~floodpost.data.store.gpkg.GpkgStore`), later also a shared
PostgreSQL/PostGIS database, behind the same protocol. Code outside the
storage package names workspaces by their ``location`` and never by a
connection or a file handle.

Examples
--------
>>> with Workspace.open("demo.gpkg") as ws:      # doctest: +SKIP
...     ws.count("hazards")
"""

from __future__ import annotations

import os

from floodpost.data.store import (
    ReadOnlyWorkspace,
    StaleEdit,
    StorageError,
    Store,
    Where,
    create_store,
    fids_in,
    open_store,
    same_location,
)
from floodpost.data.store.gpkg.store import Damage, WorkspaceError, default_operator, geoframe


class Workspace:
    """The entry points: :meth:`open` and :meth:`create` give a :class:`~floodpost.data.store.Store`."""

    @staticmethod
    def open(location: str | os.PathLike[str], read_only: bool = False) -> Store:
        """Open the workspace at ``location``, migrating an older schema (unless ``read_only``)."""
        return open_store(location, read_only=read_only)

    @staticmethod
    def create(location: str | os.PathLike[str], overwrite: bool = False) -> Store:
        """A new, empty workspace at ``location`` with every layer key and table."""
        return create_store(location, overwrite=overwrite)


__all__ = [
    "Damage", "ReadOnlyWorkspace", "StaleEdit", "StorageError", "Store", "Where", "Workspace", "WorkspaceError", "default_operator", "fids_in",
    "geoframe", "same_location",
]
