"""The press page as a press officer checks it: labels on their features, a legend of every
symbol, nothing drawn over anything else, the page's own language, the time of the data,
the 示意 mark and the map review number."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from floodpost.cli import main
from floodpost.data.situation import report_times
from floodpost.data.workspace import Workspace
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.output.layout import LayoutOptions, compose, headline_figures
from floodpost.layers.output.legend import map_legend
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.fonts import metrics
from floodpost.layers.render.overlays import DepotOverlay, stock_tag_text
from floodpost.layers.scene import (
    MapScene,
    as_of_text,
    is_illustrative,
    latest_report,
    page_subtitle,
)

TITLE = "鹤壁市防汛态势图"
AT = "2021-07-24T21:00"


def _page(scene, options: LayoutOptions, size=(2339, 1654), dpi=200) -> tuple[QImage, object]:
    img = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    try:
        page = compose(p, QRectF(0, 0, *size), scene, scene.full_extent(), options, dpi / 96)
    finally:
        p.end()
    return img, page


def _array(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)[
        :, : img.width(), :3
    ].astype(int)


@pytest.fixture
def scene_at(qapp, demo_path: Path):
    with Workspace.open(demo_path) as ws:
        scene = MapScene.from_workspace(ws)
        situation = scene.show_situation(ws, AT)
        yield scene, situation, ws


def test_labels_on_the_page_sit_where_the_plain_map_puts_them(scene_at) -> None:
    """Item 1: the page's map frame is the plain map moved by the frame's offset, labels included."""
    scene, situation, _ = scene_at
    options = LayoutOptions(title=TITLE, headline=headline_figures(situation.totals()))
    img, page = _page(scene, options)
    frame = page.parts["map"]
    assert frame.left() > 20 and frame.top() > 100  # the frame is well away from the page's corner
    vp = Viewport.for_lonlat(scene.full_extent(), int(frame.width()), int(frame.height()), 200.0)
    plain = QImage(vp.width, vp.height, QImage.Format.Format_ARGB32_Premultiplied)
    plain.fill(0xFFFFFFFF)
    p = QPainter(plain)
    stats = scene.painter.paint(p, vp, list(scene.layers), scale=200 / 96, page_text=PageText("zh"))
    p.end()
    # The same labels, at the same places once the frame's offset is added.
    expected = sorted((t, round(x + frame.left(), 3), round(y + frame.top(), 3)) for t, _, x, y in stats.placed)
    got = sorted((t, round(x, 3), round(y, 3)) for t, x, y in page.labels)
    assert got == expected and len(got) > 20
    # And the glyphs land there: every label's box on the page matches the plain map's pixels.
    page_px, plain_px = _array(img), _array(plain)
    x0, y0 = int(frame.left()), int(frame.top())
    checked = 0
    for text, st, x, y in stats.placed:
        fm = metrics(st.size, st.bold, 200 / 96)
        x0_, t = int(x), int(y - fm.ascent())
        r, b = int(x + fm.horizontalAdvance(text)), int(y + fm.descent())
        if x0_ < 120 or t < 120 or r > vp.width - 120 or b > vp.height - 120:
            continue  # away from the scale bar, north arrow and the frame's line
        a = page_px[y0 + t:y0 + b, x0 + x0_:x0 + r]
        c = plain_px[t:b, x0_:r]
        assert (c.sum(axis=2) < 300).sum() > 20, text  # the label is dark ink on the plain map
        assert np.abs(a - c).mean() < 2.0, text
        checked += 1
    assert checked > 15


def _boxes(page) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every label's and every placed overlay item's box, in map pixels."""
    out = []
    for text, st, x, y in page.map_stats.placed:
        fm = metrics(st.size, st.bold, 200 / 96)
        out.append((text, (x, y - fm.ascent(), x + fm.horizontalAdvance(text), y + fm.descent())))
    for item in page.map_stats.reserved:
        for k, c in enumerate(item.chosen.tolist()):
            if c >= 0:
                out.append((f"overlay{item.priority}-{k}", tuple(item.boxes[k, c])))
    return out


def test_tags_bars_and_labels_never_overlap(scene_at) -> None:
    """Item 3: stock tags and evacuation bars are placed with the labels, so nothing covers anything."""
    scene, situation, _ = scene_at
    _, page = _page(scene, LayoutOptions(title=TITLE, headline=headline_figures(situation.totals())))
    boxes = _boxes(page)
    tags = [b for name, b in boxes if name.startswith("overlay85")]
    bars = [b for name, b in boxes if name.startswith("overlay89")]
    assert len(tags) == len(scene.painter.overlays[1].tags) >= 4  # every depot's tag found room
    assert len(bars) == len(scene.painter.overlays[-1].bars) == 5
    names = [n for n, _ in boxes]
    assert {"良相坡", "白寺坡", "长虹渠", "共渠西", "小滩坡"} <= set(names)  # every area keeps its name
    clashes = []
    for i, (na, a) in enumerate(boxes):
        for nb, b in boxes[i + 1:]:
            ix = min(a[2], b[2]) - max(a[0], b[0])
            iy = min(a[3], b[3]) - max(a[1], b[1])
            if ix > 1 and iy > 1:
                clashes.append((na, nb, round(ix), round(iy)))
    assert clashes == []
    # A depot's tag sits next to its depot, not across the map.
    vp_scale = 200 / 96
    for tag in tags:
        cx, cy = (tag[0] + tag[2]) / 2, (tag[1] + tag[3]) / 2
        assert min(abs(cx - x) + abs(cy - y) for x, y in _depot_pixels(scene, page)) < 80 * vp_scale


def _depot_pixels(scene, page) -> list[tuple[float, float]]:
    from floodpost.layers.model.projection import to_mercator

    frame = page.parts["map"]
    vp = Viewport.for_lonlat(scene.full_extent(), int(frame.width()), int(frame.height()), 200.0)
    tags = scene.painter.overlays[1].tags
    x, y = vp.to_screen(*to_mercator(np.array([t.lon for t in tags]), np.array([t.lat for t in tags])))
    return list(zip(x.tolist(), y.tolist(), strict=True))


def test_legend_lists_every_symbol_present(scene_at) -> None:
    """Item 2: storage areas and their statuses, bars, tags, halos and boundaries are in the legend."""
    scene, situation, _ = scene_at
    groups = {g.title: [e.label for e in g.entries] for g in map_legend(scene, PageText("zh"))}
    statuses = set(scene.layers["storage_areas"].table["status"])
    from floodpost.data.schema import LAYERS

    field = LAYERS["storage_areas"].field("status")
    assert {field.choice(s).zh for s in statuses} <= set(groups["蓄滞洪区"])
    assert "分洪" not in groups["蓄滞洪区"] or "flooding" in statuses  # only classes present
    assert {"已转移", "转移进度（条长为计划人数）"} <= set(groups["蓄滞洪区"])
    assert "沙袋库存" in groups["物资储备点"]
    assert "圆圈大小表示人数" in groups["救援力量"]
    assert groups["行政界线"] == ["市界", "县（区）界"]
    used = set(scene.layers["hazards"].table["hazard_type"])
    assert len(groups["地质灾害隐患点"]) == len(used)
    # English: every entry whole, laid out in the panel, nothing past the footer.
    # With the gauges (issue 19) the demo's legend has 13 groups and about 70 rows: in Chinese it
    # still fits an A4 page at 6.5 pt without a warning; the longer English labels need 5.5 pt and
    # the page says so (a larger page is the answer, never a shorter legend).
    for lang in ("zh", "en"):
        _, page = _page(scene, LayoutOptions(title=TITLE, lang=lang,
                                             headline=headline_figures(situation.totals(), lang)))
        if lang == "zh":
            assert page.warnings == []
            assert page.legend_pt >= 6.5
        else:
            assert page.legend_pt >= 5.5
            assert page.warnings == [] or "legend" in page.warnings[0].lower()
        assert page.parts["legend"].bottom() <= page.parts["footer"].top()
        assert page.parts["legend"].left() >= page.parts["map"].right()


def test_legend_never_drops_entries_on_a_small_page(scene_at) -> None:
    """A page too small for the legend gets smaller type and a warning, never a shorter legend."""
    scene, situation, _ = scene_at
    _, page = _page(scene, LayoutOptions(title=TITLE, headline=headline_figures(situation.totals())),
                    size=(900, 520), dpi=96)
    assert page.warnings and "legend" in page.warnings[0].lower()
    assert page.legend_pt < 6.5


def test_page_language_is_its_own(qapp, demo_path: Path, tmp_path: Path) -> None:
    """Item 5: Chinese unless asked otherwise, whatever the interface language."""
    import pypdf

    from floodpost import i18n

    try:
        for ui, lang, want, unwanted in (("en", None, "图例", "Legend"), ("zh_CN", "en", "Legend", "图例")):
            i18n.set_language(ui)
            out = tmp_path / f"{ui}.pdf"
            args = ["snapshot", str(demo_path), "-o", str(out), "--title", TITLE]
            assert main(args + (["--lang", lang] if lang else [])) == 0
            text = pypdf.PdfReader(str(out)).pages[0].extract_text()
            assert want in text and unwanted not in text
    finally:
        i18n.set_language("en")
    assert PageText("zh").translate("layout", "Legend") == "图例"
    assert PageText("en").translate("layout", "Legend") == "Legend"
    with pytest.raises(ValueError):
        PageText("fr")


def test_as_of_is_the_time_of_the_data(qapp, demo_path: Path) -> None:
    """Item 6: the latest report's time by default, and the data's age for a later time."""
    with Workspace.open(demo_path) as ws:
        last = report_times(ws)[-1]
        assert latest_report(ws) == last
        live = page_subtitle(ws, "2030-01-01T00:00:00.000Z", False, "zh")
        later = page_subtitle(ws, "2021-08-01T04:00:00.000Z", True, "zh")
        exact = page_subtitle(ws, last, True, "zh")
        english = page_subtitle(ws, "2021-08-01T04:00:00.000Z", True, "en")
    assert live == as_of_text(last, "zh") + "（最新报告）"
    assert live.startswith("截至2021年7月25日")
    assert later == f"截至2021年8月1日12时（数据最后更新于{as_of_text(last, 'zh')[2:]}）"
    assert exact == as_of_text(last, "zh") and "（" not in exact
    assert english.startswith("As of 2021-08-01 12:00 (data last updated 2021-07-25")


def test_illustrative_mark_and_review_number(qapp, demo_path: Path, tmp_path: Path, capsys) -> None:
    """Item 7: 示意数据 on an illustrative page; --press without --review-number is reminded."""
    import pypdf

    out = tmp_path / "p.pdf"
    assert main(["snapshot", str(demo_path), "-o", str(out), "--title", TITLE, "--press"]) == 0
    err = capsys.readouterr().err
    assert "审图号" in err and "--review-number" in err
    text = pypdf.PdfReader(str(out)).pages[0].extract_text()
    assert "示意数据" in text and "审图号" not in text
    assert main(["snapshot", str(demo_path), "-o", str(out), "--title", TITLE, "--press",
                 "--review-number", "GS(2024)1234号"]) == 0
    assert "审图号" not in capsys.readouterr().err
    assert "审图号：GS(2024)1234号" in pypdf.PdfReader(str(out)).pages[0].extract_text()
    # A workspace whose rows are reported, not made up, gets no mark.
    real = tmp_path / "real.gpkg"
    with Workspace.create(real) as ws:
        assert not is_illustrative(ws)
        ws.insert("hazards", [{"name": "某村滑坡", "hazard_type": "landslide", "source": "县应急局上报",
                               "geometry": __import__("shapely").Point(114.2, 35.7)}])
        assert not is_illustrative(ws)
    with Workspace.open(demo_path) as ws:
        assert is_illustrative(ws)


def test_negative_stock_is_flagged_never_printed(scene_at, tmp_path: Path) -> None:
    """Item 13 (map side): a pile the records make negative shows as an inconsistency, in red."""
    import pypdf

    from floodpost.layers.output.layout import render_pdf

    scene, situation, _ = scene_at
    assert stock_tag_text(-2260, PageText("zh")) == "沙袋 账目不符：超调拨2,260"
    assert stock_tag_text(-2260, PageText("en")) == "sandbags: records disagree, 2,260 over-dispatched"
    assert stock_tag_text(26000, PageText("zh")) == "沙袋 2.6万"
    depots = scene.layers["depots"].frame
    name = str(depots["name"].iloc[0])
    stock = {name: {"sandbag": -2260.0}}
    scene.painter.overlays[1] = DepotOverlay.from_situation(SimpleNamespace(stock=stock), depots)
    out = tmp_path / "neg.pdf"
    render_pdf(scene, scene.full_extent(), LayoutOptions(title=TITLE), out, (297, 210), 150)
    text = "".join(pypdf.PdfReader(str(out)).pages[0].extract_text().split())
    assert "沙袋账目不符：超调拨2,260" in text
    assert "-2,260" not in text and "−2,260" not in text
    assert "账目不符（调出多于库存）" in text  # its legend entry


def test_composer_page_language_time_and_review_note(qtbot, demo_path: Path, tmp_path: Path) -> None:
    """The composer: a Chinese page by default, the latest report's time, a note until a 审图号 is given."""
    import pypdf

    from floodpost.ui.dialogs.composer import ComposerDialog

    with Workspace.open(demo_path) as ws:
        scene = MapScene.from_workspace(ws)
        situation = scene.show_situation(ws, None)  # the window shows the situation now
        dlg = ComposerDialog(scene, situation, scene.full_extent(), "", workspace=ws, requested=False)
        qtbot.addWidget(dlg)
        assert dlg.lang.currentData() == "zh"
        assert dlg.subtitle.text().endswith("（最新报告）") and "2021年7月25日" in dlg.subtitle.text()
        dlg.press.setChecked(True)
        dlg.review.setText("")
        dlg.update_preview()
        assert any("审图号" in n for n in dlg.warnings) and not dlg.notes.isHidden()
        dlg.review.setText("GS(2024)1234号")
        dlg.update_preview()
        assert dlg.warnings == [] and dlg.notes.isHidden()
        dlg.lang.setCurrentIndex(dlg.lang.findData("en"))
        assert dlg.subtitle.text().startswith("As of 2021-07-25") and dlg.subtitle.text().endswith("(latest report)")
        dlg.preset.setCurrentIndex(dlg.preset.findData("a4"))
        out = dlg.save(tmp_path / "composer.pdf")
        text = pypdf.PdfReader(str(out)).pages[0].extract_text()
        assert "Legend" in text and "Illustrative data" in text and "图例" not in text
        dlg.close()


def test_replay_frames_are_chinese_by_default(qtbot, demo_path: Path) -> None:
    from floodpost.ui.dialogs.replaydialog import ReplayDialog

    with Workspace.open(demo_path) as ws:
        times = report_times(ws)
    dlg = ReplayDialog(demo_path, times)
    qtbot.addWidget(dlg)
    assert dlg.language.currentData() == "zh"
    assert ReplayDialog(demo_path, times, "en_US").language.currentData() == "en"


def test_overlays_draw_on_their_own_too(scene_at) -> None:
    """An overlay painted outside the map painter places its own items (tags kept off each other)."""
    scene, _, _ = scene_at
    vp = Viewport.for_lonlat(scene.full_extent(), 1200, 800)
    img = QImage(vp.width, vp.height, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0xFFFFFFFF)
    p = QPainter(img)
    try:
        drawn = [o.paint(p, vp, 1.0) for o in scene.painter.overlays]
    finally:
        p.end()
    forces, depots, *_, bars = drawn  # the gauges and operations between
    assert forces == len(scene.painter.overlays[0].items)
    assert depots == len(scene.painter.overlays[1].tags)
    assert bars == len(scene.painter.overlays[-1].bars)
    assert (_array(img).sum(axis=2) < 700).sum() > 1000


def test_press_page_counts_operations_and_names_no_one(qapp, tmp_path: Path) -> None:
    """Incidents uncontrolled of reported and the warnings' answered share; no reporter, lead or answerer."""
    import pypdf
    from ops_workspace import PRIVATE, T1, T2, build_ops_workspace

    from floodpost.data.situation import as_of

    ws_path = build_ops_workspace(tmp_path / "ops.gpkg")
    with Workspace.open(ws_path) as ws:
        figures = {t: dict(headline_figures(as_of(ws, t).totals(), "zh")) for t in (T1, T2)}
    assert figures[T1]["未控制险情 / 险情总数"] == "2 / 3"
    assert figures[T1]["已叫应（生效预警2个）"] == "60%"
    assert figures[T2]["未控制险情 / 险情总数"] == "0 / 3"
    assert figures[T2]["已叫应（生效预警2个）"] == "80%"
    with Workspace.open(ws_path) as ws:  # before the first incident and warning: the four figures only
        assert len(headline_figures(as_of(ws, "2021-07-22T07:00").totals())) == 4
    out = tmp_path / "press.pdf"
    assert main(["snapshot", str(ws_path), "-o", str(out), "--press", "--at", T1, "--title", TITLE,
                 "--review-number", "GS（2021）1234号"]) == 0
    text = pypdf.PdfReader(str(out)).pages[0].extract_text()
    assert "2 / 3" in text and "60%" in text
    assert not [p for p in PRIVATE if p in text]


def test_replay_frames_keep_one_panel(qapp, tmp_path: Path) -> None:
    """The operations figures are on every frame of a replay, also before the first incident."""
    from ops_workspace import build_ops_workspace

    from floodpost.data.situation import as_of

    ws_path = build_ops_workspace(tmp_path / "ops.gpkg")
    with Workspace.open(ws_path) as ws:
        early = as_of(ws, "2021-07-22T07:00").totals()
    assert len(headline_figures(early, "zh")) == 4
    figures = dict(headline_figures(early, "zh", operations=True))
    assert figures["未控制险情 / 险情总数"] == "0 / 0" and figures["已叫应（生效预警0个）"] == "0 / 0"
    seen = []
    import floodpost.layers.output.replay as replay

    real = replay.headline_figures

    def spy(totals, text, operations=None):
        seen.append(operations)
        return real(totals, text, operations)

    from unittest import mock

    with mock.patch.object(replay, "headline_figures", spy), Workspace.open(ws_path) as ws:
        replay.write_replay(ws, tmp_path / "r.gif", size=(320, 200))
    assert seen and set(seen) == {True}
