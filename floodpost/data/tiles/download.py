"""A polite tile downloader: the only network access in FloodPost, and only when the user asks.

:func:`estimate` samples a few tiles to say how big a job is; :func:`download_tiles`
fetches an area into an MBTiles file with a rate limit, retries, resume and
cancel, from a tile server the post is licensed to cache.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from floodpost.data.store.mbtiles import MBTilesWriter, metadata_bounds, metadata_int
from floodpost.data.tiles.maths import (
    DEFAULT_TILE_BYTES,
    DEFAULT_USER_AGENT,
    MAX_TILES,
    Bbox,
    Progress,
    TileDownloadError,
    TileJobTooLarge,
    _check_zooms,
    check_bbox,
    count_tiles,
    flip_y,
    tile_format,
    tile_range,
    tiles_for_bbox,
)

# ------------------------------------------------------------------ URL templates
_PLACEHOLDERS = ("{z}", "{x}", "{y}", "{-y}", "{s}")


def check_template(url_template: str) -> str:
    """The template, stripped, if it is an http(s) URL with {z}, {x} and {y} or {-y}."""
    url = url_template.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise TileDownloadError(f"tile URL must start with http:// or https://; got {url!r}")
    if "{z}" not in url or "{x}" not in url or ("{y}" not in url and "{-y}" not in url):
        raise TileDownloadError(f"tile URL needs {{z}}, {{x}} and {{y}} (or {{-y}}); got {url!r}")
    rest = url
    for p in _PLACEHOLDERS:
        rest = rest.replace(p, "")
    if "{" in rest or "}" in rest:
        raise TileDownloadError(
            f"tile URL has an unknown {{placeholder}}; known: {', '.join(_PLACEHOLDERS)}"
        )
    return url


def tile_url(
    url_template: str, z: int, x: int, y: int, subdomains: Sequence[str] | str = "abc"
) -> str:
    """The URL of XYZ tile ``(z, x, y)``; ``{-y}`` is the TMS row, ``{s}`` a subdomain."""
    url = url_template.replace("{z}", str(z)).replace("{x}", str(x))
    url = url.replace("{-y}", str(flip_y(z, y))).replace("{y}", str(y))
    if "{s}" in url:
        subs = list(subdomains) or ["a"]
        url = url.replace("{s}", subs[(x + y) % len(subs)])
    return url


# ------------------------------------------------------------------ HTTP
class _TokenBucket:
    """At most ``rate`` requests a second on average, in bursts of at most ``burst``."""

    def __init__(self, rate: float, burst: float = 1.0) -> None:
        if not rate > 0:
            raise ValueError(f"rate_limit must be above 0 requests/s; got {rate}")
        self.rate = float(rate)
        self.burst = max(1.0, float(burst))
        self._tokens = self.burst
        self._last = time.monotonic()

    def delay(self) -> float:
        """Seconds to wait before the next request may go (0 if it may go now)."""
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def take(self) -> None:
        self._tokens -= 1.0


@dataclass
class _Fetch:
    status: int  # 200 with data, 404 missing, other codes: failed
    data: bytes | None = None
    error: str = ""


class _Client:
    """One polite HTTP client: rate limit, retries with back-off, cancellable waits."""

    def __init__(
        self,
        *,
        rate_limit: float,
        user_agent: str,
        timeout: float,
        retries: int,
        backoff: float,
        headers: dict[str, str] | None,
        cancelled: Callable[[], bool],
    ) -> None:
        self.bucket = _TokenBucket(rate_limit)
        self.headers = {
            "User-Agent": user_agent,
            "Accept": "image/png,image/jpeg,image/webp,image/*;q=0.8",
        }
        self.headers.update(headers or {})
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.cancelled = cancelled
        self.requests = 0

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds`` in short steps; False if cancelled meanwhile."""
        end = time.monotonic() + seconds
        while True:
            if self.cancelled():
                return False
            left = end - time.monotonic()
            if left <= 0:
                return True
            time.sleep(min(left, 0.2))

    def _throttle(self) -> bool:
        while (d := self.bucket.delay()) > 0:
            if not self.wait(d):
                return False
        self.bucket.take()
        return True

    def get(self, url: str) -> _Fetch | None:
        """The tile at ``url``, or None if cancelled while waiting."""
        last = _Fetch(0, error="no attempt")
        for attempt in range(self.retries + 1):
            if not self._throttle():
                return None
            self.requests += 1
            retry_after: float | None = None
            try:
                req = urllib.request.Request(url, headers=self.headers)
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - user's URL
                    data = resp.read()
                if not data:
                    return _Fetch(404)
                return _Fetch(200, data)
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code in (404, 410, 204):
                    return _Fetch(404)
                if exc.code in (401, 403):
                    raise TileDownloadError(
                        f"the tile server refused access (HTTP {exc.code}) at {url}; "
                        "check the key/token and that the post may cache these tiles"
                    ) from None
                last = _Fetch(exc.code, error=f"HTTP {exc.code}")
                if exc.code != 429 and exc.code < 500:
                    return last
                retry_after = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                last = _Fetch(0, error=str(reason))
            if attempt < self.retries:
                pause = retry_after if retry_after is not None else self.backoff * 2**attempt
                if not self.wait(min(pause, 60.0)):
                    return None
        return last


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own back-off


# ------------------------------------------------------------------ estimate and download
@dataclass
class TileEstimate:
    """What a job would fetch: ``tiles`` and about ``bytes`` (``sampled`` tiles measured)."""

    tiles: int
    bytes: int
    tile_bytes: int
    sampled: int

    @property
    def too_large(self) -> bool:
        return self.tiles > MAX_TILES


@dataclass
class DownloadResult:
    """How a download ended; ``done`` counts every tile of the job dealt with."""

    path: Path
    total: int
    fetched: int = 0
    skipped: int = 0
    missing: int = 0
    failed: int = 0
    bytes: int = 0
    requests: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.skipped + self.fetched + self.missing + self.failed

    @property
    def complete(self) -> bool:
        return not self.cancelled and self.failed == 0 and self.done == self.total


def _sample_tiles(bbox: Bbox, zmax: int, n: int) -> list[tuple[int, int, int]]:
    """Up to ``n`` tiles spread over the deepest zoom, which holds most of the job."""
    x0, y0, x1, y1 = tile_range(bbox, zmax)
    spots = [
        (0.5, 0.5),
        (0.25, 0.25),
        (0.75, 0.75),
        (0.25, 0.75),
        (0.75, 0.25),
        (0.0, 0.0),
        (1.0, 1.0),
    ]
    out: list[tuple[int, int, int]] = []
    for fx, fy in spots:
        t = (zmax, x0 + round((x1 - x0) * fx), y0 + round((y1 - y0) * fy))
        if t not in out:
            out.append(t)
        if len(out) >= n:
            break
    return out


def estimate(
    url_template: str,
    bbox: Sequence[float],
    zmin: int,
    zmax: int,
    *,
    sample: int = 5,
    subdomains: Sequence[str] | str = "abc",
    rate_limit: float = 4.0,
    user_agent: str = DEFAULT_USER_AGENT,
    timeout: float = 10.0,
    headers: dict[str, str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> TileEstimate:
    """Tile count and expected size of a job, before it starts.

    Fetches up to ``sample`` tiles (at most 5, spread over the deepest zoom)
    to measure the average tile size; with ``sample=0`` or when none can be
    fetched, assumes :data:`DEFAULT_TILE_BYTES` per tile and touches no
    network at all. ``cancelled()`` returning true stops the sampling early.
    """
    box = check_bbox(bbox)
    tiles = count_tiles(box, zmin, zmax)
    sizes: list[int] = []
    if sample > 0:
        url = check_template(url_template)
        client = _Client(
            rate_limit=rate_limit,
            user_agent=user_agent,
            timeout=timeout,
            retries=0,
            backoff=0.0,
            headers=headers,
            cancelled=cancelled or (lambda: False),
        )
        for z, x, y in _sample_tiles(box, zmax, min(int(sample), 5)):
            if client.cancelled():
                break
            got = client.get(tile_url(url, z, x, y, subdomains))
            if got is not None and got.status == 200 and got.data and tile_format(got.data):
                sizes.append(len(got.data))
    per_tile = round(sum(sizes) / len(sizes)) if sizes else DEFAULT_TILE_BYTES
    return TileEstimate(
        tiles=tiles, bytes=tiles * per_tile, tile_bytes=per_tile, sampled=len(sizes)
    )


def _merge_metadata(
    writer: MBTilesWriter,
    name: str | None,
    box: Bbox,
    zmin: int,
    zmax: int,
    attribution: str | None,
) -> None:
    """Metadata covering this job and whatever the file held before (a resume may widen it)."""
    md = writer.metadata
    old = metadata_bounds(md.get("bounds"))
    if old is not None:
        box = (min(box[0], old[0]), min(box[1], old[1]), max(box[2], old[2]), max(box[3], old[3]))
    lo, hi = metadata_int(md.get("minzoom")), metadata_int(md.get("maxzoom"))
    zmin = min(zmin, lo) if lo is not None else zmin
    zmax = max(zmax, hi) if hi is not None else zmax
    cz = min(max((zmin + zmax) // 2, zmin), zmax)
    writer.set_metadata(
        name=name or md.get("name") or writer.path.stem,
        type=md.get("type") or "baselayer",
        version=md.get("version") or "1.0",
        description=md.get("description") or "Offline tile cache prepared by FloodPost",
        bounds=",".join(f"{v:.6f}" for v in box),
        center=f"{(box[0] + box[2]) / 2:.6f},{(box[1] + box[3]) / 2:.6f},{cz}",
        minzoom=zmin,
        maxzoom=zmax,
    )
    if attribution:
        writer.set_metadata(attribution=attribution)


def download_tiles(
    url_template: str,
    bbox: Sequence[float],
    zmin: int,
    zmax: int,
    out_path: str | Path,
    *,
    rate_limit: float = 4.0,
    progress: Progress | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    timeout: float = 20.0,
    retries: int = 3,
    backoff: float = 1.0,
    subdomains: Sequence[str] | str = "abc",
    headers: dict[str, str] | None = None,
    name: str | None = None,
    attribution: str | None = None,
    force: bool = False,
    max_tiles: int = MAX_TILES,
    batch: int = 50,
) -> DownloadResult:
    """Fetch every tile of ``bbox`` for zooms ``zmin``–``zmax`` into the MBTiles file ``out_path``.

    Only for tile sources the post is licensed to cache (its own server,
    天地图 with its token); public OpenStreetMap tiles forbid bulk download.

    Parameters
    ----------
    url_template
        ``https://host/{z}/{x}/{y}.png``; ``{-y}`` for TMS rows, ``{s}`` for
        one of ``subdomains`` (chosen by tile so caches stay warm).
    rate_limit
        Requests per second on average, retries included.
    progress
        Called as ``progress(done, total)`` after every tile and while
        waiting; returning ``False`` cancels: what was fetched is committed
        and kept, and the result has ``cancelled=True``.
    retries, backoff
        HTTP 429 and 5xx answers and network errors are retried up to
        ``retries`` times, waiting ``backoff * 2**attempt`` seconds (or the
        server's Retry-After). 404 marks the tile missing; 401/403 stop the
        job with :class:`TileDownloadError`.
    force, max_tiles
        Jobs above ``max_tiles`` raise :class:`TileJobTooLarge` before any
        request unless ``force`` is true.

    Returns
    -------
    DownloadResult
        Counts of fetched, skipped (already in the file), missing and failed
        tiles. Running again with the same arguments resumes: tiles already
        stored, or known missing, are not requested again.
    """
    url = check_template(url_template)
    box = check_bbox(bbox)
    zmin, zmax = _check_zooms(zmin, zmax)
    total = count_tiles(box, zmin, zmax)
    if total > max_tiles and not force:
        raise TileJobTooLarge(total, max_tiles, zmin, zmax)
    started = time.monotonic()
    result = DownloadResult(path=Path(out_path), total=total)
    state = {"stop": False}

    def report() -> bool:
        if state["stop"]:
            return False
        if progress is not None and progress(result.done, total) is False:
            state["stop"] = True
        return not state["stop"]

    writer = MBTilesWriter(out_path)
    client = _Client(
        rate_limit=rate_limit,
        user_agent=user_agent,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        headers=headers,
        cancelled=lambda: not report(),
    )
    try:
        _merge_metadata(writer, name, box, zmin, zmax, attribution)
        writer.commit()
        known = writer.known(zmin, zmax)
        fmt = writer.metadata.get("format")
        pending = 0
        not_images = 0
        report()
        for z, x, y in tiles_for_bbox(box, zmin, zmax):
            if (z, x, y) in known:
                result.skipped += 1
                continue
            if state["stop"]:
                break
            got = client.get(tile_url(url, z, x, y, subdomains))
            if got is None:
                break
            if got.status == 200 and got.data is not None:
                kind = tile_format(got.data)
                if kind is None:
                    not_images += 1
                    result.failed += 1
                    result.errors.append(f"{z}/{x}/{y}: not a PNG, JPEG or WebP image")
                    if not_images >= 3 and result.fetched == 0:
                        snippet = got.data[:80].decode("utf-8", "replace")
                        raise TileDownloadError(
                            f"the server answers with something that is not a tile image: {snippet!r}"
                        )
                else:
                    if fmt is None:
                        fmt = kind
                        writer.set_metadata(format=kind)
                    writer.put(z, x, y, got.data)
                    result.fetched += 1
                    result.bytes += len(got.data)
                    pending += 1
            elif got.status == 404:
                writer.put_missing(z, x, y)
                result.missing += 1
                pending += 1
            else:
                result.failed += 1
                result.errors.append(f"{z}/{x}/{y}: {got.error}")
            if pending >= batch:
                writer.commit()
                pending = 0
            if not report():
                break
        result.cancelled = state["stop"]
    finally:
        result.requests = client.requests
        result.seconds = time.monotonic() - started
        writer.close()
    if progress is not None and not result.cancelled:
        progress(result.done, total)
    return result
