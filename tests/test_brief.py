"""The meeting brief states the engine's figures, in Chinese, with the change since the meeting."""

from __future__ import annotations

import re
from pathlib import Path

from floodpost.data.situation import as_of, delta, last_meeting
from floodpost.data.situation.brief import meeting_brief, save_brief
from floodpost.data.workspace import Workspace

AT = "2021-07-23T18:00"


def test_brief_figures_equal_the_engine(demo_path: Path) -> None:
    with Workspace.open(demo_path) as ws:
        text = meeting_brief(ws, AT)
        sit = as_of(ws, AT)
        t = sit.totals()
        meeting = last_meeting(ws, sit.at)
        d = delta(as_of(ws, meeting).totals(), t)
    p = t["evacuation"]["persons"]
    assert text.startswith("防汛态势简报（截至7月23日18时）")
    assert f"已转移{p['transferred']:,}人，已安置{p['sheltered']:,}人" in text
    liang = t["evacuation"]["by_area"]["良相坡"]
    assert "良相坡，" in text and f"已转移{liang['transferred']:,}人" in text
    assert f"在位队伍{t['forces']['teams']}支、{t['forces']['personnel']:,}人" in text
    assert f"沙袋{t['materials']['dispatch']['sandbag']:,.0f}" in text
    assert f"投放沙袋{t['works']['sandbags']:,}袋" in text
    assert "较上次会商（7月23日9时）" in text
    staff = d["forces"]["personnel"]
    assert staff > 0 and f"救援人员增加{staff:,}人" in text
    change = d["evacuation"]["persons"]["transferred"]
    assert (f"已转移增加{change:,}人" if change else "已转移持平") in text
    assert not re.search(r"1[3-9]\d{9}|0392-", text)  # no phone numbers in a brief


def test_brief_saved_as_txt_and_docx(demo_path: Path, tmp_path: Path) -> None:
    from docx import Document

    with Workspace.open(demo_path) as ws:
        text = meeting_brief(ws, AT)
    txt = save_brief(text, tmp_path / "brief.txt")
    assert txt.read_text("utf-8-sig") == text
    doc = save_brief(text, tmp_path / "brief.docx")
    paras = [p.text for p in Document(str(doc)).paragraphs]
    assert paras[0] == text.splitlines()[0]
    assert any(line.strip() in paras for line in text.splitlines()[2:4])


def test_brief_dock_follows_the_slider_and_copies(qtbot, demo_path: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    from floodpost.ui.mainwindow import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        assert win.open_workspace(demo_path)
    win.brief_dock.raise_()
    win.time_slider.set_time("2021-07-23T10:00:00.000Z")
    qtbot.waitUntil(lambda: "截至7月23日" in win.brief.text.toPlainText(), timeout=5000)
    with Workspace.open(demo_path) as ws:
        assert win.brief.text.toPlainText() == meeting_brief(ws, win.time_slider.current)
    win.brief.copy()
    assert QGuiApplication.clipboard().text() == win.brief.text.toPlainText()
    win.close()


def test_the_brief_is_written_only_for_a_dock_in_front(qtbot, demo_path: Path) -> None:
    """Behind the dashboard's tab a slider step does not write the brief; shown, the dock writes the
    moment's brief, the same as the command's; in front, the worker writes it with the figures."""
    from floodpost.ui.mainwindow import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        assert win.open_workspace(demo_path)
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=20000)
    win.dashboard_dock.raise_()
    qtbot.waitUntil(lambda: not win.brief.in_view(), timeout=5000)
    arrived: list[bool] = []
    real = win.brief.show_moment
    win.brief.show_moment = lambda m: (arrived.append(m.written is not None), real(m))
    with qtbot.waitSignal(win.situationReady, timeout=20000):
        win.time_slider.set_time("2021-07-23T10:00:00.000Z")
    assert arrived == [False] and win._shown_moment.written is None
    win.brief_dock.raise_()
    qtbot.waitUntil(lambda: "截至7月23日" in win.brief.text.toPlainText(), timeout=5000)
    with Workspace.open(demo_path) as ws:
        assert win.brief.text.toPlainText() == meeting_brief(ws, win.time_slider.current)
    qtbot.waitUntil(lambda: win._situation.brief_wanted, timeout=5000)
    with qtbot.waitSignal(win.situationReady, timeout=20000):
        win.time_slider.set_time("2021-07-23T20:00:00.000Z")
    assert arrived == [False, True]
    with Workspace.open(demo_path) as ws:
        assert win.brief.text.toPlainText() == meeting_brief(ws, win.time_slider.current)
    win.close()


def test_a_brief_that_cannot_be_written_is_said_in_the_dock(qtbot, zh) -> None:
    """Written when the dock shows it (on the GUI thread), a failing brief is told there, not raised."""
    from floodpost.ui.docks.briefdock import BriefPanel

    class Broken:
        @property
        def brief(self) -> str:
            raise ValueError("坏记录")

    panel = BriefPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    panel.show_moment(Broken())
    assert panel.text.toPlainText() == "无法生成简报：坏记录"
    panel.show_moment(type("Fine", (), {"brief": "防汛态势简报"})())
    assert panel.text.toPlainText() == "防汛态势简报"
