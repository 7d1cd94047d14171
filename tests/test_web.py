"""`floodpost web`: one self-contained HTML page that opens from a USB stick with no network.

The static tests read the page as text: no reference the browser would
fetch from a server, every feature of every layer in the embedded GeoJSON,
no private value in a press page, user text escaped. The browser test opens
the page in headless Chromium (Debian's ``chromium``) with name resolution
blocked, drives it over the DevTools protocol on a pipe, and checks what a
person would get: markers in the DOM, popups whose injected markup shows as
text and runs nothing, and no request that left the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from floodpost.cli import main
from floodpost.data.schema import LAYER_ORDER, LAYERS
from floodpost.data.workspace import Workspace
from floodpost.layers.output.webmap import build_web_map

#: Names a county might type (or a hostile file might carry); none may run.
INJECTED = (
    '<img src=x onerror="window.__pwned=1;document.title=\'PWNED\'">',
    "<script>window.__pwned=2;document.title='PWNED'</script>",
)

_ADD_RE = re.compile(r"_add\((\{.*\})\);\s*$", re.MULTILINE)


def _decoded(page: str) -> str:
    """The page with JSON ``\\uXXXX`` escapes undone, so Chinese text is searchable."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def _collections(page: str) -> list[dict[str, Any]]:
    return [json.loads(m.group(1)) for m in _ADD_RE.finditer(page)]


def _shown_text(page: str) -> str:
    """What the page can show: its markup outside scripts and styles, and the embedded features."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S | re.I)
    return markup + json.dumps(_collections(page), ensure_ascii=False)


def _features_by_layer(page: str) -> dict[str, list[dict[str, Any]]]:
    """The embedded features of each layer key (casings and basemap left out)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for fc in _collections(page):
        for f in fc["features"]:
            p = f["properties"]
            if "fid" not in p:
                continue
            cls = p.get("_class") or p["style"]["className"]
            key = next(c[3:] for c in cls.split() if c.startswith("fp-") and c[3:] in LAYERS)
            out.setdefault(key, []).append(f)
    return out


def _private_values(ws: Workspace) -> set[str]:
    values: set[str] = set()
    present = ws.keys()
    for key, schema in LAYERS.items():
        names = schema.private_fields
        if key not in present or not names:
            continue
        frame = ws.read(key, columns=names)
        for name in names:
            values |= {str(v) for v in frame[name].dropna() if str(v).strip()}
    return values


@pytest.fixture(scope="module")
def demo_pages(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("web")
    with Workspace.open(demo_master) as ws:
        return {
            "full": build_web_map(ws, out / "demo.html"),
            "press": build_web_map(ws, out / "press.html", press=True),
        }


@pytest.fixture(scope="module")
def hostile_page(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plus features whose names and notes carry markup, and a hostile title."""
    import shapely

    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.gpkg"
    shutil.copy(demo_master, path)
    with Workspace.open(path) as ws:
        ws.insert("hazards", [
            {"name": INJECTED[0], "hazard_type": "landslide", "note": INJECTED[1],
             "geometry": shapely.Point(114.10, 35.90)},
            {"name": INJECTED[1], "hazard_type": "collapse", "town": INJECTED[0],
             "geometry": shapely.Point(114.12, 35.92)},
        ])
        ws.insert("shelters", [{"name": INJECTED[0], "geometry": shapely.Point(114.30, 35.70)}])
        return build_web_map(ws, folder / "hostile.html", title=INJECTED[1])


# ------------------------------------------------------------------ static checks
def test_page_fetches_nothing_from_a_server(demo_pages):
    for page in (p.read_text(encoding="utf-8") for p in demo_pages.values()):
        refs = re.findall(r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?)\s*([^"'\s)>]*)""", page, re.I)
        remote = [r for r in refs if re.match(r"(?:https?:)?//", r, re.I)]
        assert remote == []
        assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
        assert not re.search(r"<link[^>]*\bhref\s*=", page, re.I)
        assert not re.search(r"@import", page, re.I)
        # No folium CDN libraries were left in, nor their icon fonts.
        for name in ("jquery", "bootstrap", "font-awesome", "awesome-markers", "glyphicons"):
            assert name not in page.lower()
        # Leaflet itself is there, inline, with the basemap and no tile layer.
        assert "L.map(" in page and "L.tileLayer(" not in page
        assert "县区界" in _decoded(page)
        assert '<html lang="zh-CN">' in page


def test_page_holds_every_feature_of_every_layer(demo_master, demo_pages):
    page = demo_pages["full"].read_text(encoding="utf-8")
    layers = _features_by_layer(page)
    with Workspace.open(demo_master) as ws:
        expected = {key: ws.count(key) for key in LAYER_ORDER if ws.count(key)}
        hazards = ws.read("hazards")
    assert expected.keys() == set(LAYER_ORDER)  # the demo fills every layer
    assert {k: len(v) for k, v in layers.items()} == expected
    # Popups: Chinese labels with units, values through Field.display.
    first = next(f for f in layers["hazards"] if f["properties"]["fid"] == int(hazards.index[0]))
    row = hazards.iloc[0]
    popup = first["properties"]["_popup"]
    assert "灾害类型" in popup and LAYERS["hazards"].field("hazard_type").display(row["hazard_type"]) in popup
    assert "威胁人数 (人)" in popup
    assert row["resp_person"] in popup  # the full page keeps the responsible persons
    # Markers carry the registry's colour for their class.
    from floodpost.data.schema.symbology import SYMBOLOGY

    fill = SYMBOLOGY["hazards"].symbol_for(row["hazard_type"]).fill
    assert f'fill="{fill}"' in first["properties"]["_icon"]
    # The legend lists the classes with their Chinese labels.
    decoded = _decoded(page)
    for label in ("图例", "滑坡", "泥石流", "部队官兵", "前置点", "分洪"):
        assert label in decoded


def test_press_page_has_no_names_or_phone_numbers(demo_master, demo_pages):
    full = _decoded(demo_pages["full"].read_text(encoding="utf-8"))
    press = _decoded(demo_pages["press"].read_text(encoding="utf-8"))
    with Workspace.open(demo_master) as ws:
        private = _private_values(ws)
        operators = {str(v) for v in ws.read("situation_log")["operator"].dropna()}
    assert len(private) > 100
    assert sum(v in full for v in private) > 100  # the full page does show them
    assert [v for v in private if v in press] == []
    shown = _shown_text(demo_pages["press"].read_text(encoding="utf-8"))
    assert "威胁人数" in shown
    assert [v for v in operators if v in shown] == []  # the log's operators never reach the page
    assert not re.search(r"(?<![\w.])1[3-9]\d{9}(?!\w)|0392-\d{7}", shown, re.ASCII)
    assert "公开版" in press
    # Everything else is still there.
    assert {k: len(v) for k, v in _features_by_layer(press).items()} == {
        k: len(v) for k, v in _features_by_layer(full).items()
    }


def test_press_masks_private_values_repeated_in_free_text(demo_path, tmp_path):
    import shapely

    with Workspace.open(demo_path) as ws:
        ws.insert("depots", [{
            "name": "临时前置点", "kind": "front", "manager_person": "欧阳振华",
            "manager_phone": "13903921234",
            "note": "联系欧阳振华 13903921234，值班室 0392-5551234",
            "geometry": shapely.Point(114.2, 35.8),
        }])
        page = _decoded(build_web_map(ws, tmp_path / "p.html", press=True).read_text("utf-8"))
    assert "临时前置点" in page
    for secret in ("欧阳振华", "13903921234", "0392-5551234"):
        assert secret not in page


def test_user_text_is_escaped(hostile_page):
    page = hostile_page.read_text(encoding="utf-8")
    decoded = _decoded(page)
    for payload in INJECTED:
        assert payload not in page and payload not in decoded
    assert "&lt;img src=x onerror=" in decoded  # shown as text in popups and tooltips
    assert "&lt;script&gt;window.__pwned=2" in decoded
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith("&lt;script&gt;")
    assert "<h1>&lt;script&gt;" in page


def test_cli_web(demo_master, tmp_path, capsys):
    out = tmp_path / "brief.html"
    assert main(["web", str(demo_master), "-o", str(out), "--press"]) == 0
    assert "wrote" in capsys.readouterr().out
    assert out.stat().st_size > 100_000
    assert [p.name for p in tmp_path.iterdir()] == ["brief.html"]  # no temp file left
    assert main(["web", str(demo_master), "-o", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "html" in err
    assert main(["web", str(tmp_path / "none.gpkg"), "-o", str(out)]) == 1
    assert main(["web", str(demo_master), "-o", str(tmp_path / "no" / "x.html")]) == 1
    assert "no such folder" in capsys.readouterr().err


# ------------------------------------------------------------------ the browser
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _DevTools:
    """A minimal DevTools-protocol client over ``--remote-debugging-pipe`` (fds 3 and 4)."""

    def __init__(self, binary: str, profile: Path) -> None:
        import fcntl

        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        # Chromium reads commands from its fd 3 and writes answers to its fd 4.
        # posix_spawn wires them without running Python in a forked child; the
        # ends are first moved above 9 so that dup2 never lands on itself.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_chrome_r, from_chrome_w)]
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        args = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1400,900", f"--user-data-dir={profile}",
            "--remote-debugging-pipe", "about:blank",
        ]
        try:
            self.pid = os.posix_spawn(
                binary, args, dict(os.environ),
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_DUP2, high[0], 3),
                    (os.POSIX_SPAWN_DUP2, high[1], 4),
                ],
                setsid=True,
            )
        finally:
            for fd in high:
                os.close(fd)
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._r, selectors.EVENT_READ)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not self._sel.select(left):
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._r, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, session: str | None = None, timeout: float = 15, **params: Any) -> dict:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
            self.events.append(answer)

    def wait_event(self, method: str, timeout: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for e in self.events:
                if e.get("method") == method:
                    return e
            self.events.append(self._read(deadline))

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.call("Runtime.evaluate", session, expression=expression,
                           awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing anyway
            self.call("Browser.close", timeout=5)
        deadline = time.monotonic() + 5
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:  # the browser's own process group, started above
                os.killpg(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        os.close(self._w)
        os.close(self._r)


#: Opens every popup and tooltip in turn (as a person clicking through would), then
#: reports what the page shows and whether any injected script ran.
_PROBE = """(async () => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const popups = [], tips = [];
    map.eachLayer(layer => {
        if (layer.getPopup && layer.getPopup() && layer.getLatLng) {
            layer.openPopup();
            popups.push(layer.getPopup().getElement().textContent);
            layer.closePopup();
        }
        if (layer.getTooltip && layer.getTooltip() && layer.getLatLng) {
            layer.openTooltip();
            tips.push(layer.getTooltip().getElement().textContent);
            layer.closeTooltip();
        }
    });
    await new Promise(done => setTimeout(done, 500));  // let an injected onerror fire
    const count = sel => document.querySelectorAll(sel).length;
    const markers = {}, paths = {};
    for (const key of KEYS) {
        markers[key] = count(".leaflet-marker-icon.fp-" + key);
        paths[key] = count("path.fp-" + key + ":not(.fp-casing)");
    }
    return {
        title: document.title, pwned: window.__pwned || null,
        injected: count("img[src='x']") + count(".leaflet-popup-pane script"),
        markers, paths, svgMarkers: count(".fp-marker svg"),
        counties: count(".fp-county-label"), legend: count(".fp-legend li"),
        control: Array.from(document.querySelectorAll(".leaflet-control-layers-overlays label"))
            .map(l => l.textContent.trim()),
        popups, tips,
    };
})()"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium binary, but CI installs it (scripts/system-deps.sh): the browser test must run")
        pytest.skip("no chromium binary on this machine (scripts/system-deps.sh installs Debian's chromium)")
    tools = _DevTools(binary, tmp_path_factory.mktemp("chromium-profile"))
    yield tools
    tools.close()


def _open(tools: _DevTools, page: Path) -> tuple[dict[str, Any], list[str]]:
    """Load ``page`` in a new tab; return the probe's report and every URL the tab requested."""
    target = tools.call("Target.createTarget", url="about:blank")["targetId"]
    session = tools.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    try:
        tools.events.clear()
        for domain in ("Network", "Page", "Runtime"):
            tools.call(f"{domain}.enable", session)
        tools.call("Page.navigate", session, url=page.as_uri())
        tools.wait_event("Page.loadEventFired")
        keys = json.dumps(list(LAYER_ORDER))
        report = tools.evaluate(session, _PROBE.replace("KEYS", keys))
        urls = [
            e["params"]["request"]["url"] for e in tools.events
            if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session
        ]
    finally:
        tools.call("Target.closeTarget", targetId=target)
    return report, urls


def _point_counts(ws: Workspace) -> tuple[dict[str, int], dict[str, int]]:
    points, shapes = {}, {}
    for key in LAYER_ORDER:
        types = ws.read(key, columns=[]).geometry.geom_type
        points[key] = int((types == "Point").sum())
        shapes[key] = int((types != "Point").sum())
    return points, shapes


def test_browser_shows_markers_runs_nothing_injected_fetches_nothing(browser, hostile_page):
    report, urls = _open(browser, hostile_page)
    with Workspace.open(hostile_page.with_suffix(".gpkg")) as ws:
        points, shapes = _point_counts(ws)
    # No request left the file: the page itself and data: URIs only.
    assert urls and all(u == hostile_page.as_uri() or u.startswith("data:") for u in urls), urls
    # Nothing injected ran, and nothing injected became an element.
    assert report["pwned"] is None
    assert report["title"] == INJECTED[1]  # shown as text, not replaced by the payload
    assert report["injected"] == 0
    # Every point is a marker drawn as inline SVG; every line and area is a path.
    assert report["markers"] == points
    assert report["svgMarkers"] == sum(points.values())
    assert {k: v for k, v in report["paths"].items() if shapes[k]} == {k: v for k, v in shapes.items() if v}
    assert report["counties"] == 5 and report["legend"] > 30
    assert any(label.startswith("地质灾害隐患点") for label in report["control"])
    # The injected names show as text in popups and tooltips.
    assert any(INJECTED[0] in t for t in report["tips"])
    assert any(INJECTED[1] in p for p in report["popups"])
    assert any("灾害类型" in p for p in report["popups"])


def test_browser_press_page_shows_no_private_value(browser, demo_master, demo_pages):
    report, urls = _open(browser, demo_pages["press"])
    assert all(u == demo_pages["press"].as_uri() or u.startswith("data:") for u in urls), urls
    with Workspace.open(demo_master) as ws:
        private = _private_values(ws)
    shown = "\n".join(report["popups"] + report["tips"])
    assert len(report["popups"]) > 100
    assert [v for v in private if v in shown] == []


def test_menu_item_writes_the_page(qtbot, demo_path, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from floodpost.ui.mainwindow import MainWindow

    out = tmp_path / "m.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow()
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        win.show()
        assert win.open_workspace(demo_path)
    win.act_web.trigger()
    text = out.read_text("utf-8")
    assert "<html" in text.lower() and "leaflet" in text.lower()
    win.close()


# ------------------------------------------------------------------ operations as of a moment (issue 18)
@pytest.fixture
def ops_pages(tmp_path: Path) -> dict[str, Path]:
    """The operations workspace of tests/test_ops_map.py, with a hostile incident name, at 11:00 and 12:30."""
    from tests.test_ops_map import build_ops_workspace

    path = build_ops_workspace(tmp_path / "ops.gpkg")
    with Workspace.open(path) as ws:
        fid = int(ws.read("incidents").query("kind == 'road_cut'").index[0])
        ws.update("incidents", fid, {"name": INJECTED[1] + "=cmd|' /C calc'!A0"})
        return {
            "11": build_web_map(ws, tmp_path / "ops11.html", at="2021-07-22T11:00"),
            "1230": build_web_map(ws, tmp_path / "ops1230.html", at="2021-07-22T12:30"),
            "press": build_web_map(ws, tmp_path / "press.html", at="2021-07-22T11:00", press=True),
            "late": build_web_map(ws, tmp_path / "late.html", at="2021-07-22T11:00", answer_minutes=90),
        }


def test_page_shows_operations_as_of_its_moment(ops_pages):
    from floodpost.data.schema.symbology import (
        DISPATCH_LINKS,
        INCIDENT_STATUS_STYLE,
        SECTION_CONTROLLED,
        UNANSWERED_RING,
        WARNING_COLOURS,
    )

    page = ops_pages["11"].read_text(encoding="utf-8")
    layers = _features_by_layer(page)
    piping = next(f["properties"] for f in layers["incidents"] if "管涌" in f["properties"]["_tip"])
    # out of control at 11:00: the red halo ring in the marker, a bold permanent label with the age
    assert f'stroke="{INCIDENT_STATUS_STYLE["uncontrolled"].stroke}"' in piping["_icon"]
    assert piping["_label"] == "卫河左堤管涌 2小时前" and piping["_labelClass"] == "fp-label-uncontrolled"
    assert "处置中" in piping["_popup"] and "消防大队" in piping["_popup"]
    # the section is the layer's thick red while out of control
    [section] = layers["incident_sections"]
    assert section["properties"]["style"]["weight"] == 5.0
    # the dispatch link and its "30人"
    links = [f for fc in _collections(page) for f in fc["features"]
             if f["properties"].get("style", {}).get("className", "").startswith("fp-path fp-dispatch")]
    assert len(links) == 1 and links[0]["properties"]["style"]["dashArray"] == "6 3"  # 20 of 50 still free
    assert links[0]["properties"]["style"]["color"] == DISPATCH_LINKS["free"].stroke
    assert "<span>30人</span>" in _decoded(page)
    # villages by the highest warning reaching them; the late one ringed
    villages = {f["properties"]["_tip"]: f["properties"] for f in layers["villages"]}
    red, blue = WARNING_COLOURS["red"], WARNING_COLOURS["blue"]
    assert f'fill="{red}"' in villages["油城村"]["_icon"] and "stroke-dasharray" not in villages["油城村"]["_icon"]
    assert f'fill="{red}"' in villages["石佛村"]["_icon"]
    assert f'stroke="{UNANSWERED_RING.stroke}"' in villages["石佛村"]["_icon"]
    assert "stroke-dasharray" in villages["石佛村"]["_icon"] and "未叫应（已等待60分钟）" in villages["石佛村"]["_popup"]
    assert f'fill="{blue}"' in villages["王庄村"]["_icon"]
    assert "fill=\"#e53935\"" not in villages["前进村"]["_icon"] and "预警" not in villages["前进村"]["_popup"]
    [area] = layers["village_areas"]  # 河口村's outline, tinted by the township's red warning
    assert area["properties"]["style"]["fillColor"] == red and area["properties"]["style"]["color"] == red
    [hazard] = layers["hazards"]
    assert "stroke-dasharray" in hazard["properties"]["_icon"]  # its responsible person has not answered
    # the legend explains them
    decoded = _decoded(page)
    for label in ("未控制", "调派：尚有余员", "红色（Ⅰ级）预警", "蓝色（Ⅳ级）预警", "预警超时未叫应"):
        assert label in decoded
    assert "截至 2021-07-22 11:00" in decoded
    # 12:30: controlled: the green ring, a muted label; the section thin and grey
    later = ops_pages["1230"].read_text(encoding="utf-8")
    layers = _features_by_layer(later)
    piping = next(f["properties"] for f in layers["incidents"] if "管涌" in f["properties"]["_tip"])
    assert f'stroke="{INCIDENT_STATUS_STYLE["controlled"].stroke}"' in piping["_icon"]
    assert INCIDENT_STATUS_STYLE["uncontrolled"].stroke not in piping["_icon"]
    assert piping["_labelClass"] == "fp-label-controlled" and piping["_label"] == "卫河左堤管涌 3小时前"
    assert layers["incident_sections"][0]["properties"]["style"]["color"] == SECTION_CONTROLLED.stroke
    assert "已控制险情堤段" in _decoded(later)
    # a longer time limit: nobody is late yet
    late = _features_by_layer(ops_pages["late"].read_text(encoding="utf-8"))
    assert not any("stroke-dasharray" in f["properties"]["_icon"] for f in late["villages"])


def test_operations_press_page_names_no_one(ops_pages):
    from tests.test_ops_map import ANSWERER, ANSWERER_PHONE, HEAD, HEAD_PHONE

    full = _decoded(ops_pages["11"].read_text(encoding="utf-8"))
    press = _decoded(ops_pages["press"].read_text(encoding="utf-8"))
    assert ANSWERER in full and HEAD in full  # who answered, the village lead: on the full page
    for private in (HEAD, HEAD_PHONE, ANSWERER, ANSWERER_PHONE, "赵大勇", "13700001111"):
        assert private not in press
    # counts and places stay
    assert "卫河左堤管涌 2小时前" in press and "<span>30人</span>" in press and "已叫应（电话）" in press


def test_operations_hostile_names_stay_inert(ops_pages):
    page = ops_pages["11"].read_text(encoding="utf-8")
    decoded = _decoded(page)
    assert INJECTED[1] not in page and INJECTED[1] not in decoded
    assert "&lt;script&gt;window.__pwned=2" in decoded  # the label shows it as text
    label = next(f["properties"]["_label"] for f in _features_by_layer(page)["incidents"]
                 if "script" in f["properties"]["_tip"])
    assert label.startswith("&lt;script&gt;") and label.endswith(" 刚刚")


# ------------------------------------------------------------------ gauges as of a moment (issue 19)
@pytest.fixture
def water_pages(tmp_path: Path) -> dict[str, Path]:
    """The gauges of tests/test_water_map.py, the river gauge named with markup, at 10:30, 12:30 and for the press."""
    from tests.test_water_map import T1, T2, build_water_workspace

    path = build_water_workspace(tmp_path / "water.gpkg", qimen=INJECTED[1] + "淇门")
    with Workspace.open(path) as ws:
        return {
            "t1": build_web_map(ws, tmp_path / "t1.html", at=T1),
            "t2": build_web_map(ws, tmp_path / "t2.html", at=T2),
            "press": build_web_map(ws, tmp_path / "press.html", at=T2, press=True),
        }


def test_page_shows_gauges_as_of_its_moment(water_pages):
    from floodpost.data.schema.symbology import RAIN_RAMP, RISING_RING, STATION_STATE_COLOURS

    def gauges(key: str) -> dict[str, dict[str, Any]]:
        page = water_pages[key].read_text(encoding="utf-8")
        return {f["properties"]["_tip"].split(" ")[0]: f["properties"] for f in _features_by_layer(page)["stations"]}

    hostile = "&lt;script&gt;window.__pwned=2;document.title=&#x27;PWNED&#x27;&lt;/script&gt;淇门"
    t1, t2 = gauges("t1"), gauges("t2")
    # 淇门: below warning at 10:30 (no permanent label), 0.42 m over and rising fast at 12:30
    assert f'fill="{STATION_STATE_COLOURS["normal"]}"' in t1[hostile]["_icon"] and "_label" not in t1[hostile]
    assert f'fill="{STATION_STATE_COLOURS["over_warning"]}"' in t2[hostile]["_icon"]
    assert f'stroke="{RISING_RING.stroke}"' in t2[hostile]["_icon"]
    assert RISING_RING.stroke not in t1[hostile]["_icon"]
    assert t2[hostile]["_label"] == hostile + " 超警0.42米" and t2[hostile]["_labelClass"] == "fp-label-over"
    for row in ("<th>水位</th><td>65.42米</td>", "<th>距特征水位</th><td>超警0.42米</td>",
                "<th>涨率</th><td>0.31米/小时</td>", "<th>观测时间</th><td>2021-07-22 12:00</td>",
                "<th>报告至今</th><td>30分钟前</td>"):
        assert row in t2[hostile]["_popup"], row
    assert "<th>距特征水位</th><td>低于警戒0.20米</td>" in t1[hostile]["_popup"]
    # the rain gauge on the ramp, its totals in the popup
    assert f'fill="{RAIN_RAMP[2][1]}"' in t1["鹤壁"]["_icon"] and f'fill="{RAIN_RAMP[3][1]}"' in t2["鹤壁"]["_icon"]
    assert t2["鹤壁"]["_tip"] == "鹤壁 85毫米"
    assert "1小时60毫米，3小时80毫米，6小时85毫米，24小时85毫米" in t2["鹤壁"]["_popup"]
    # the stale reservoir gauge and the silent one: grey, with the age where there is one
    grey = f'fill="{STATION_STATE_COLOURS["no_reading"]}"'
    assert grey in t2["盘石头"]["_icon"] and t2["盘石头"]["_tip"] == "盘石头 超汛限1.00米 10小时前"
    assert "<th>状态</th><td>逾期未报</td>" in t2["盘石头"]["_popup"] and "_label" not in t2["盘石头"]
    assert grey in t2["新村"]["_icon"] and "<th>状态</th><td>无数据</td>" in t2["新村"]["_popup"]
    # the legend: the looks of the moment only
    legend = _decoded(water_pages["t2"].read_text(encoding="utf-8")).split('class="fp-legend"')[1]
    for label in ("超警戒（汛限）水位", "水位快速上涨", "24小时雨量50-100毫米", "无数据或逾期未报"):
        assert label in legend
    for label in ("低于警戒水位", "超保证（设计）水位", "24小时雨量25-50毫米"):
        assert label not in legend
    assert "24小时雨量25-50毫米" in _decoded(water_pages["t1"].read_text(encoding="utf-8"))


def test_gauges_press_page_and_hostile_names(water_pages):
    from tests.test_water_map import RESP, RESP_PHONE

    full = _decoded(water_pages["t2"].read_text(encoding="utf-8"))
    press = _decoded(water_pages["press"].read_text(encoding="utf-8"))
    assert RESP in full and RESP_PHONE in full
    assert RESP not in press and RESP_PHONE not in press
    assert "超警0.42米" in press and "鹤壁 85毫米" in press  # the gauges are places: they stay
    for page in (water_pages["t2"].read_text(encoding="utf-8"), full):
        assert INJECTED[1] not in page
