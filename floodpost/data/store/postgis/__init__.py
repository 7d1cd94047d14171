"""The PostgreSQL/PostGIS back end: one shared workspace for every workstation of the post.

:class:`PostgisStore` implements :class:`floodpost.data.store.Store` on a
database with psycopg 3; :mod:`.server` holds what the server itself
enforces (tables made from the schema, roles, the append-only log, triggers
that log and announce changes made by any client). :func:`init_server` sets
a database up once (``floodpost server init URL``).

Locations are ``postgresql://…``/``postgres://…`` URLs or libpq
``service=NAME`` strings. Credentials come from libpq (pgpass, the service
file, ``PG*`` variables); a password written into a location is used to
connect but never kept in :attr:`PostgisStore.location` nor shown in messages.
"""

from floodpost.data.store.postgis.store import PostgisStore, init_server, is_location, redact

__all__ = ["PostgisStore", "init_server", "is_location", "redact"]
