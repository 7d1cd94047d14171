"""The press PDF's text layer: every string on the page copies out exactly, labels once,
symbols and labels as vectors, fonts embedded as tagged subsets with Unicode maps."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from tools import need_commands

from floodpost.data.workspace import Workspace
from floodpost.layers.output.legend import map_legend
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.scene import MapScene, compose_snapshot, page_subtitle

TITLES = {"zh": "鹤壁市防汛态势图", "en": "Hebi flood situation"}
AT = "2021-07-24T21:00"


def _squash(text: str) -> str:
    """Without whitespace: pdftotext and pypdf lay lines out differently, and a long legend entry wraps."""
    return "".join(text.split())


@pytest.fixture(scope="module", params=["zh", "en"])
def press_pdf(request, qapp, demo_master: Path, tmp_path_factory: pytest.TempPathFactory):
    """A press PDF of the demo in one language, with the strings that must be on it."""
    lang = request.param
    folder = tmp_path_factory.mktemp(f"pdf-{lang}")
    ws_path = folder / "demo.gpkg"
    shutil.copy(demo_master, ws_path)
    out = folder / "press.pdf"
    with Workspace.open(ws_path) as ws:
        page = compose_snapshot(ws, out, title=TITLES[lang], at=AT, press=True, lang=lang,
                                producer="鹤壁市防汛办" if lang == "zh" else "Hebi flood office",
                                review_number="GS(2024)1234号")
        scene = MapScene.from_workspace(ws)
        situation = scene.show_situation(ws, AT)
        subtitle = page_subtitle(ws, situation.at, True, lang)
    text = PageText(lang)
    from floodpost.layers.output.layout import headline_figures
    from floodpost.layers.render.overlays import stock_tag_text

    # What the page must say, found independently of how it was laid out ...
    expected = [TITLES[lang], subtitle, text.translate("layout", "Legend"), text.translate("layout", "Key figures")]
    expected += [s for pair in headline_figures(situation.totals(), text) for s in pair]
    for g in map_legend(scene, text):
        expected += [g.title, *(e.label for e in g.entries)]
    expected += [
        text.translate("layout", "Made by: %1").replace("%1", "鹤壁市防汛办" if lang == "zh" else "Hebi flood office"),
        text.translate("layout", "Map review number: %1").replace("%1", "GS(2024)1234号"),
        text.translate("layout", "Illustrative data, not records"), "0", "10 km",
    ]
    drawn = page.strings
    for s in expected:  # ... is on the page whole, or as the lines a long legend entry was broken into
        whole = any(s in d for d in drawn)
        broken = any((a + b).replace(" ", "") == s.replace(" ", "") for a, b in zip(drawn, drawn[1:], strict=False))
        assert whole or broken, s
    strings = {
        "page": drawn,
        "labels": [t for t, _, _ in page.labels],
        "tags": [stock_tag_text(t.bags, text) for t in scene.painter.overlays[1].tags],
    }
    return lang, out, strings, page


def test_every_string_on_the_page_extracts_exactly(press_pdf) -> None:
    lang, out, strings, page = press_pdf
    # the A4 page may say its legend is set small (with the gauges the demo's legend is long): nothing else
    assert [w for w in page.warnings if "legend" not in w.lower()] == []
    got = pypdf.PdfReader(str(out)).pages[0].extract_text()
    extracted = _squash(got)
    for part, items in strings.items():
        for s in items:
            assert _squash(s) in extracted, f"{part}: {s!r} not in the PDF's text"
    # No look-alike radicals, no control characters, no private-use code points.
    assert not [c for c in got if 0x2E80 <= ord(c) <= 0x2FDF], "Kangxi/CJK radicals in the text layer"
    assert not [c for c in got if ord(c) < 0x20 and c not in "\n"], "control characters in the text layer"
    assert not [c for c in got if 0xE000 <= ord(c) <= 0xF8FF]
    if lang == "zh":
        for word in ("人", "月", "至", "水", "大", "力", "民"):
            assert word in got
        assert "截至2021年7月24日21时" in extracted


def test_each_label_is_text_once_and_nothing_is_an_image(press_pdf) -> None:
    lang, out, strings, page = press_pdf
    reader = pypdf.PdfReader(str(out))
    pdf_page = reader.pages[0]
    assert len(pdf_page.images) == 0  # labels and markers are text and paths, no sprites or JPEGs
    extracted = _squash(pdf_page.extract_text())
    everything = [s for items in strings.values() for s in items]
    alone = [t for t in strings["labels"] if sum(_squash(t) in _squash(s) for s in everything) == 1]
    assert len(strings["tags"]) >= 4
    assert len(alone) > 15
    for label in alone:
        assert extracted.count(_squash(label)) == 1, label  # the halo is a path, not a second copy


def test_pdftotext_reads_the_same(press_pdf) -> None:
    need_commands("pdftotext")
    lang, out, strings, _ = press_pdf
    got = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                         check=True).stdout
    extracted = _squash(got)
    for part, items in strings.items():
        for s in items:
            assert _squash(s) in extracted, f"{part}: {s!r} not in pdftotext's output"
    assert not [c for c in got if 0x2E80 <= ord(c) <= 0x2FDF or (ord(c) < 0x20 and c not in "\n\f")]


def test_fonts_are_embedded_tagged_subsets_with_unicode_maps(press_pdf) -> None:
    need_commands("pdffonts")
    _, out, _, _ = press_pdf
    lines = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = lines[2:]
    assert fonts
    for line in fonts:
        name, *_, emb, sub, uni, _obj, _gen = line.split()
        assert re.match(r"^[A-Z]{6}\+", name), line
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_text_layer_rewrite_maps_radicals_to_the_ideographs(qapp) -> None:
    from floodpost.layers.output.pdftext import ordinary, parse_cmap, write_cmap
    from floodpost.layers.render.fonts import cjk_family

    fonts = [(cjk_family(), False)]
    assert ordinary("\u2f08\u2ea0\u2f24\u2f54\t", fonts) == "人民大水 "
    entries = {1: "\u2f08", 2: "A", 3: "\U00020000"}
    assert parse_cmap(write_cmap(entries)) == entries
    qt = b"2 beginbfrange\n<0000> <0000> <0000>\n<0001> <0003> [<2F08> <0031> <0009>]\nendbfrange\n"
    assert parse_cmap(qt) == {0: "\x00", 1: "\u2f08", 2: "1", 3: "\t"}
