"""Sentences the data layer says to people, translatable by the GUI.

``floodpost/data`` never imports Qt, so it cannot call ``tr()``. A
:class:`Note` is the English sentence (what the CLI prints) that also keeps
its template and values, so the GUI can look the template up in the
translation and fill the same values in.
"""

from __future__ import annotations

from typing import Any


class Note(str):
    """An English sentence that remembers its template and values."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Note:
        obj = super().__new__(cls, template.format(**values))
        obj.template = template
        obj.values = values
        return obj
