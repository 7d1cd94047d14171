"""With no Chinese font, outputs stop with a clear message instead of writing tofu."""

from __future__ import annotations

from pathlib import Path

import pytest

from floodpost.cli import main
from floodpost.layers.render import fonts


@pytest.mark.parametrize("args", [
    ["snapshot", "-o", "x.png"],
    ["snapshot", "-o", "x.pdf", "--title", "态势图"],
    ["replay", "-o", "x.gif"],
])
def test_no_cjk_font_stops_with_a_clear_message(qapp, demo_path: Path, tmp_path: Path, monkeypatch, capsys, args) -> None:
    monkeypatch.setattr(fonts, "_has_cjk", lambda family: False)
    fonts.cjk_family.cache_clear()
    try:
        out = tmp_path / args[2]
        argv = [args[0], str(demo_path), "-o", str(out), *args[3:]]
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "no font with Chinese glyphs" in err and "fonts-noto-cjk" in err
        assert not out.exists()
    finally:
        fonts.cjk_family.cache_clear()
