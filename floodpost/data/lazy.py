"""Modules imported on first use.

pandas takes a third of a second to import, and ``floodpost info --at`` on a
kept fold never needs it: the modules that use it here and there name it
through :func:`module`, so only the paths that need it pay for it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _Lazy(ModuleType):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_lazy_module"] = None

    def __getattr__(self, attr: str) -> Any:
        mod = self.__dict__["_lazy_module"]
        if mod is None:
            mod = self.__dict__["_lazy_module"] = importlib.import_module(self.__name__)
        return getattr(mod, attr)


def module(name: str) -> Any:
    """``name`` imported when one of its attributes is first read (at once if it already is)."""
    import sys

    return sys.modules.get(name) or _Lazy(name)
