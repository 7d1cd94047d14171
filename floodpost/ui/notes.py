"""Data-layer sentences (:class:`~floodpost.data.notes.Note`) in the interface language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from floodpost.data.notes import Note


def tr_note(note: object, context: str) -> str:
    """Look the note's template up in ``context`` and fill its values (translated too)."""
    if not isinstance(note, Note):
        return str(note)
    values = {k: tr_note(v, context) for k, v in note.values.items()}
    text = QCoreApplication.translate(context, note.template)
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return str(note)
