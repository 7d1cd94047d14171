"""Water figures and the age of every figure, at two moments of water_workspace (worked out by hand there).

At T1 (10:00) two gauges are over their first threshold and the evacuation figure's newest
report is 150 min old (stale, 2 h expected); at T2 (12:00) one gauge is over and a new
evacuation report makes the figure fresh.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from tools import need_commands
from water_figures_workspace import PRIVATE, T1, T2, build_water_workspace

from floodpost.cli import main
from floodpost.data.situation import as_of
from floodpost.data.situation.brief import meeting_brief
from floodpost.data.workspace import Workspace

QIMEN = "淇门站 65.42米，超警0.42米，7月22日10时"
PANSHITOU = "盘石头水库 245.30米，超汛限0.30米，7月22日9时"


@pytest.fixture(scope="module")
def water_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_water_workspace(tmp_path_factory.mktemp("water") / "water.gpkg")


def _brief(path: Path, at: str, press: bool = False) -> str:
    with Workspace.open(path) as ws:
        return meeting_brief(ws, at, press=press)


def test_brief_water_section_and_ages(water_path: Path) -> None:
    lines = _brief(water_path, T1).splitlines()
    water = next(i for i, ln in enumerate(lines) if "水雨情" in ln)
    assert lines[water] == ("四、水雨情（最新报告7月22日10时）：报汛站点4个，超警戒（汛限）水位站点2个；涨势较快站点1个；"
                            "24小时最大降雨量新村雨量站55毫米；未确认告警1条。")
    assert lines[water + 1] == f"    {QIMEN}，涨势较快（0.31米/小时）。"
    assert lines[water + 2] == f"    {PANSHITOU}。"
    # 盘石头水库's alert was acknowledged at 09:30: only 淇门站's waits
    assert lines[water + 3] == "    未确认告警：淇门站超警戒水位（7月22日10时）。"
    assert lines[water + 4].startswith("五、群众转移安置（最新报告7月22日7时30分，已超过2小时未更新）：")
    assert "超警站点增加1个" in lines[-1]  # one over at the 09:30 meeting (盘石头水库), two now

    later = _brief(water_path, T2)
    assert QIMEN not in later and f"    {PANSHITOU}。" in later
    assert "超警戒（汛限）水位站点1个；涨势较快站点0个" in later
    assert "群众转移安置（最新报告7月22日12时）：" in later and "未更新" not in later
    assert "超警站点持平" in later


def test_press_brief_names_no_one_and_lists_no_alert(water_path: Path) -> None:
    for at in (T1, T2):
        for press in (False, True):
            text = _brief(water_path, at, press)
            assert not [p for p in PRIVATE if p in text], (at, press)
    press = _brief(water_path, T1, press=True)
    assert QIMEN in press and "未确认告警" not in press


def test_info_json_has_water_and_ages(water_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = {}
    for t in (T1, T2):
        assert main(["info", str(water_path), "--at", t, "--json"]) == 0
        got[t] = json.loads(capsys.readouterr().out)
    w1, w2 = got[T1]["totals"]["water"], got[T2]["totals"]["water"]
    assert (w1["over_warning"], w1["rising"], w1["alerts_unacknowledged"]) == (2, 1, 1)
    assert [(o["station"], o["margin"]) for o in w1["over"]] == [("淇门站", 0.42), ("盘石头水库", 0.3)]
    assert w1["rain_max_24h"] == {"station": "新村雨量站", "mm": 55.0}
    assert (w2["over_warning"], w2["rising"]) == (1, 0)
    a1, a2 = got[T1]["ages"], got[T2]["ages"]
    assert a1["evacuation"] == {"latest": "2021-07-21T23:30:00.000Z", "minutes": 150.0, "stale": True,
                                "expected_hours": 2}
    assert (a1["water"]["minutes"], a1["water"]["stale"]) == (0.0, False)
    assert (a2["evacuation"]["minutes"], a2["evacuation"]["stale"]) == (0.0, False)
    assert "forces" not in a1  # no report: no age

    assert main(["info", str(water_path), "--at", T1]) == 0
    text = capsys.readouterr().out
    assert "stations 4 reporting, 2 over warning" in text
    assert "淇门站 65.42 m, 0.42 m over warning, 2021-07-22T10:00:00+08:00, rising fast" in text
    assert "overdue figures: evacuation (2.5 h old)" in text


def test_press_figures_and_their_ages(water_path: Path, qapp) -> None:
    from floodpost.layers.output.layout import headline_figures

    with Workspace.open(water_path) as ws:
        pages = {t: headline_figures(as_of(ws, t).totals(), "zh", at=as_of(ws, t).at) for t in (T1, T2)}
    one = {label: (value, note, stale) for label, value, note, stale in pages[T1]}
    assert one["已转移群众（人）"] == ("100", "更新于7月22日7时30分（超时）", True)
    assert one["超警站点（个）"] == ("2", "更新于7月22日10时", False)
    assert one["救援队伍 / 人员"] == ("0 / 0", "", False)  # no report: no line
    two = {label: (value, note, stale) for label, value, note, stale in pages[T2]}
    assert two["已转移群众（人）"] == ("200", "更新于7月22日12时", False)
    assert two["超警站点（个）"][0] == "1"


def test_press_pdf_says_the_age_and_names_no_one(water_path: Path, tmp_path: Path, qapp) -> None:
    need_commands("pdftotext")
    out = tmp_path / "press.pdf"
    assert main(["snapshot", str(water_path), "--at", T1, "--press", "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "更新于7月22日7时30分（超时）" in flat
    assert "超警站点（个）" in flat and "更新于7月22日10时" in flat
    assert not [p for p in PRIVATE if p in flat]
