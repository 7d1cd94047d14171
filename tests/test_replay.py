"""The press replay: one frame per report time, frames that change, cancel leaves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from floodpost.data.situation import report_times
from floodpost.data.workspace import Workspace
from floodpost.layers.output.replay import ReplayCancelled, frame_times, write_replay

START, END = "2021-07-22T00:00:00.000Z", "2021-07-23T12:00:00.000Z"


def test_gif_has_a_frame_per_report_and_they_change(qapp, demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "replay.gif"
    with Workspace.open(demo_path) as ws:
        times = frame_times(report_times(ws), START, END)
        write_replay(ws, out, start=START, end=END, size=(640, 360), title="回放")
    gif = Image.open(out)
    assert gif.n_frames == len(times) > 3
    gif.seek(0)
    first = gif.convert("RGB")
    gif.seek(gif.n_frames - 1)
    last = gif.convert("RGB")
    assert ImageChops.difference(first, last).getbbox() is not None


def test_gif_frames_share_one_palette_close_to_the_pages(qapp, demo_path: Path, tmp_path: Path, monkeypatch) -> None:
    """One palette for every frame (no colour flickers between frames), each frame close to the page drawn."""
    import numpy as np

    from floodpost.layers.output import replay

    drawn: list[Image.Image] = []
    real = replay._to_pil
    monkeypatch.setattr(replay, "_to_pil", lambda img: (drawn.append(real(img)), drawn[-1])[1])
    shared: list[list[Image.Image]] = []
    real_palette = replay._shared_palette
    monkeypatch.setattr(replay, "_shared_palette", lambda frames: (shared.append(real_palette(frames)), shared[-1])[1])
    out = tmp_path / "replay.gif"
    with Workspace.open(demo_path) as ws:
        write_replay(ws, out, start=START, end=END, size=(640, 360), title="回放")
    assert len(shared) == 1 and len({bytes(f.getpalette()) for f in shared[0]}) == 1
    gif = Image.open(out)
    assert gif.n_frames == len(drawn) > 3
    for i in range(gif.n_frames):
        gif.seek(i)
        page = np.asarray(drawn[i], dtype=np.int16)
        assert np.abs(np.asarray(gif.convert("RGB"), dtype=np.int16) - page).mean() < 4, i


def test_cancel_writes_nothing(qapp, demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "replay.gif"
    with Workspace.open(demo_path) as ws, pytest.raises(ReplayCancelled):
        write_replay(ws, out, size=(320, 180), progress=lambda n, total: n < 3)
    assert not out.exists() and not list(tmp_path.glob(".*part*"))


def test_frame_times_thins_evenly() -> None:
    times = [f"t{i:03d}" for i in range(200)]
    picked = frame_times(times, None, None, max_frames=10)
    assert len(picked) == 10 and picked[0] == "t000" and picked[-1] == "t199"


def test_replay_dialog_runs_in_the_background(qtbot, demo_path: Path, tmp_path: Path) -> None:
    from floodpost.ui.dialogs.replaydialog import ReplayDialog

    with Workspace.open(demo_path) as ws:
        times = report_times(ws)
    dlg = ReplayDialog(demo_path, times)
    qtbot.addWidget(dlg)
    dlg.start.setCurrentIndex(0)
    dlg.end.setCurrentIndex(4)
    dlg.size.setCurrentIndex(dlg.size.findText("960×540"))
    out = tmp_path / "r.gif"
    with qtbot.waitSignal(dlg.start_writing(out).done, timeout=60_000):
        pass
    assert Image.open(out).n_frames == 5


def test_cli_replay(qapp, demo_path: Path, tmp_path: Path) -> None:
    from floodpost.cli import main

    out = tmp_path / "r.gif"
    assert main(["replay", str(demo_path), "-o", str(out), "--from", "2021-07-24T08:00", "--size", "320x180"]) == 0
    assert Image.open(out).n_frames >= 3
    assert main(["replay", str(demo_path), "-o", str(tmp_path / "x.gif"), "--from", "2030-01-01T00:00"]) == 1
    assert main(["replay", str(demo_path), "-o", str(tmp_path / "x.avi")]) == 1


def test_frames_without_a_title_carry_the_page_title(qapp, demo_path: Path, tmp_path: Path, monkeypatch) -> None:
    """No empty band over the subtitle: the replay's title is the press page's own when none is given."""
    import floodpost.layers.output.replay as replay

    titles = []
    real = replay.compose

    def spy(painter, page, scene, bounds, options, scale):
        titles.append(options.title)
        return real(painter, page, scene, bounds, options, scale)

    monkeypatch.setattr(replay, "compose", spy)
    with Workspace.open(demo_path) as ws:
        write_replay(ws, tmp_path / "r.gif", start=START, end="2021-07-22T06:00:00.000Z", size=(320, 180))
    assert titles and set(titles) == {"防汛态势图"}
