"""The label placement pass on crowded frames: placed labels and overlay items never overlap, and a label
left out had no free place (the bulk test and the grid only make the greedy pass quicker)."""

from __future__ import annotations

import numpy as np
import pytest

from floodpost.data.schema.symbology import LabelStyle
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.render.fonts import metrics
from floodpost.layers.render.painter import LABEL_PAD, MapPainter, Placement, label_batch


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_placed_labels_never_overlap_and_the_left_out_had_no_room(qapp, seed: int) -> None:
    rnd = np.random.default_rng(seed)
    vp = Viewport(0.0, 0.0, 1.0, 640, 400)
    mp = MapPainter()
    styles = [LabelStyle(size=9.0, priority=p) for p in (20, 60, 88)]
    batches = []
    for order, st in enumerate(styles):
        n = int(rnd.integers(150, 400))  # over the bulk test's threshold
        texts = [f"站{int(k)}" * int(rnd.integers(1, 4)) for k in rnd.integers(0, 999, n)]
        batches.append(label_batch(texts, rnd.uniform(-20, 660, n), rnd.uniform(-20, 420, n), st,
                                   order=order, point_offset=rnd.uniform(3, 9, n)))
    # overlay items (bars, tags) among them: two candidate boxes each, some forced
    items = []
    for prio, force in ((70, False), (95, True)):
        n = 40
        x, y = rnd.uniform(0, 600, n), rnd.uniform(0, 380, n)
        boxes = np.stack([np.column_stack([x, y, x + 40, y + 14]), np.column_stack([x - 40, y, x, y + 14])], axis=1)
        items.append(Placement(boxes, prio, force=force))
    placed = mp.place_labels(list(batches), vp, 1.0, items)

    pad = LABEL_PAD
    rects = []
    for text, st, x, base in placed:
        fm = metrics(st.size, st.bold, 1.0)
        top = base - fm.ascent()
        rects.append((x - pad, top - pad, x + fm.horizontalAdvance(text) + pad, top + fm.height() + pad))
    free_rects = list(rects)
    for item in items:
        for k, c in enumerate(item.chosen.tolist()):
            if c >= 0:
                box = tuple(item.boxes[k, c])
                rects.append(box)
                if not item.force:
                    free_rects.append(box)
    assert placed and len(placed) < sum(len(b.texts) for b in batches)  # crowded: some are left out
    for i, a in enumerate(free_rects):
        for b in free_rects[i + 1:]:
            assert not _overlap(a, b)
    # every item forced in has its place
    assert (items[1].chosen >= 0).all()
    # a label left out: each of its places in the frame is taken by something placed
    shown = {(t, round(x, 6), round(y, 6)) for t, _, x, y in placed}
    for batch in batches:
        fm = metrics(batch.style.size, batch.style.bold, 1.0)
        cx, cy, asc = batch.tops
        for k, text in enumerate(batch.texts):
            w = fm.horizontalAdvance(text)
            cands = [(cx[k, c] - pad, cy[k, c] - pad, cx[k, c] + w + pad, cy[k, c] + fm.height() + pad)
                     for c in range(cx.shape[1])]
            inside = [c for c in cands if c[0] >= 0 and c[1] >= 0 and c[2] <= 640 and c[3] <= 400]
            if any((text, round(float(cx[k, c]), 6), round(float(cy[k, c]) + asc, 6)) in shown
                   for c in range(cx.shape[1])):
                continue
            for c in inside:
                assert any(_overlap(c, r) for r in rects), (text, c)
