"""Shared workspaces on the command line: every command takes a connection, push/pull/server init, no password shown."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import floodpost.data.transfer as transfer
import floodpost.data.workspace as workspace
from floodpost.cli import main
from floodpost.data.workspace import StorageError, display_name, is_shared_location, strip_password

ROOT = Path(__file__).resolve().parents[1]
URL = "postgresql://duty1:s3cret@10.1.2.3:5432/flood?sslmode=prefer"


# ------------------------------------------------------------------ locations
@pytest.mark.parametrize(("location", "shared", "stripped", "shown"), [
    ("postgresql://duty1:s3cret@10.1.2.3:5432/flood", True, "postgresql://duty1@10.1.2.3:5432/flood", "flood @ 10.1.2.3"),
    ("postgres://duty1:p%40ss@db.post/flood", True, "postgres://duty1@db.post/flood", "flood @ db.post"),
    ("postgresql://duty1@db/flood?password=x&sslmode=require", True, "postgresql://duty1@db/flood?sslmode=require",
     "flood @ db"),
    ("postgresql://db/flood?sslmode=require&password=x", True, "postgresql://db/flood?sslmode=require", "flood @ db"),
    ("postgresql://db/flood?password=x", True, "postgresql://db/flood", "flood @ db"),
    ("postgresql://db:5432/flood", True, "postgresql://db:5432/flood", "flood @ db"),
    ("service=flood", True, "service=flood", "service flood"),
    ("host=db dbname=flood user=duty1 password='a b' port=5432", True, "host=db dbname=flood user=duty1 port=5432",
     "flood @ db"),
    ("/data/post/汛期2021.gpkg", False, "/data/post/汛期2021.gpkg", "汛期2021.gpkg"),
    ("demo.gpkg", False, "demo.gpkg", "demo.gpkg"),
])
def test_locations(location: str, shared: bool, stripped: str, shown: str) -> None:
    assert is_shared_location(location) is shared
    assert strip_password(location) == stripped
    assert display_name(location) == shown
    assert "s3cret" not in display_name(location) and "p%40ss" not in strip_password(location)


def test_a_message_quoting_a_location_loses_its_password() -> None:
    text = "cannot connect to postgresql://duty1:s3cret@10.1.2.3/flood: timeout"
    assert strip_password(text) == "cannot connect to postgresql://duty1@10.1.2.3/flood: timeout"


# ------------------------------------------------------------------ every command reaches open_store unchanged
@pytest.fixture
def reached(monkeypatch: pytest.MonkeyPatch, qapp) -> list[str]:  # noqa: ANN001
    """open_store records its location and refuses (no server here), mentioning the location as a back end might.

    ``qapp``: snapshot and replay would otherwise make a QGuiApplication, and a later widget test would abort.
    """
    seen: list[str] = []

    def fake_open(location, read_only: bool = False, **kw):  # noqa: ANN001, ANN003, ANN202
        seen.append(location)
        raise StorageError(f"{location}: no server here")

    monkeypatch.setattr(workspace, "open_store", fake_open)
    monkeypatch.setattr(transfer, "open_store", fake_open)
    return seen


@pytest.mark.parametrize("argv", [
    ["info", URL],
    ["info", URL, "--json"],
    ["snapshot", URL, "-o", "{tmp}/s.png"],
    ["web", URL, "-o", "{tmp}/w.html"],
    ["export", URL, "--layer", "hazards", "-o", "{tmp}/h.csv"],
    ["brief", URL, "-o", "{tmp}/b.txt"],
    ["replay", URL, "-o", "{tmp}/r.gif"],
    ["import", URL, "{tmp}/x.csv", "--as", "shelters"],
    ["pull", URL, "{tmp}/out.gpkg"],
])
def test_a_connection_reaches_open_store_unchanged(argv: list[str], reached: list[str], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.csv").write_text("name,lon,lat\n一中,114.1,35.7\n", encoding="utf-8")
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 1
    assert reached == [URL]
    err = capsys.readouterr().err
    assert "no server here" in err and "s3cret" not in err
    assert "duty1@10.1.2.3" in err
    assert not (tmp_path / "out.gpkg").exists()


def test_gui_takes_a_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    import floodpost.ui.app as app

    seen = []
    monkeypatch.setattr(app, "run", lambda workspace=None, lang=None: seen.append(workspace) or 0)
    assert main(["gui", URL]) == 0
    assert seen == [URL]


def test_push_reaches_the_destination_unchanged(demo_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    seen = []

    def fake_create(location, overwrite: bool = False):  # noqa: ANN001, ANN202
        seen.append((location, overwrite))
        raise StorageError(f"{location}: no server here")

    monkeypatch.setattr(transfer, "create_store", fake_create)
    assert main(["push", str(demo_path), URL, "--force"]) == 1
    assert seen == [(URL, True)]
    err = capsys.readouterr().err
    assert err.startswith("floodpost push: error:") and "s3cret" not in err


# ------------------------------------------------------------------ push and pull between files
def test_push_and_pull_between_geopackages(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    assert main(["push", str(demo_path), str(a)]) == 0
    out = capsys.readouterr()
    assert "copied" in out.out and "situation_log" in out.out
    assert main(["pull", str(a), str(b)]) == 0
    capsys.readouterr()
    assert main(["pull", str(a), str(b)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["pull", str(a), str(b), "--force"]) == 0
    assert main(["pull", str(tmp_path / "gone.gpkg"), str(tmp_path / "c.gpkg")]) == 1
    assert "no such workspace" in capsys.readouterr().err
    assert main(["pull", str(a), URL]) == 1


def test_push_runs_as_a_command(demo_path: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "floodpost", "push", str(demo_path), str(tmp_path / "p.gpkg")],
                       capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "p.gpkg").is_file()


# ------------------------------------------------------------------ server init
def test_server_init_calls_the_back_end(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    seen = []
    fake = types.ModuleType("floodpost.data.store.postgis")
    fake.init_server = seen.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "floodpost.data.store.postgis", fake)
    assert main(["server", "init", URL]) == 0
    assert seen == [URL]
    out = capsys.readouterr().out
    assert "floodpost_editor" in out and "s3cret" not in out


def test_server_init_says_what_is_missing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "floodpost.data.store.postgis", None)  # as before the back end exists
    assert main(["server", "init", URL]) == 1
    err = capsys.readouterr().err
    assert "not available" in err and "s3cret" not in err
    assert main(["server", "init", "demo.gpkg"]) == 1
    assert "not a database location" in capsys.readouterr().err
