"""Opening and creating workspaces by location: where the rest of FloodPost starts.

A workspace is a :class:`~floodpost.data.store.Store`: a GeoPackage file
(:class:`~floodpost.data.store.gpkg.GpkgStore`) or a PostgreSQL/PostGIS
database shared by the post (:class:`~floodpost.data.store.postgis.PostgisStore`,
opened by a ``postgresql://…`` URL or ``service=NAME``), behind the same protocol. Code outside the
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
    display_name,
    fids_in,
    is_shared_location,
    open_store,
    same_location,
    strip_password,
)
from floodpost.data.store.gpkg.store import Damage, WorkspaceError, default_operator, geoframe


class Workspace:
    """The entry points: :meth:`open` and :meth:`create` give a :class:`~floodpost.data.store.Store`."""

    @staticmethod
    def open(location: str | os.PathLike[str], read_only: bool = False,
             replica_dir: str | os.PathLike[str] | None = None, uuids_later: bool = False) -> Store:
        """Open the workspace at ``location``, migrating an older schema (unless ``read_only``).

        ``replica_dir``: for a shared workspace, the folder of its local replica and outbox, so the
        window keeps working when the server cannot be reached (the store then has ``poll()``,
        ``connection_state()``, ``conflicts()``, ``resolve()``: see ``floodpost.data.store.replica``).
        ``uuids_later``: a file's rows written by another program get their uuids at a later open,
        not this one (the window opens at once and gives them theirs in the background).
        """
        return open_store(location, read_only=read_only, replica_dir=replica_dir, uuids_later=uuids_later)

    @staticmethod
    def create(location: str | os.PathLike[str], overwrite: bool = False) -> Store:
        """A new, empty workspace at ``location`` with every layer key and table."""
        return create_store(location, overwrite=overwrite)


def init_server(location: str) -> None:
    """Set a PostgreSQL database up for FloodPost once (``floodpost server init``): schema, roles, triggers.

    The PostGIS back end is imported only here, so a FloodPost without it
    (or without its database driver) still runs on files and says plainly what is missing.
    """
    if not is_shared_location(location):
        raise StorageError(f"{strip_password(location)}: not a database location; "
                           "give postgresql://USER@HOST/DATABASE or service=NAME")
    try:
        from floodpost.data.store.postgis import init_server as setup
    except ImportError as exc:
        raise StorageError(f"the shared PostgreSQL workspace is not available in this FloodPost ({exc.name or exc})"
                           ) from None
    setup(location)


__all__ = [
    "Damage", "ReadOnlyWorkspace", "StaleEdit", "StorageError", "Store", "Where", "Workspace", "WorkspaceError", "default_operator", "display_name",
    "fids_in", "geoframe", "init_server", "is_shared_location", "same_location", "strip_password",
]
