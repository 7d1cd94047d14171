"""A throwaway PostgreSQL + PostGIS server for the tests: one cluster per session, one database per test.

The cluster lives in a temporary folder, listens on loopback only, on a free
port, with its socket in that folder, and is stopped and removed at the end.
initdb refuses to run as root: as root (CI, the dev container) the server runs
as Debian's ``postgres`` system user. Locally, without the server binaries or
PostGIS, the tests that need them skip with a hint; in CI (``CI`` set), where
``scripts/test-deps.sh`` installs both, they fail instead.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tools import need

SUPERUSER = "postgres"


def server_bin() -> Path | None:
    """The newest installed server's bin folder that has PostGIS beside it, or None."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        version = Path(folder).parent.name
        if Path(folder, "initdb").exists() and Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running server: ``url(db)`` connects to one of its databases as the superuser."""

    port: int
    folder: Path
    bindir: Path | None = None
    user: str | None = None  # the system user the server runs as (root may not)

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as con:
            con.execute(statement)

    def restart(self) -> None:
        """Stop the server (every connection dropped) and start it again on the same port."""
        r = _run_as(self.user, [str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                                "-w", "-t", "60", "-l", str(self.folder / "log"), "restart"])
        if r.returncode:
            raise RuntimeError(f"the test server did not restart: {r.stderr or r.stdout}")

    def new_database(self, template: str = "floodpost_template") -> str:
        """A fresh database (PostGIS in it) for one test; its URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (``-m fast``: clients are cut off as by an outage) until :meth:`start`."""
        r = _run_as(self.user, [str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                                "-w", "-t", "60", "stop"])
        if r.returncode:
            raise RuntimeError(f"the test server did not stop: {r.stderr or r.stdout}")

    def start(self) -> None:
        """Start a stopped server again on the same port, with the options it last ran with."""
        import shlex

        data = self.folder / "data"
        words = shlex.split((data / "postmaster.opts").read_text())[1:]  # without the postgres binary
        options = [w for i, w in enumerate(words) if w != "-D" and (i == 0 or words[i - 1] != "-D")]
        r = _run_as(self.user, [str(self.bindir / "pg_ctl"), "-D", str(data), "-o", shlex.join(options),
                                "-l", str(self.folder / "log"), "-w", "-t", "60", "start"])
        if r.returncode:
            raise RuntimeError(f"the test server did not start again: {r.stderr or r.stdout}")


def _run_as(user: str | None, args: list[str], **kw) -> subprocess.CompletedProcess:
    cmd = (["runuser", "-u", user, "--"] if user else []) + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """Start a PostgreSQL cluster on loopback in a temporary folder; stop and remove it at the end."""
    bindir = server_bin()
    need(bindir is not None, "PostgreSQL with PostGIS (postgresql, postgresql-15-postgis-3)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        need(False, "psycopg (pip install -e '.[test]')")
    as_user = None
    if os.geteuid() == 0:  # initdb refuses root: run the server as Debian's postgres user
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            need(False, "the 'postgres' system user (created by Debian's postgresql package)")
        as_user = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="floodpost-pg-"))
    if as_user:
        shutil.chown(folder, as_user, as_user)
    data = folder / "data"
    r = _run_as(as_user, [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
                          "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
    if r.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"initdb failed: {r.stderr or r.stdout}")
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    r = _run_as(as_user, [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
                          "-w", "-t", "60", "start"])
    if r.returncode:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"the test server did not start: {r.stderr or r.stdout}\n{log[-2000:]}")
    cluster = Cluster(port, folder, bindir, as_user)
    try:
        cluster.sql("CREATE DATABASE floodpost_template")
        cluster.sql("CREATE EXTENSION postgis", "floodpost_template")
        yield cluster
    finally:
        _run_as(as_user, [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A fresh, empty database with PostGIS for one test, dropped after it (a session's
    hundreds of copies of the template made the cluster's removal take minutes)."""
    url = pg_cluster.new_database()
    yield url
    name = url.rsplit("/", 1)[1]
    with contextlib.suppress(Exception):  # a server a test left stopped: removed with the cluster
        pg_cluster.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
