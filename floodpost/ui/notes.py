"""Data-layer sentences (:class:`~floodpost.data.notes.Note`) in the interface language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from floodpost.data.notes import Note

#: The translation contexts data-layer sentences are kept under; a sentence
#: carried from one module into another's message (a validation reason inside
#: an import refusal) is found in whichever holds it.
DATA_CONTEXTS = ("tally", "intake", "validate")


def tr_note(note: object, context: str) -> str:
    """Look the note's template up in ``context`` (then the other data contexts) and fill its values."""
    if not isinstance(note, Note):
        return str(note)
    values = {k: tr_note(v, context) for k, v in note.values.items()}
    text = note.template
    for ctx in (context, *(c for c in DATA_CONTEXTS if c != context)):
        text = QCoreApplication.translate(ctx, note.template)
        if text != note.template:
            break
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return str(note)


def tr_error(exc: BaseException, context: str) -> str:
    """An exception's message in the interface language: its Note when it carries one."""
    note = getattr(exc, "note", None)
    if isinstance(note, Note):
        return tr_note(note, context)
    arg = exc.args[0] if exc.args else None
    return tr_note(arg, context) if isinstance(arg, Note) else str(exc)
