"""The composed press page: parts in their places, right size and dpi, nothing personal."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PySide6.QtGui import QImage

from floodpost.cli import main
from floodpost.data.workspace import Workspace

AT = "2021-07-23T18:00"
TITLE = "鹤壁市防汛抗洪态势图"


def _personal(demo_path: Path) -> list[str]:
    """Every phone number and responsible person's name in the workspace."""
    from floodpost.data.schema import LAYERS

    out = []
    with Workspace.open(demo_path) as ws:
        for key, schema in LAYERS.items():
            frame = ws.read(key)
            for f in schema.private_fields:
                out += [str(v) for v in frame[f].dropna()]
    return [v for v in out if len(v) >= 2]


def _dark(img: QImage, x0: int, y0: int, x1: int, y1: int) -> int:
    n = 0
    for x in range(x0, x1, 3):
        for y in range(y0, y1, 3):
            c = img.pixelColor(x, y)
            n += c.red() + c.green() + c.blue() < 300
    return n


def test_png_page_has_title_legend_scalebar_and_dpi(qapp, demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.png"
    assert main(["--lang", "zh_CN", "snapshot", str(demo_path), "-o", str(out), "--title", TITLE, "--at", AT,
                 "--preset", "a4"]) == 0
    img = QImage(str(out))
    assert (img.width(), img.height()) == (3508, 2480)  # A4 landscape at 300 dpi
    assert round(img.dotsPerMeterX() * 0.0254) == 300
    w, h = img.width(), img.height()
    assert _dark(img, int(w * 0.35), 0, int(w * 0.65), int(h * 0.06)) > 50  # title, top centre
    assert _dark(img, 0, 0, int(w * 0.3), int(h * 0.06)) == 0  # nothing else up there
    assert _dark(img, int(w * 0.78), int(h * 0.35), w, int(h * 0.9)) > 200  # legend, right side
    assert _dark(img, 0, int(h * 0.88), int(w * 0.25), int(h * 0.95)) > 20  # scale bar, bottom left


def test_pdf_has_title_and_figures_as_text(qapp, demo_path: Path, tmp_path: Path) -> None:
    from floodpost.data.situation import as_of

    out = tmp_path / "page.pdf"
    assert main(["snapshot", str(demo_path), "-o", str(out), "--title", TITLE, "--at", AT, "--press"]) == 0
    reader = pypdf.PdfReader(str(out))
    text = reader.pages[0].extract_text()
    assert TITLE in text
    with Workspace.open(demo_path) as ws:
        totals = as_of(ws, AT).totals()
    assert f"{totals['evacuation']['persons']['transferred']:,}" in text
    assert f"{totals['evacuation']['persons']['sheltered']:,}" in text
    assert reader.metadata.title == TITLE
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape


@pytest.mark.parametrize("suffix", [".png", ".pdf"])
def test_press_outputs_carry_no_names_or_phones(qapp, demo_path: Path, tmp_path: Path, suffix: str) -> None:
    with Workspace.open(demo_path) as ws:
        fid = int(ws.read("hazards").index[0])
        ws.update("hazards", fid, {"resp_person": "王秘密", "resp_phone": "13912345678"})
    out = tmp_path / f"press{suffix}"
    assert main(["snapshot", str(demo_path), "-o", str(out), "--title", TITLE, "--press",
                 "--producer", "鹤壁市防汛办"]) == 0
    private = _personal(demo_path)
    assert "王秘密" in private and "13912345678" in private
    if suffix == ".pdf":
        reader = pypdf.PdfReader(str(out))
        blob = reader.pages[0].extract_text() + str(reader.metadata)
    else:
        img = QImage(str(out))
        blob = " ".join(f"{k}={img.text(k)}" for k in img.textKeys())
        assert "Author" not in img.textKeys()
    raw = out.read_bytes()
    if suffix == ".png":
        # the pixels are compressed: a two-character name's four UTF-16 bytes turn up in 2 MB of them by
        # chance now and then; what could carry a name is every other chunk (text, EXIF, ICC)
        raw = b"".join(_png_chunks(raw, skip=b"IDAT"))
        assert raw.startswith(b"IHDR") and raw.endswith(b"IEND")
    for v in private:
        assert v not in blob
        assert v.encode("utf-8") not in raw and v.encode("utf-16-be") not in raw


def _png_chunks(raw: bytes, skip: bytes) -> list[bytes]:
    """Each chunk of a PNG file (type and data) but those of type ``skip``."""
    import struct

    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(raw):
        (n,) = struct.unpack(">I", raw[at:at + 4])
        kind = raw[at + 4:at + 8]
        if kind != skip:
            out.append(raw[at + 4:at + 8 + n])
        at += 12 + n
    return out


def test_composer_dialog_preview_and_save(qtbot, demo_path: Path, tmp_path: Path) -> None:
    from floodpost.ui.mainwindow import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        assert win.open_workspace(demo_path)
    win.composer_dialog()
    dlg = win._composer
    assert dlg.press.isChecked()  # press mode is the default for the press page
    dlg.title.setText(TITLE)
    img = dlg.update_preview()
    assert img.width() == 760 and img.height() == round(1080 * 760 / 1920)
    out = dlg.save(tmp_path / "p.png")
    saved = QImage(str(out))
    assert (saved.width(), saved.height()) == (1920, 1080)
    dlg.preset.setCurrentIndex(dlg.preset.findData("a4"))
    pdf = dlg.save(tmp_path / "p.pdf")
    assert TITLE in pypdf.PdfReader(str(pdf)).pages[0].extract_text()
    dlg.close()
    win.close()


def test_a_legend_is_fitted_once_per_legend_and_panel(qapp, monkeypatch) -> None:
    """A replay's pages share one legend: it is fitted once, and again for another panel or legend."""
    from floodpost.data.schema.symbology import SYMBOLOGY
    from floodpost.layers.output import layout
    from floodpost.layers.output.legend import LegendEntry, LegendGroup

    calls: list[int] = []
    real = layout._fit_legend_anew
    monkeypatch.setattr(layout, "_fit_legend_anew", lambda *a: (calls.append(1), real(*a))[1])
    monkeypatch.setattr(layout, "_LEGEND_FITS", type(layout._LEGEND_FITS)())
    entry = LegendEntry("hazards", "landslide", SYMBOLOGY["hazards"].default, "marker", "滑坡")
    groups = [LegendGroup("地质灾害隐患点", (entry,))]
    first = layout._fit_legend(groups, [(200.0, 300.0)], 1.0, False)
    assert layout._fit_legend(list(groups), [(200.0, 300.0)], 1.0, False) is first and calls == [1]
    layout._fit_legend(groups, [(180.0, 300.0)], 1.0, False)
    other = [LegendGroup("地质灾害隐患点", (entry, LegendEntry("hazards", None, entry.symbol, "marker", "其他")))]
    layout._fit_legend(other, [(200.0, 300.0)], 1.0, False)
    assert calls == [1, 1, 1]
