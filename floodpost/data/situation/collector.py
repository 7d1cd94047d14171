"""Python's cyclic collector while a fold is made: out of the way.

A season's fold is a few hundred thousand small objects made in a second.
The collector's passes over the young ones found nothing to free (the fold
holds no cycles) and, with the window's objects, took 90-100 ms of a cold
open.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0  # builds under way (two workspaces' folds may be built at once)
_was_enabled = False


@contextmanager
def building() -> Iterator[None]:
    """No cyclic collection while a fold is built or loaded, and what was made moved out of the
    collector's sight at the end, before it runs again (else its first young pass walks the whole new
    fold: 40 ms). The fold lives as long as the workspace is open; every full collection walked its few
    hundred thousand objects, 100-150 ms several times a minute while the slider moved. They are still
    freed by their reference counts when the fold is dropped (it holds no cycles of its own).
    Nested and from two threads alike, the collector runs again when the last build ends."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0:
                gc.freeze()
                if _was_enabled:
                    gc.enable()
