"""Replay for the press: the flood's course between two times as an animated GIF.

Each frame is the composed press page (same ``compose`` as the PNG/PDF) at
one report time, stepping through the as-of engine. MP4 is written too when
``imageio-ffmpeg`` is installed (it ships its own ffmpeg); GIF needs only
Pillow. Runs without a display and off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from floodpost.data.atomic import atomic_output
from floodpost.layers.output.layout import LayoutOptions, compose, headline_figures

#: progress(done, total) -> False to cancel.
Progress = Callable[[int, int], bool]


class ReplayCancelled(InterruptedError):
    """Stopped by the user; no file was written."""


def frame_times(times: list[str], start: str | None, end: str | None, max_frames: int = 60) -> list[str]:
    """Report times between ``start`` and ``end``, thinned evenly to at most ``max_frames``."""
    picked = [t for t in times if (start is None or t >= start) and (end is None or t <= end)]
    if len(picked) <= max_frames:
        return picked
    step = (len(picked) - 1) / (max_frames - 1)
    return [picked[round(i * step)] for i in range(max_frames)]


def _to_pil(img: QImage) -> Any:
    from PIL import Image

    rgb = img.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())[: rgb.sizeInBytes()]
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1)


def _shared_palette(frames: list[Any], samples: int = 5) -> list[Any]:
    """The frames in one palette of 255 colours, made from a few frames across the replay.

    One palette for all: a colour does not flicker from frame to frame, and
    mapping to it is ten times faster than working out a palette per frame
    (a season's sixty frames took 6 s after the progress bar was full).
    """
    from PIL import Image

    picks = [frames[round(i * (len(frames) - 1) / max(samples - 1, 1))] for i in range(min(samples, len(frames)))]
    w, h = picks[0].size
    montage = Image.new("RGB", (w, h * len(picks)))
    for i, f in enumerate(picks):
        montage.paste(f, (0, h * i))
    palette = montage.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    return [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]


def write_replay(
    workspace: Any,
    out: str | Path,
    *,
    start: str | None = None,
    end: str | None = None,
    size: tuple[int, int] = (1280, 720),
    title: str = "",
    press: bool = True,
    seconds_per_frame: float = 0.8,
    bounds: tuple[float, float, float, float] | None = None,
    progress: Progress | None = None,
    lang: str = "zh",
) -> Path:
    """Write the replay (``.gif`` or ``.mp4``); atomic, nothing left behind on cancel.

    Every frame is the press page in ``lang`` (Chinese by default, whatever
    the interface's language).
    """
    from floodpost.data.situation import report_times, series
    from floodpost.data.situation.operations import STATUSES
    from floodpost.layers.output.pagetext import PageText
    from floodpost.layers.render.fonts import cjk_family
    from floodpost.layers.scene import MapScene, is_illustrative, page_subtitle

    cjk_family()
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"{out.name}: a replay is written as .gif or .mp4")
    times = frame_times(report_times(workspace), start, end)
    if not times:
        raise ValueError("no report times in that range")
    text = PageText(lang)
    title = title or text.translate("layout", "Flood situation map")  # as the press page: never an empty band
    scene = MapScene.from_workspace(workspace)
    area = bounds or scene.full_extent()
    illustrative = is_illustrative(workspace)
    # The operations figures on every frame or on none: a panel growing mid-replay would move the map.
    curves = series(workspace, times)
    operations = bool(any(curves.get("incidents", "by_status", st).any() for st in STATUSES)
                      or curves.get("warnings", "active").any())
    frames = []
    for i, t in enumerate(times):
        situation = scene.show_situation(workspace, t)
        options = LayoutOptions(
            title=title, subtitle=page_subtitle(workspace, situation.at, True, text), press=press,
            headline=headline_figures(situation.totals(), text, operations), lang=text.lang,
            illustrative=illustrative,
        )
        img = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(img)
        try:
            compose(p, QRectF(0, 0, size[0], size[1]), scene, area, options, max(0.6, size[0] / 1280))
        finally:
            p.end()
        frames.append(_to_pil(img))
        if progress is not None and progress(i + 1, len(times)) is False:
            raise ReplayCancelled("replay cancelled; no file was written")
    with atomic_output(out) as tmp:  # whole or not at all; a full disk is named, never "wrote"
        if suffix == ".gif":
            pal = _shared_palette(frames)
            pal[0].save(tmp, save_all=True, append_images=pal[1:], duration=int(seconds_per_frame * 1000),
                        loop=0, optimize=False)
        else:
            try:
                import imageio_ffmpeg
            except ImportError:
                raise ValueError("MP4 needs the imageio-ffmpeg package; write a .gif instead") from None
            import numpy as np

            writer = imageio_ffmpeg.write_frames(str(tmp), size, fps=1 / seconds_per_frame, macro_block_size=1)
            writer.send(None)
            for f in frames:
                writer.send(np.asarray(f).tobytes())
            writer.close()
    return out
