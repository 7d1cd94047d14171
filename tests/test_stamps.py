"""Marks stamped from a sheet in one call look exactly as drawn one by one; labels of a name and an age
reuse the name's picture and read as the whole text."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen

from floodpost.data.schema.symbology import LabelStyle
from floodpost.layers.render import stamps
from floodpost.layers.render.fonts import metrics
from floodpost.layers.render.painter import MapPainter, Phrase


def _disc(r: float, colour: str):
    def draw(p: QPainter, cx: float, cy: float) -> None:
        fill = QColor(colour)
        fill.setAlpha(90)
        p.setPen(QPen(QColor(colour), 1.5))
        p.setBrush(QBrush(fill))
        p.drawEllipse(QRectF(cx - r, cy - r, 2 * r, 2 * r))
    return draw


def _one_by_one(painter: QPainter, key, reach: float, draw, x: float, y: float) -> None:
    """The mark as it was stamped before sheets: its own picture, drawn at its half-pixel offset."""
    import math

    ix, iy = math.floor(x), math.floor(y)
    fx, fy = round((x - ix) * 2) / 2, round((y - iy) * 2) / 2
    c = math.ceil(reach + 2)
    img = QImage(2 * c + 2, 2 * c + 2, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    draw(p, c + fx, c + fy)
    p.end()
    painter.drawImage(ix - c, iy - c, img)


def _canvas() -> tuple[QImage, QPainter]:
    img = QImage(400, 300, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("#eef2f5"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    return img, p


FULL = stamps.SHEET


@pytest.mark.parametrize("sheet", [FULL, 128])
def test_a_batch_of_marks_equals_the_marks_one_by_one(qapp, monkeypatch, sheet: int) -> None:
    """Overlapping marks of different looks keep their order; a small sheet fills up and starts anew
    in the middle of the batch (128 pixels: sixteen looks), and the picture is the same."""
    monkeypatch.setattr(stamps, "SHEET", sheet)
    monkeypatch.setattr(stamps, "_sheets", stamps._Sheets())
    rnd = random.Random(7)
    looks = [(r, c) for r in (4.0, 6.5, 11.0) for c in ("#d32f2f", "#1976d2", "#388e3c")]
    marks = [(rnd.uniform(-15, 415), rnd.uniform(-15, 315), *rnd.choice(looks)) for _ in range(600)]
    want, p = _canvas()
    for x, y, r, c in marks:
        _one_by_one(p, ("disc", r, c), r + 2, _disc(r, c), x, y)
    p.end()
    got, p = _canvas()
    with stamps.Stamps(p) as batch:
        for x, y, r, c in marks:
            batch.add(("disc", r, c), r + 2, _disc(r, c), x, y)
    p.end()
    assert got == want
    # on the full sheet the next frame takes every look from it: nothing is drawn anew
    drawn = []
    again, p = _canvas()
    with stamps.Stamps(p) as batch:
        for x, y, r, c in marks[:40]:
            batch.add(("disc", r, c), r + 2, lambda q, cx, cy: drawn.append(1), x, y)
    p.end()
    if sheet == FULL:
        assert drawn == []


def test_marks_stamped_to_whole_pixels_share_one_picture(qapp, monkeypatch) -> None:
    """A halo is laid with its centre on the nearest pixel: the same as drawn there, and one picture for
    every place of one look (four per look to half a pixel)."""
    monkeypatch.setattr(stamps, "_sheets", stamps._Sheets())
    places = [(50.3, 40.7), (120.5, 80.2), (200.74, 150.49), (300.0, 200.5), (-3.5, 10.5)]
    want, p = _canvas()
    for x, y in places:
        _one_by_one(p, ("disc", 8.0), 10.0, _disc(8.0, "#d32f2f"), stamps._round(x), stamps._round(y))
    p.end()
    got, p = _canvas()
    with stamps.Stamps(p) as batch:
        for x, y in places:
            batch.add(("disc", 8.0), 10.0, _disc(8.0, "#d32f2f"), x, y, whole=True)
    p.end()
    assert got == want
    assert len(stamps._sheets.where) == 1


def test_a_mark_too_big_for_the_sheet_is_drawn_in_its_place(qapp, monkeypatch) -> None:
    monkeypatch.setattr(stamps, "SHEET", 64)
    monkeypatch.setattr(stamps, "_sheets", stamps._Sheets())
    want, p = _canvas()
    for x, y, r, c in [(100, 100, 4.0, "#d32f2f"), (110, 100, 40.0, "#1976d2"), (120, 100, 4.0, "#388e3c")]:
        _one_by_one(p, ("disc", r, c), r + 2, _disc(r, c), x, y)
    p.end()
    got, p = _canvas()
    with stamps.Stamps(p) as batch:
        for x, y, r, c in [(100, 100, 4.0, "#d32f2f"), (110, 100, 40.0, "#1976d2"), (120, 100, 4.0, "#388e3c")]:
            batch.add(("disc", r, c), r + 2, _disc(r, c), x, y)
    p.end()
    # the big one is drawn straight, not from a picture: the same disc, at most a rounding apart
    a = np.frombuffer(got.constBits(), np.uint8).astype(int)
    b = np.frombuffer(want.constBits(), np.uint8).astype(int)
    assert np.abs(a - b).max() <= 2


def test_a_phrase_reads_as_its_whole_text(qapp) -> None:
    label = Phrase("北岗段险情069", "3小时前")
    assert label == "北岗段险情069 3小时前" and label.cut == len("北岗段险情069")
    back = pickle.loads(pickle.dumps(label))
    assert back == label and back.cut == label.cut
    assert Phrase("", "刚刚") == "刚刚" and Phrase("", "刚刚").cut == 0
    assert Phrase("屯王083站", "") == "屯王083站" and Phrase(None, "刚刚") == "刚刚" and Phrase(12, "1天前") == "12 1天前"


def test_a_phrase_is_drawn_as_its_name_and_the_rest(qapp) -> None:
    """Drawn in two pictures the label looks like the whole text in one; the name's picture is kept
    from one moment to the next, only the age is drawn anew."""
    style = LabelStyle(size=9.5, bold=True, color="#b71c1c", halo="#ffffff")
    mp = MapPainter()

    def draw(text: str) -> QImage:
        img = QImage(260, 40, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(QColor("#eef2f5"))
        p = QPainter(img)
        mp.draw_labels(p, [(text, style, 10.0, 26.0)], 1.0, vector=False)
        p.end()
        return img

    whole = draw("北岗段险情069 3小时前")
    parts = draw(Phrase("北岗段险情069", "3小时前"))
    a = np.frombuffer(whole.constBits(), np.uint8).astype(int)
    b = np.frombuffer(parts.constBits(), np.uint8).astype(int)
    assert (np.abs(a - b) > 40).mean() < 0.002  # the same glyphs in the same places
    draw(Phrase("北岗段险情069", "4小时前"))
    names = [k[0] for k in mp._sprites]
    assert names.count("北岗段险情069") == 1
    assert {" 3小时前", " 4小时前"} <= set(names)
    # the placement pass measures the whole text
    fm = metrics(9.5, True)
    assert mp._text_width(Phrase("北岗段险情069", "3小时前"), style, 1.0, fm) == fm.horizontalAdvance("北岗段险情069 3小时前")


@pytest.mark.parametrize("sheet", [FULL, 256])
def test_labels_laid_from_the_sheet_equal_each_drawn_on_its_own(qapp, monkeypatch, sheet: int) -> None:
    """Labels at fractional places (some over the edges) land on the pixels drawImage puts them on;
    on a small sheet (fifty sprites; the longest names drawn on their own) the sheet starts anew
    several times in the middle of the frame."""
    monkeypatch.setattr(stamps, "SHEET", sheet)
    monkeypatch.setattr(stamps, "_label_sheets", stamps._Sheets())
    rnd = random.Random(3)
    styles = [LabelStyle(size=9.5, bold=True, color="#b71c1c", halo="#ffffff"), LabelStyle(size=8.5, color="#0d47a1")]
    names = ["良相坡", "共渠西", "屯王083站", "增援队伍075", "21人", "1天前"] + [f"站{n}" for n in range(120)]
    placed = [(rnd.choice(names), rnd.choice(styles), rnd.uniform(-12, 390), rnd.uniform(-4, 310))
              for _ in range(400)]
    mp = MapPainter()
    want, p = _canvas()
    for text, st, x, y in placed:
        sprite, ox, oy = mp._label_sprite(text, st, 1.0)
        p.drawImage(QPointF(x - ox, y - oy), sprite)
    p.end()
    got, p = _canvas()
    mp.draw_labels(p, placed, 1.0, vector=False)
    p.end()
    assert got == want
    assert len(stamps._label_sheets.where) >= (12 if sheet == FULL else 1)
