"""QGIS baseline of the "county scale" benchmark (issue 3) — runs on the SYSTEM python.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 benchmarks/qgis_baseline.py \\
        benchmarks/data/county.gpkg --size 1920x1080 --json [--png /tmp/qgis_full.png]

PyQGIS comes from Debian (``apt-get install qgis python3-qgis``) and lives in
the system python, not in FloodPost's venv, so ``benchmarks/qgis.py`` drives
this script as a subprocess. It imports nothing from FloodPost.

What it measures, on the layers ``storage_areas`` (polygons), ``rivers``
(lines) and ``hazards`` (points) of the workspace, each alone and all three
together, in EPSG:3857 like FloodPost's display (reprojected on the fly from
the stored EPSG:4490; ``--crs layer`` draws without reprojection):

* ``full_s`` — the whole data extent (``full_extent``), ``zoom_s`` — the centre at 4× zoom
  (a quarter of the width and height, ``zoom_extent``), both drawn by
  ``QgsMapRendererCustomPainterJob`` into a QImage (one rendering thread,
  the fair comparison with one painter); ``parallel_full_s`` /
  ``parallel_zoom_s`` — the same with ``QgsMapRendererParallelJob`` (one
  thread per layer, what the QGIS canvas uses). Each figure is the best of
  ``--repeat`` runs after one warm-up.
* ``load_s`` — creating the three ``QgsVectorLayer`` objects (until valid,
  with extent and feature count known); ``first_frame_s`` — ``load_s`` plus
  the first (cold) full-extent render of all three layers.

Symbology is simple and close to FloodPost's: filled polygons with a 0.4 mm
outline, 0.45 mm lines, 3 mm circle markers with a white outline
(``--categorized`` classifies them by status / grade / hazard type with
FloodPost's colours instead). QGIS's own defaults are kept otherwise
(antialiasing, its geometry simplification), and no labels are drawn.

Prints one JSON object with ``--json``, a small table otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

# benchmarks/qgis.py (FloodPost's helper that runs this script) would shadow
# the real ``qgis`` package: never import from this script's own folder.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

LAYERS = {"polygons": "storage_areas", "lines": "rivers", "points": "hazards"}

# FloodPost's class colours (floodpost/data/schema/symbology.py), for --categorized.
CATEGORIES = {
    "storage_areas": (
        "status",
        {
            "standby": ("#c6dbef99", "#4a7fb0"),
            "ordered": ("#fdd49eaa", "#d7801a"),
            "evacuating": ("#fc8d59aa", "#c0392b"),
            "flooding": ("#2c7fb8b3", "#08306b"),
            "receding": ("#7fcdbbaa", "#1d6f6a"),
            "returning": ("#a1d99baa", "#2f7d32"),
            "closed": ("#d9d9d988", "#7f7f7f"),
        },
    ),
    "rivers": (
        "grade",
        {"main": ("#1f6fb2",), "trib1": ("#2f86c9",), "trib2": ("#5aa6dc",), "canal": ("#1b9aaa",)},
    ),
    "hazards": (
        "hazard_type",
        {
            "landslide": ("#d9480f",),
            "collapse": ("#8c510a",),
            "debris_flow": ("#7b3294",),
            "subsidence": ("#4d4d4d",),
        },
    ),
}


def _rgba(hex_colour: str) -> str:
    """``#rrggbb[aa]`` as QGIS's ``r,g,b,a`` symbol property."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    a = int(h[6:8], 16) if len(h) == 8 else 255
    return f"{r},{g},{b},{a}"


def _symbol(key: str, colours: tuple[str, ...]):
    from qgis.core import QgsFillSymbol, QgsLineSymbol, QgsMarkerSymbol

    if key == "storage_areas":
        fill, outline = colours
        return QgsFillSymbol.createSimple(
            {"color": _rgba(fill), "outline_color": _rgba(outline),
             "outline_width": "0.4", "outline_width_unit": "MM", "style": "solid"}
        )
    if key == "rivers":
        return QgsLineSymbol.createSimple(
            {"line_color": _rgba(colours[0]), "line_width": "0.45", "line_width_unit": "MM"}
        )
    return QgsMarkerSymbol.createSimple(
        {"name": "circle", "color": _rgba(colours[0]), "outline_color": "255,255,255,255",
         "outline_width": "0.2", "size": "3", "size_unit": "MM"}
    )


def style_layer(layer, key: str, categorized: bool) -> None:
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory, QgsSingleSymbolRenderer

    field, classes = CATEGORIES[key]
    if not categorized:
        layer.setRenderer(QgsSingleSymbolRenderer(_symbol(key, next(iter(classes.values())))))
        return
    cats = [QgsRendererCategory(code, _symbol(key, cols), code) for code, cols in classes.items()]
    layer.setRenderer(QgsCategorizedSymbolRenderer(field, cats))


def load_layers(gpkg: str, categorized: bool) -> tuple[dict, float]:
    from qgis.core import QgsVectorLayer

    t0 = time.perf_counter()
    layers = {}
    for name, key in LAYERS.items():
        lyr = QgsVectorLayer(f"{gpkg}|layername={key}", key, "ogr")
        if not lyr.isValid():
            raise SystemExit(f"QGIS could not open layer {key} of {gpkg}")
        lyr.extent()
        lyr.featureCount()
        layers[name] = lyr
    load_s = time.perf_counter() - t0
    for name, lyr in layers.items():
        style_layer(lyr, LAYERS[name], categorized)
    return layers, load_s


def map_settings(layers: list, extent, size: tuple[int, int], dest):
    from qgis.core import QgsMapSettings, QgsProject
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(dest)
    ms.setTransformContext(QgsProject.instance().transformContext())
    ms.setOutputSize(QSize(*size))
    ms.setOutputDpi(96)
    ms.setBackgroundColor(QColor(255, 255, 255))
    ms.setFlag(QgsMapSettings.Antialiasing, True)
    ms.setFlag(QgsMapSettings.UseRenderingOptimization, True)
    ms.setFlag(QgsMapSettings.DrawLabeling, False)
    ms.setExtent(extent)
    return ms


def render_custom(ms):
    """One render with QgsMapRendererCustomPainterJob into a fresh QImage."""
    from qgis.core import QgsMapRendererCustomPainterJob
    from qgis.PyQt.QtGui import QImage, QPainter

    img = QImage(ms.outputSize(), QImage.Format_ARGB32_Premultiplied)
    img.fill(ms.backgroundColor())
    painter = QPainter(img)
    job = QgsMapRendererCustomPainterJob(ms, painter)
    job.start()
    job.waitForFinished()
    painter.end()
    return img


def render_parallel(ms):
    """One render with QgsMapRendererParallelJob (a thread per layer)."""
    from qgis.core import QgsMapRendererParallelJob

    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def best_of(fn, ms, repeat: int) -> float:
    fn(ms)  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(ms)
        times.append(time.perf_counter() - t0)
    return min(times)


def run(args: argparse.Namespace) -> dict:
    """Start QGIS, measure, and shut QGIS down after every QGIS object is gone."""
    from qgis.core import QgsApplication

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    try:
        return measure(args)  # its QGIS objects die with its frame, before exitQgis
    finally:
        app.exitQgis()


def measure(args: argparse.Namespace) -> dict:
    from qgis.core import (
        Qgis,
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsProject,
        QgsRectangle,
    )
    from qgis.PyQt.QtCore import QThread

    size = tuple(int(v) for v in args.size.lower().split("x"))
    load_before = os.getloadavg()[0]
    layers, load_s = load_layers(os.path.abspath(args.gpkg), args.categorized)
    src = layers["polygons"].crs()
    dest = src if args.crs == "layer" else QgsCoordinateReferenceSystem(args.crs)
    xf = QgsCoordinateTransform(src, dest, QgsProject.instance())
    data = QgsRectangle()
    data.setMinimal()
    for lyr in layers.values():
        data.combineExtentWith(lyr.extent())
    full = xf.transformBoundingBox(data)
    all_layers = [layers["points"], layers["lines"], layers["polygons"]]  # top first

    # First complete frame from a cold start: load + one render of all layers.
    ms_all = map_settings(all_layers, full, size, dest)
    t0 = time.perf_counter()
    img = render_custom(ms_all)
    first_frame_s = load_s + time.perf_counter() - t0
    if args.png:
        img.save(args.png)

    visible = ms_all.visibleExtent()
    c = visible.center()
    w, h = visible.width() / 8, visible.height() / 8
    zoom = QgsRectangle(c.x() - w, c.y() - h, c.x() + w, c.y() + h)
    if args.png:
        root, ext = os.path.splitext(args.png)
        render_custom(map_settings(all_layers, zoom, size, dest)).save(f"{root}_zoom{ext}")

    out: dict = {
        "name": f"QGIS {Qgis.version().split('-')[0]}",
        "size": list(size),
        "crs": dest.authid(),
        "layer_crs": src.authid(),
        "symbology": "categorized" if args.categorized else "single",
        "repeat": args.repeat,
        "threads": QThread.idealThreadCount(),
        "simplify": {
            n: {"hints": int(lyr.simplifyMethod().simplifyHints()),
                "threshold_px": lyr.simplifyMethod().threshold()}
            for n, lyr in layers.items()
        },
        "full_extent": [visible.xMinimum(), visible.yMinimum(),
                             visible.xMaximum(), visible.yMaximum()],
        "zoom_extent": [zoom.xMinimum(), zoom.yMinimum(),
                             zoom.xMaximum(), zoom.yMaximum()],
        "counts": {n: lyr.featureCount() for n, lyr in layers.items()},
    }
    cases = {n: [lyr] for n, lyr in layers.items()}
    cases["all"] = all_layers
    for name, lyrs in cases.items():
        res = {}
        for label, ext in (("full", full), ("zoom", zoom)):
            ms = map_settings(lyrs, ext, size, dest)
            res[f"{label}_s"] = round(best_of(render_custom, ms, args.repeat), 4)
            if not args.no_parallel:
                res[f"parallel_{label}_s"] = round(
                    best_of(render_parallel, ms, args.repeat), 4
                )
        out[name] = res
    out["full_s"] = out["all"]["full_s"]
    out["zoom_s"] = out["all"]["zoom_s"]
    out["load_s"] = round(load_s, 4)
    out["first_frame_s"] = round(first_frame_s, 4)
    # Other processes competing for the CPUs spoil the figures; keep the evidence.
    out["loadavg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    out["cpu_count"] = os.cpu_count()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gpkg")
    ap.add_argument("--size", default="1920x1080", help="output size WxH (default 1920x1080)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs after a warm-up; best wins")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--png", help="also save the full-extent render of all layers here"
                    " (and the zoomed one beside it, *_zoom.png)")
    ap.add_argument("--categorized", action="store_true",
                    help="classify features with FloodPost's colours instead of one symbol")
    ap.add_argument("--crs", default="EPSG:3857",
                    help="map CRS (default EPSG:3857, as FloodPost draws); 'layer' draws in the"
                    " layers' own CRS, without reprojection")
    ap.add_argument("--no-parallel", action="store_true", help="skip QgsMapRendererParallelJob")
    args = ap.parse_args(argv)
    if not os.path.isfile(args.gpkg):
        print(f"{args.gpkg}: no such file", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = run(args)
    if args.json:
        print(json.dumps(out), flush=True)
    else:
        print(f"{out['name']}  {out['size'][0]}x{out['size'][1]}  load {out['load_s']:.3f} s"
              f"  first frame {out['first_frame_s']:.3f} s")
        print(f"{'':10s} {'full':>8s} {'zoom 4x':>8s} {'par full':>9s} {'par zoom':>9s}")
        for name in ("polygons", "lines", "points", "all"):
            r = out[name]
            print(f"{name:10s} {r['full_s']:8.3f} {r['zoom_s']:8.3f}"
                  f" {r.get('parallel_full_s', float('nan')):9.3f}"
                  f" {r.get('parallel_zoom_s', float('nan')):9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
