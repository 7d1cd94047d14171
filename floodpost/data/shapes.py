"""Geometries as flat coordinate arrays, read straight from WKB without a GEOS object each.

Opening a county's inventory spent half its time building 300,000 shapely
geometries the first picture never looks at: drawing needs coordinates,
boxes and part/ring counts. :class:`Shapes` holds exactly that, in the
nested-offsets layout of GeoArrow (feature → parts → rings → coordinates),
parsed from WKB with numpy a whole layer at a time. Shapely geometries are
built later, and only for the features or parts that need one.

No Qt here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

#: part kinds
POINT, LINE, POLYGON = 0, 1, 2

#: WKB type code (2D) → shapely type id
_WKB_TO_SHAPELY = np.array([-1, 0, 1, 3, 4, 5, 6], dtype=np.int8)

#: WKB files with deeper nesting than this are left to GEOS: the numpy walk
#: makes one pass per part and ring index, and pays off only when those are few.
MAX_PASSES = 4096

#: GeoPackage envelope sizes in bytes by envelope code (none, xy, xyz, xym, xyzm; negative: invalid)
_ENVELOPES = np.array([0, 32, 48, 48, 64, -1, -1, -1], dtype=np.int64)


@dataclass
class Shapes:
    """One layer's geometries: feature → parts → rings → coordinates (lon/lat).

    Every part is a point, a line or a polygon (rings: exterior first);
    empty parts and rings are left out, and a feature with no coordinates
    is empty (type -1, as is a missing one).
    """

    types: np.ndarray  # int8 per feature: shapely type id, -1 missing or empty
    part_offsets: np.ndarray  # (n + 1,) into parts
    part_kind: np.ndarray  # int8 per part: POINT, LINE, POLYGON
    ring_offsets: np.ndarray  # (parts + 1,) into rings
    coord_offsets: np.ndarray  # (rings + 1,) into coords
    coords: np.ndarray  # (m, 2) float64
    _geoms: np.ndarray | None = field(default=None, repr=False)
    _wkb: tuple[bytes, np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _part_bounds: np.ndarray | None = field(default=None, repr=False)
    _feature_bounds: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.types)

    @property
    def part_feature(self) -> np.ndarray:
        """Feature index of every part."""
        counts = np.diff(self.part_offsets)
        return np.repeat(np.arange(len(self.types)), counts)

    @property
    def part_coord_range(self) -> tuple[np.ndarray, np.ndarray]:
        """(first coordinate, coordinate count) of every part, all its rings together."""
        first = self.coord_offsets[self.ring_offsets[:-1]]
        return first, self.coord_offsets[self.ring_offsets[1:]] - first

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(minx, miny, maxx, maxy) of all coordinates, None when there are none."""
        xy = self.coords
        if not len(xy):
            return None
        if self._part_bounds is not None:  # the parts' boxes, when drawing has needed them: far fewer rows
            pb = self._part_bounds
            xy = np.concatenate([pb[:, :2], pb[:, 2:]])
        # fmin/fmax skip NaN without nanmin's copy of the whole array
        b = (np.fmin.reduce(xy[:, 0]), np.fmin.reduce(xy[:, 1]), np.fmax.reduce(xy[:, 0]), np.fmax.reduce(xy[:, 1]))
        if not np.all(np.isfinite(b)):
            return None
        return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))

    def part_bounds(self) -> np.ndarray:
        """(parts, 4) boxes of the parts, lon/lat, computed once."""
        if self._part_bounds is None:
            self._part_bounds = run_bounds(self.coords, *self.part_coord_range)
        return self._part_bounds

    def feature_bounds(self) -> np.ndarray:
        """(n, 4) boxes of the features (NaN for empty ones), from their parts' boxes, computed once."""
        if self._feature_bounds is None:
            out = np.full((len(self.types), 4), np.nan)
            pb = self.part_bounds()
            owner = self.part_feature
            for j, reduce in enumerate((np.fmin, np.fmin, np.fmax, np.fmax)):
                reduce.at(out[:, j], owner, pb[:, j])
            self._feature_bounds = out
        return self._feature_bounds

    def take(self, idx: np.ndarray) -> Shapes:
        """The shapes of features ``idx`` in that order; -1 gives a missing one."""
        idx = np.asarray(idx, dtype=np.int64)
        have = idx >= 0
        safe = np.where(have, idx, 0)
        p0 = self.part_offsets[safe]
        pn = np.where(have, self.part_offsets[safe + 1] - p0, 0)
        parts = ragged_arange(p0, pn)
        r0 = self.ring_offsets[parts]
        rn = self.ring_offsets[parts + 1] - r0
        rings = ragged_arange(r0, rn)
        c0 = self.coord_offsets[rings]
        cn = self.coord_offsets[rings + 1] - c0
        out = Shapes(
            types=np.where(have, self.types[safe], -1).astype(np.int8),
            part_offsets=_offsets(pn),
            part_kind=self.part_kind[parts],
            ring_offsets=_offsets(rn),
            coord_offsets=_offsets(cn),
            coords=self.coords[ragged_arange(c0, cn)],
        )
        if self._geoms is not None:
            geoms = np.empty(len(idx), dtype=object)
            geoms[have] = self._geoms[idx[have]]
            out._geoms = geoms
        elif self._wkb is not None:
            buf, starts, ends = self._wkb
            out._wkb = (buf, np.where(have, starts[safe], 0), np.where(have, ends[safe], 0))
        return out

    def bare(self) -> Shapes:
        """The same arrays without kept geometries or WKB: what another process needs to draw."""
        return Shapes(self.types, self.part_offsets, self.part_kind, self.ring_offsets,
                      self.coord_offsets, self.coords)

    def equals(self, other: Shapes) -> bool:
        """Same structure and the same coordinates (NaN equal to NaN)."""
        return all(
            np.array_equal(getattr(self, f), getattr(other, f))
            for f in ("types", "part_offsets", "part_kind", "ring_offsets", "coord_offsets")
        ) and np.array_equal(self.coords, other.coords, equal_nan=True)

    # ------------------------------------------------------------ shapely
    def geometries(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Shapely geometries of features ``idx`` (all by default), built now if not kept."""
        idx = np.arange(len(self.types)) if idx is None else np.asarray(idx, dtype=np.int64)
        if self._geoms is not None:
            return self._geoms[idx]
        out = np.empty(len(idx), dtype=object)
        if self._wkb is not None:
            buf, starts, ends = self._wkb
            mv = memoryview(buf)
            have = np.flatnonzero(self.types[idx] >= 0)
            wkbs = np.empty(len(have), dtype=object)
            wkbs[:] = [mv[a:b].tobytes() for a, b in zip(starts[idx[have]].tolist(), ends[idx[have]].tolist(), strict=True)]
            out[have] = shapely.from_wkb(wkbs)
            # empty ones stay empty, not missing
            empty = np.flatnonzero(self.types[idx] < 0)
            if len(empty):
                out[empty] = [None if starts[i] >= ends[i] else shapely.from_wkb(mv[starts[i]:ends[i]].tobytes())
                              for i in idx[empty].tolist()]
            return out
        return self._build(idx)

    def _build(self, idx: np.ndarray) -> np.ndarray:
        """Features ``idx`` put together from their parts (shapes that kept neither geometries nor WKB)."""
        out = np.empty(len(idx), dtype=object)
        p0 = self.part_offsets[idx]
        pn = self.part_offsets[idx + 1] - p0
        owner = np.repeat(np.arange(len(idx)), pn)
        parts = self.rings_of(ragged_arange(p0, pn))
        t = self.types[idx]
        simple = np.flatnonzero(np.isin(t, (0, 1, 3)) & (pn == 1))
        out[simple] = parts[np.searchsorted(owner, simple)]
        for code, make in ((4, shapely.multipoints), (5, shapely.multilinestrings), (6, shapely.multipolygons)):
            sel = np.flatnonzero(t == code)
            if len(sel):
                mine = np.isin(owner, sel)
                out[sel] = make(parts[mine], indices=np.searchsorted(sel, owner[mine]))
        return out

    def keep_geometries(self, geoms: np.ndarray) -> None:
        """Remember the shapely geometries these shapes were made of (or built from them)."""
        self._geoms = np.asarray(geoms, dtype=object)

    def rings_of(self, parts: np.ndarray) -> np.ndarray:
        """Shapely lines (LINE parts) or polygons (POLYGON parts) for parts ``parts``."""
        parts = np.asarray(parts, dtype=np.int64)
        out = np.empty(len(parts), dtype=object)
        kind = self.part_kind[parts]
        r0 = self.ring_offsets[parts]
        nr = self.ring_offsets[parts + 1] - r0
        lines = np.flatnonzero(kind == LINE)
        if len(lines):
            first = self.coord_offsets[r0[lines]]
            count = self.coord_offsets[r0[lines] + 1] - first
            out[lines] = line_strings(self.coords, first, count)
        polys = np.flatnonzero(kind == POLYGON)
        if len(polys):
            rings = ragged_arange(r0[polys], nr[polys])
            first = self.coord_offsets[rings]
            count = self.coord_offsets[rings + 1] - first
            xy = self.coords[ragged_arange(first, count)]
            lr = shapely.linearrings(xy, indices=np.repeat(np.arange(len(rings)), count))
            out[polys] = shapely.polygons(lr, indices=np.repeat(np.arange(len(polys)), nr[polys]))
        pts = np.flatnonzero(kind == POINT)
        if len(pts):
            out[pts] = shapely.points(self.coords[self.coord_offsets[r0[pts]]])
        return out

    # ------------------------------------------------------------ makers
    @classmethod
    def from_geometries(cls, geoms: Sequence[object] | np.ndarray) -> Shapes:
        """Shapes of shapely geometries (which they keep, for :meth:`geometries`)."""
        geoms = np.asarray(geoms, dtype=object)
        n = len(geoms)
        types = np.full(n, -1, dtype=np.int8)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        types[ok] = shapely.get_type_id(geoms[ok])
        feat = np.flatnonzero(ok)
        parts, owner = geoms[feat], feat
        ptypes = types[feat].astype(np.int64)
        # explode multi-geometries and collections (nested ones too) into simple parts
        while np.any(ptypes >= 4):
            multi = ptypes >= 4
            sub, at = shapely.get_parts(parts[multi], return_index=True)
            keep = np.flatnonzero(~multi)
            parts = np.concatenate([parts[keep], sub])
            owner = np.concatenate([owner[keep], owner[multi][at]])
            ptypes = shapely.get_type_id(parts).astype(np.int64)
            # back into feature order, parts of one feature in their order
            pos = np.argsort(owner, kind="stable")
            parts, owner, ptypes = parts[pos], owner[pos], ptypes[pos]
        live = ~shapely.is_empty(parts) if len(parts) else np.zeros(0, dtype=bool)
        parts, owner, ptypes = parts[live], owner[live], ptypes[live]
        kind = np.where(ptypes == 0, POINT, np.where(ptypes == 3, POLYGON, LINE)).astype(np.int8)
        # rings: a polygon's exterior and holes, a line or point as itself
        polys = np.flatnonzero(kind == POLYGON)
        rings_p, ring_at = shapely.get_rings(parts[polys], return_index=True)
        others = np.flatnonzero(kind != POLYGON)
        ring_part = np.concatenate([polys[ring_at], others])
        rings = np.concatenate([rings_p, parts[others]])
        pos = np.argsort(ring_part, kind="stable")
        rings, ring_part = rings[pos], ring_part[pos]
        xy, which = shapely.get_coordinates(rings, return_index=True)
        ring_count = np.bincount(which, minlength=len(rings))
        if np.any(ring_count == 0):  # empty holes
            keep = ring_count > 0
            rings, ring_part, ring_count = rings[keep], ring_part[keep], ring_count[keep]
        shapes = cls(
            types=_empty_as_missing(types, owner),
            part_offsets=_offsets(np.bincount(owner, minlength=n)),
            part_kind=kind,
            ring_offsets=_offsets(np.bincount(ring_part, minlength=len(parts))),
            coord_offsets=_offsets(ring_count),
            coords=np.ascontiguousarray(xy, dtype=np.float64).reshape(-1, 2),
        )
        shapes.keep_geometries(geoms)
        return shapes

    @classmethod
    def from_wkb(cls, buf: bytes, starts: np.ndarray, ends: np.ndarray) -> Shapes | None:
        """Shapes of the WKB at ``buf[starts[i]:ends[i]]`` (empty span: missing), or None.

        None when some geometry is not little-endian 2D point, line, polygon
        or multi-geometry of them, or is nested too deeply for a numpy walk
        to pay: the caller then builds shapely geometries instead.
        """
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        try:
            return cls._parse(buf, starts, ends)
        except IndexError:  # a count pointing past the data
            return None

    @classmethod
    def _parse(cls, buf: bytes, starts: np.ndarray, ends: np.ndarray) -> Shapes | None:
        n = len(starts)
        b = np.frombuffer(buf, dtype=np.uint8)
        size = len(b)
        present = ends - starts >= 5
        if np.any((ends - starts > 0) & ~present) or np.any(ends > size):
            return None
        feat = np.flatnonzero(present)
        s = starts[feat]
        if np.any(b[s] != 1):
            return None
        code = _u32(b, s + 1)
        if not np.all(np.isin(code, (1, 2, 3, 4, 5, 6))):
            return None
        if len(feat) and np.all(code == 1) and np.all(ends[feat] - s == 21):
            points = cls._points(buf, n, feat, s, starts, ends)
            if points is not None:
                return points
        if len(feat) and (np.all(code == 3) or np.all(code == 6)):
            polygons = cls._one_ring_polygons(b, buf, n, feat, s, starts, ends, multi=bool(code[0] == 6))
            if polygons is not None:
                return polygons
        multi = code >= 4
        nparts = np.ones(len(feat), dtype=np.int64)
        cur = s.copy()
        if multi.any():
            if np.any(s[multi] + 9 > ends[feat[multi]]):
                return None
            nparts[multi] = _u32(b, s[multi] + 5)
            cur[multi] = s[multi] + 9
        simple_code = np.where(multi, code - 3, code)  # 1 point, 2 line, 3 polygon
        if len(nparts) and int(nparts.max()) > MAX_PASSES:
            return None

        # walk the parts, one pass per part index; then each polygon's rings
        part_owner, part_k, part_pos, part_code = [], [], [], []
        active = np.flatnonzero(nparts > 0)
        k = 0
        passes = 0
        limit = ends[feat]
        while len(active):
            pos = cur[active]
            if np.any(pos + 5 > limit[active]) or np.any(b[pos] != 1):
                return None
            if np.any(multi[active]):
                sub = _u32(b, pos[multi[active]] + 1)
                if np.any(sub != simple_code[active][multi[active]]):
                    return None
            pc = simple_code[active]
            end = np.empty(len(active), dtype=np.int64)
            end[pc == 1] = pos[pc == 1] + 21
            ln = pc == 2
            end[ln] = pos[ln] + 9 + 16 * _u32(b, pos[ln] + 5)
            pg = np.flatnonzero(pc == 3)
            if len(pg):
                # a polygon's end is known only after its rings: walk them here
                p_end, used = _polygon_ends(b, pos[pg], limit[active[pg]])
                if p_end is None:
                    return None
                passes += used
                end[pg] = p_end
            part_owner.append(feat[active])
            part_k.append(np.full(len(active), k, dtype=np.int64))
            part_pos.append(pos)
            part_code.append(pc)
            cur[active] = end
            k += 1
            passes += 1
            if passes > MAX_PASSES:
                return None
            active = active[nparts[active] > k]
        if len(feat) and np.any(cur > limit):
            return None

        owner = np.concatenate(part_owner) if part_owner else np.empty(0, np.int64)
        kk = np.concatenate(part_k) if part_k else np.empty(0, np.int64)
        ppos = np.concatenate(part_pos) if part_pos else np.empty(0, np.int64)
        pcode = np.concatenate(part_code) if part_code else np.empty(0, np.int64)
        order = np.lexsort((kk, owner))
        owner, ppos, pcode = owner[order], ppos[order], pcode[order]

        # rings: (part, where its coordinates start, how many)
        ring_part_l, ring_at_l, ring_n_l = [], [], []
        single = np.flatnonzero(pcode != 3)
        if len(single):
            is_pt = pcode[single] == 1
            at = np.where(is_pt, ppos[single] + 5, ppos[single] + 9)
            cnt = np.where(is_pt, 1, _u32(b, ppos[single] + 5) if len(single) else 0)
            ring_part_l.append(single)
            ring_at_l.append(at)
            ring_n_l.append(np.asarray(cnt, dtype=np.int64))
        pg = np.flatnonzero(pcode == 3)
        if len(pg):
            r_part, r_at, r_n = _polygon_rings(b, ppos[pg])
            ring_part_l.append(pg[r_part])
            ring_at_l.append(r_at)
            ring_n_l.append(r_n)
        ring_part = np.concatenate(ring_part_l) if ring_part_l else np.empty(0, np.int64)
        ring_at = np.concatenate(ring_at_l) if ring_at_l else np.empty(0, np.int64)
        ring_n = np.concatenate(ring_n_l) if ring_n_l else np.empty(0, np.int64)
        o = np.argsort(ring_part, kind="stable")
        ring_part, ring_at, ring_n = ring_part[o], ring_at[o], ring_n[o]

        coords = gather_xy(buf, ring_at, ring_n)
        # POINT EMPTY is NaN NaN
        pt_rings = np.flatnonzero(pcode[ring_part] == 1)
        if len(pt_rings):
            first = np.cumsum(ring_n) - ring_n
            empty = np.isnan(coords[first[pt_rings], 0]) & np.isnan(coords[first[pt_rings], 1])
            if empty.any():
                drop = np.zeros(len(coords), dtype=bool)
                drop[first[pt_rings[empty]]] = True
                coords = coords[~drop]
                ring_n = ring_n.copy()
                ring_n[pt_rings[empty]] = 0
        # leave out empty rings, then parts with no rings
        live = ring_n > 0
        ring_part, ring_n = ring_part[live], ring_n[live]
        part_rings = np.bincount(ring_part, minlength=len(owner))
        keep = part_rings > 0
        owner, pcode, part_rings = owner[keep], pcode[keep], part_rings[keep]
        types = np.full(n, -1, dtype=np.int8)
        types[feat] = _WKB_TO_SHAPELY[code]
        kind = np.array([0, POINT, LINE, POLYGON], dtype=np.int8)[pcode]
        if not _rings_sound(coords, np.repeat(kind, part_rings), ring_n):
            return None
        return cls(
            types=_empty_as_missing(types, owner),
            part_offsets=_offsets(np.bincount(owner, minlength=n)),
            part_kind=kind,
            ring_offsets=_offsets(part_rings),
            coord_offsets=_offsets(ring_n),
            coords=coords,
            _wkb=(buf, starts, ends),
        )

    @classmethod
    def _points(
        cls, buf: bytes, n: int, feat: np.ndarray, s: np.ndarray, starts: np.ndarray, ends: np.ndarray
    ) -> Shapes | None:
        """A layer of plain points (``feat`` present, at ``s``): one gather; None if any is empty."""
        if len(s) > 1 and np.all(np.diff(s) == 21):
            # back to back, as GDAL hands them over: a strided view reads them
            view = np.ndarray((len(s), 2), dtype="<f8", buffer=buf, offset=int(s[0]) + 5, strides=(21, 8))
            coords = view.astype(np.float64)
        else:
            coords = gather_xy(buf, s + 5, np.ones(len(feat), dtype=np.int64))
        if np.any(np.isnan(coords[:, 0]) & np.isnan(coords[:, 1])):
            return None  # POINT EMPTY: the general walk leaves it out
        one = np.ones(len(feat), dtype=np.int64)
        return cls._one_part_each(n, feat, _WKB_TO_SHAPELY[1], POINT, one, coords, (buf, starts, ends))

    @classmethod
    def _one_ring_polygons(
        cls, b: np.ndarray, buf: bytes, n: int, feat: np.ndarray, s: np.ndarray, starts: np.ndarray,
        ends: np.ndarray, multi: bool,
    ) -> Shapes | None:
        """Polygons without holes, or multi-polygons of one such each (``feat`` present, at ``s``).

        Storage areas, villages, parcels: read with a few integers per
        feature instead of the general walk's passes. None when any is
        otherwise: the walk then reads them.
        """
        at = s
        limit = ends[feat]
        if multi:  # one part each, itself a little-endian polygon
            if np.any(s + 22 > limit) or np.any(_u32(b, s + 5) != 1) or np.any(b[s + 9] != 1):
                return None
            if np.any(_u32(b, s + 10) != 3):
                return None
            at = s + 9
        elif np.any(s + 13 > limit):
            return None
        if np.any(_u32(b, at + 5) != 1):
            return None
        npts = _u32(b, at + 9)
        if np.any(npts == 0) or np.any(at + 13 + 16 * npts != limit):
            return None
        coords = gather_xy(buf, at + 13, npts)
        if not _rings_sound(coords, np.full(len(npts), POLYGON, dtype=np.int8), npts):
            return None
        return cls._one_part_each(n, feat, _WKB_TO_SHAPELY[6 if multi else 3], POLYGON, npts, coords, (buf, starts, ends))

    @classmethod
    def _one_part_each(
        cls, n: int, feat: np.ndarray, type_id: int, kind: int, npts: np.ndarray, coords: np.ndarray,
        wkb: tuple[bytes, np.ndarray, np.ndarray],
    ) -> Shapes:
        """Features ``feat`` of one part of one ring (``npts`` coordinates) each, the rest missing."""
        per_feature = np.zeros(n, dtype=np.int64)
        per_feature[feat] = 1
        types = np.full(n, -1, dtype=np.int8)
        types[feat] = type_id
        return cls(
            types=types,
            part_offsets=_offsets(per_feature),
            part_kind=np.full(len(feat), kind, dtype=np.int8),
            ring_offsets=_offsets(np.ones(len(feat), dtype=np.int64)),
            coord_offsets=_offsets(npts),
            coords=coords,
            _wkb=wkb,
        )

    @classmethod
    def from_wkb_array(cls, wkbs: Sequence[bytes | None]) -> Shapes:
        """Shapes of a sequence of WKB (None: missing); shapely parses what numpy cannot."""
        n = len(wkbs)
        lens = np.fromiter((0 if w is None else len(w) for w in wkbs), dtype=np.int64, count=n)
        buf = b"".join(w for w in wkbs if w)
        ends = np.cumsum(lens)
        starts = ends - lens
        shapes = cls.from_wkb(buf, starts, ends)
        if shapes is None:
            arr = np.empty(n, dtype=object)
            arr[:] = list(wkbs)
            shapes = cls.from_geometries(shapely.from_wkb(arr))
        return shapes


def decode_wkb(wkbs: Sequence[bytes | None] | np.ndarray, bad: dict[int, str] | None = None) -> np.ndarray:
    """Shapely geometries of WKB (None: missing), every readable one even if some are not.

    With ``bad`` given, a WKB that GEOS cannot read (cut short, a ring
    that does not close…) comes back as None and ``bad[i]`` says what is
    wrong with it; without, the first such WKB raises, as ``shapely.from_wkb`` does.
    One damaged feature must not make a whole layer unreadable.
    """
    arr = np.empty(len(wkbs), dtype=object)
    arr[:] = list(wkbs)
    if bad is None:
        return shapely.from_wkb(arr)
    geoms = shapely.from_wkb(arr, on_invalid="ignore")
    given = np.fromiter((w is not None for w in arr), dtype=bool, count=len(arr))
    for i in np.flatnonzero(given & shapely.is_missing(geoms)).tolist():
        bad[i] = wkb_problem(arr[i])
    return geoms


def wkb_problem(wkb: bytes) -> str:
    """What is wrong with a WKB that GEOS refuses, in words an officer can pass on."""
    try:
        shapely.from_wkb(wkb)
    except Exception as exc:  # noqa: BLE001 - GEOS's message is the detail we report
        detail = str(exc).split(": ", 1)[-1]
    else:  # pragma: no cover - only called for WKB that failed
        return "unreadable geometry"
    low = detail.lower()
    if "smaller than requested" in low or "eof" in low or len(wkb) < 9:
        what = "the geometry is cut short (truncated WKB)"
    elif "closed linestring" in low:
        what = "a polygon ring does not close"
    elif "number of points" in low or "elements" in low:
        what = "a ring or line has too few points"
    elif "unknown wkb type" in low or "type" in low:
        what = "unknown geometry type"
    else:
        what = "unreadable geometry"
    return f"{what} ({detail})"


def gpkg_wkb(
    blobs: Sequence[bytes | None], bad: dict[int, str] | None = None
) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    """(joined bytes, WKB starts, WKB ends, flagged empty) of GeoPackage geometry blobs.

    Headers are read for all blobs at once; a NULL blob gets an empty span.
    A blob that is not a GeoPackage geometry raises ValueError, or, with
    ``bad`` given, gets an empty span and ``bad[i]`` says why.
    """
    n = len(blobs)
    try:
        lens = np.fromiter(map(len, blobs), dtype=np.int64, count=n)
        joined = b"".join(blobs)  # type: ignore[arg-type]
    except TypeError:  # some are NULL
        lens = np.fromiter((0 if b is None else len(b) for b in blobs), dtype=np.int64, count=n)
        joined = b"".join(b for b in blobs if b)
    ends = np.cumsum(lens)
    starts = ends - lens
    empty = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(lens > 0)
    if not len(idx):
        return joined, starts, starts.copy(), empty
    buf = np.frombuffer(joined, dtype=np.uint8)
    s = starts[idx]
    short = lens[idx] < 8
    not_gp = short.copy()
    flags = np.zeros(len(idx), dtype=np.uint8)
    long_ = np.flatnonzero(~short)
    if len(long_):  # a short blob's header is not read
        h = s[long_]
        not_gp[long_] = (buf[h] != ord("G")) | (buf[h + 1] != ord("P"))
        flags[long_] = buf[h + 3]
    env = _ENVELOPES[(flags >> 1) & 0b111]
    unread = not_gp | (env < 0) | (~not_gp & (8 + env > lens[idx]))
    if unread.any():
        if bad is None:
            if not_gp.any():
                raise ValueError("not a GeoPackage geometry blob")
            if np.any(env < 0):
                raise ValueError(f"bad GeoPackage envelope code {int((flags[env < 0][0] >> 1) & 0b111)}")
            raise ValueError("GeoPackage geometry blob shorter than its header")
        for j in np.flatnonzero(unread).tolist():
            i = int(idx[j])
            if not_gp[j] and short[j] and blobs[i][:2] == b"GP"[: len(blobs[i][:2])]:  # type: ignore[index]
                bad[i] = f"the geometry is cut short ({int(lens[i])} bytes, not even its GeoPackage header)"
            elif not_gp[j]:
                bad[i] = f"not a GeoPackage geometry ({int(lens[i])} bytes, no GP header)"
            elif env[j] < 0:
                bad[i] = f"bad GeoPackage envelope code {int((flags[j] >> 1) & 0b111)}"
            else:
                bad[i] = "the geometry is cut short (GeoPackage header without its WKB)"
        env = np.where(unread, 0, env)
    w_start = starts.copy()
    w_start[idx] = np.where(unread, s, s + 8 + env)
    w_end = np.where(lens > 0, ends, starts)
    w_end[idx[unread]] = s[unread]
    empty[idx] = ((flags & 0b10000) != 0) & ~unread
    return joined, w_start, w_end, empty


# ---------------------------------------------------------------- helpers
def line_strings(coords: np.ndarray, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Shapely LineStrings of the coordinate runs ``coords[first:first + count]``."""
    xy = coords[ragged_arange(first, count)]
    return shapely.linestrings(xy, indices=np.repeat(np.arange(len(first)), count))


def run_bounds(coords: np.ndarray, start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """(minx, miny, maxx, maxy) of each run ``coords[start:start + count]`` (runs may overlap; NaN skipped)."""
    out = np.empty((len(start), 4))
    if not len(start):
        return out
    empty = count == 0
    if empty.any():  # no coordinates, no box
        out[empty] = np.nan
        out[~empty] = run_bounds(coords, start[~empty], count[~empty])
        return out
    if bool(np.all(count == 1)):  # points: each box is its point
        out[:, :2] = out[:, 2:] = coords[start]
        return out
    # one reduceat over consecutive runs; overlapping or unordered runs are read through a copy
    keep: slice = slice(None)
    if len(start) < 2 or bool(np.all(start[1:] >= start[:-1] + count[:-1])):
        src = coords
        if len(start) < 2 or bool(np.all(start[1:] == start[:-1] + count[:-1])):
            at = start  # back to back (a layer's parts): nothing between them to step over
            src = coords[: int(start[-1] + count[-1])]
        else:
            # even slots: the runs; odd slots: the gaps between them (ignored)
            at = np.empty(2 * len(start), dtype=np.int64)
            at[0::2] = start
            at[1::2] = start + count
            if at[-1] >= len(coords):
                at = at[:-1]  # the last run reaches the end
            keep = slice(0, None, 2)
    else:
        src = coords[ragged_arange(start, count)]
        at = np.cumsum(count) - count
    # minimum/maximum are several times quicker than the NaN-skipping fmin/fmax;
    # the runs they leave NaN (an empty point among them) are done again the slow way
    lo = np.minimum.reduceat(src, at, axis=0)[keep]
    hi = np.maximum.reduceat(src, at, axis=0)[keep]
    nan = np.flatnonzero(np.isnan(lo).any(axis=1) | np.isnan(hi).any(axis=1))
    if len(nan):
        xy = coords[ragged_arange(start[nan], count[nan])]
        first = np.cumsum(count[nan]) - count[nan]
        lo[nan] = np.fmin.reduceat(xy, first, axis=0)
        hi[nan] = np.fmax.reduceat(xy, first, axis=0)
    out[:, :2] = lo
    out[:, 2:] = hi
    return out


def _rings_sound(coords: np.ndarray, ring_kind: np.ndarray, ring_n: np.ndarray) -> bool:
    """Whether every line has two points and every polygon ring four and closes, as GEOS demands.

    The numpy walk reads such WKB happily; GEOS refuses it when a shapely
    geometry is built later (identify, export). Saying no here sends the
    layer to the careful path, which names the feature.
    """
    if not len(ring_n):
        return True
    if np.any((ring_kind == LINE) & (ring_n < 2)):
        return False
    poly = np.flatnonzero(ring_kind == POLYGON)
    if not len(poly):
        return True
    if np.any(ring_n[poly] < 4):
        return False
    first = (np.cumsum(ring_n) - ring_n)[poly]
    a, b = coords[first], coords[first + ring_n[poly] - 1]
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    return bool(np.all(same))


def ragged_arange(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ranges ``starts[i] .. starts[i] + counts[i]``."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    shift = np.repeat(np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts), counts)
    return np.arange(total, dtype=np.int64) + shift


def _offsets(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _empty_as_missing(types: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Type -1 for features left with no part."""
    has = np.zeros(len(types), dtype=bool)
    has[owner] = True
    out = types.copy()
    out[~has] = -1
    return out


def _u32(b: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Little-endian uint32 at every byte position ``pos``."""
    pos = np.asarray(pos, dtype=np.int64)
    return (
        b[pos].astype(np.int64)
        | (b[pos + 1].astype(np.int64) << 8)
        | (b[pos + 2].astype(np.int64) << 16)
        | (b[pos + 3].astype(np.int64) << 24)
    )


def _polygon_ends(b: np.ndarray, pos: np.ndarray, limit: np.ndarray) -> tuple[np.ndarray | None, int]:
    """Byte after each polygon at ``pos``, and the passes taken (None if malformed)."""
    nr = _u32(b, pos + 5)
    cur = pos + 9
    active = np.flatnonzero(nr > 0)
    j = 0
    while len(active):
        at = cur[active]
        if np.any(at + 4 > limit[active]):
            return None, j
        cur[active] = at + 4 + 16 * _u32(b, at)
        j += 1
        if j > MAX_PASSES:
            return None, j
        active = active[nr[active] > j]
    if np.any(cur > limit):
        return None, j
    return cur, j


def _polygon_rings(b: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(polygon index, coordinate byte position, point count) of every ring, ring order within a polygon."""
    nr = _u32(b, pos + 5)
    cur = pos + 9
    owner, at_l, n_l, j_l = [], [], [], []
    active = np.flatnonzero(nr > 0)
    j = 0
    while len(active):
        at = cur[active]
        cnt = _u32(b, at)
        owner.append(active)
        at_l.append(at + 4)
        n_l.append(cnt)
        j_l.append(np.full(len(active), j))
        cur[active] = at + 4 + 16 * cnt
        j += 1
        active = active[nr[active] > j]
    if not owner:
        e = np.empty(0, dtype=np.int64)
        return e, e, e
    o = np.concatenate(owner)
    order = np.lexsort((np.concatenate(j_l), o))
    return o[order], np.concatenate(at_l)[order], np.concatenate(n_l)[order]


def gather_xy(buf: bytes, at: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The ``count[i]`` coordinate pairs (little-endian doubles) at byte ``at[i]``, concatenated.

    A pair is read as one opaque 16-byte item: half the index arithmetic
    of reading two floats, and none of numpy's slow unaligned-float paths.
    Runs are grouped by their byte offset modulo 16 so each group reads
    through one view of the buffer.
    """
    total = int(count.sum())
    out = np.empty(total, dtype="V16")
    if total == 0:
        return np.empty((0, 2), dtype=np.float64)
    dest = np.cumsum(count) - count  # first pair of each run in ``out``
    align = at % 16
    groups = np.unique(align).tolist()
    for r in groups:
        sel = np.flatnonzero(align == r) if len(groups) > 1 else slice(None)
        view = np.frombuffer(buf, dtype="V16", count=(len(buf) - r) // 16, offset=r)
        src = ragged_arange((at[sel] - r) // 16, count[sel])
        if len(groups) == 1:
            np.take(view, src, out=out)
        else:
            out[ragged_arange(dest[sel], count[sel])] = np.take(view, src)
    return out.view("<f8").astype(np.float64, copy=False).reshape(-1, 2)
