"""The one place that knows where shipped assets live.

From a checkout the assets sit in ``<repo>/assets``; a non-editable install
puts the same folder inside the package as ``floodpost/assets``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def asset_root() -> Path:
    """Return the folder that holds the shipped assets."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "assets", here.parent / "assets"):
        if (candidate / "boundaries").is_dir():
            return candidate
    raise FileNotFoundError(
        f"FloodPost assets not found next to {here}; reinstall the package"
    )


def asset_path(*parts: str) -> Path:
    """Return the path of one asset, failing with its name if it is missing."""
    path = asset_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing FloodPost asset: {'/'.join(parts)}")
    return path
