"""Row validation against the schema: types, enums, ranges, required fields.

Every write path (forms, import, CLI, demo) goes through ``validate_records``
so bad input never reaches the workspace file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import shapely

from floodpost.data.notes import Note
from floodpost.data.schema import Field, TableSchema
from floodpost.data.timeutil import to_storage


class ValidationError(ValueError):
    """Bad input, located: which file, which row, which column, and why.

    ``reason`` may be a :class:`~floodpost.data.notes.Note`; :attr:`note`
    is then the whole message as a Note too, so the GUI shows it in its
    language (``tr_note(exc.note, "validate")``) while ``str(exc)`` stays
    the English sentence the CLI prints.
    """

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.row = row
        self.column = column
        super().__init__(str(self.note))

    @property
    def note(self) -> Note:
        """The message with where it happened, as a translatable sentence."""
        parts = []
        if self.source:
            parts.append("{source}")
        if self.row is not None:
            parts.append("row {row}")
        if self.column:
            parts.append("column '{column}'")
        template = (", ".join(parts) + ": {reason}") if parts else "{reason}"
        values: dict[str, Any] = {"reason": self.reason}
        if self.source:
            values["source"] = str(self.source)
        if self.row is not None:
            values["row"] = self.row
        if self.column:
            values["column"] = self.column
        return Note(template, **values)


#: Every sentence this module builds, for the GUI's translation (lupdate reads the UI's copy).
WHERE_TEMPLATES = (
    "{source}, row {row}, column '{column}': {reason}",
    "{source}, row {row}: {reason}",
    "{source}, column '{column}': {reason}",
    "{source}: {reason}",
    "row {row}, column '{column}': {reason}",
    "row {row}: {reason}",
    "column '{column}': {reason}",
)


#: Digits with the separators people use, including two numbers in one cell (a/b, a、b).
_PHONE = re.compile(r"^[0-9+\-() /、,;，；转]{3,64}$")


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, int)):
        return isinstance(value, str) and value.strip() == ""
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and value.strip() == "":
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    return str(value).strip()


def _num(value: float) -> str:
    """A bound or a value as people write it: ``0``, ``20``, ``2.5``."""
    return f"{value:g}"


def reason_of(exc: BaseException) -> str:
    """The Note a ValueError carries (ours do), else its English text."""
    arg = exc.args[0] if exc.args else ""
    return arg if isinstance(arg, Note) else str(exc)


def coerce_value(field: Field, value: Any) -> Any:
    """Return ``value`` in the field's storage form, or raise ValueError saying why."""
    if _is_blank(value):
        if field.required:
            raise ValueError(Note("required value is missing"))
        return None
    if field.type in ("text", "phone"):
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))  # phone numbers read from Excel as floats
        if field.type == "phone" and not _PHONE.match(text):
            raise ValueError(Note("'{text}' is not a phone number", text=text))
        return text
    if field.type == "enum":
        text = str(value).strip()
        for c in field.choices:
            if text in (c.code, c.zh, c.en) or text.lower() == c.en.lower():
                return c.code
        allowed = "、".join(c.zh for c in field.choices)
        raise ValueError(Note("'{text}' is not one of {allowed}", text=text, allowed=allowed))
    if field.type == "int":
        try:
            f = float(str(value).replace(",", "").strip())
        except ValueError:
            raise ValueError(Note("'{text}' is not a whole number", text=_text(value))) from None
        if not f.is_integer():
            raise ValueError(Note("'{text}' is not a whole number", text=_text(value)))
        number: float = int(f)
    elif field.type == "real":
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            raise ValueError(Note("'{text}' is not a number", text=_text(value))) from None
        if not math.isfinite(number):
            raise ValueError(Note("'{text}' is not a finite number", text=_text(value)))
    elif field.type == "datetime":
        try:
            return to_storage(value)
        except ValueError:
            raise ValueError(Note(
                "cannot read the time '{text}'; write it like 2021-07-22 10:00", text=_text(value)
            )) from None
    else:  # pragma: no cover - schema types are closed
        raise ValueError(f"unknown field type {field.type}")
    if field.minimum is not None and number < field.minimum:
        raise ValueError(Note("{number} is below the minimum {minimum}", number=_num(number), minimum=_num(field.minimum)))
    if field.maximum is not None and number > field.maximum:
        raise ValueError(Note("{number} is above the maximum {maximum}", number=_num(number), maximum=_num(field.maximum)))
    return number


def _check_geometry(schema: TableSchema, geom: Any) -> shapely.Geometry:
    """Return the geometry fit for the layer, or raise ValueError saying why."""
    if geom is None or not isinstance(geom, shapely.Geometry):
        raise ValueError(Note("geometry is missing"))
    if geom.is_empty:
        raise ValueError(Note("geometry is empty"))
    if geom.geom_type not in schema.allowed_geometries:
        allowed = ", ".join(schema.allowed_geometries)
        raise ValueError(Note("a {kind} does not fit layer {key} ({allowed})", kind=geom.geom_type, key=schema.key, allowed=allowed))
    if not geom.is_valid:
        raise ValueError(Note("invalid geometry: {reason}", reason=shapely.is_valid_reason(geom)))
    if geom.geom_type == "Polygon" and schema.geometry == "MULTIPOLYGON":
        geom = shapely.MultiPolygon([geom])
    elif geom.geom_type == "LineString" and schema.geometry == "MULTILINESTRING":
        geom = shapely.MultiLineString([geom])
    return geom


def validate_record(
    schema: TableSchema,
    record: Mapping[str, Any],
    *,
    source: str | None = None,
    row: int | None = None,
    partial: bool = False,
    check_geometry: bool = True,
) -> dict[str, Any]:
    """Validate one record; ``partial`` checks only the fields it carries (edits).

    ``check_geometry=False`` is for intake, which has fitted the geometry already.
    """
    out: dict[str, Any] = {}
    unknown = set(record) - set(schema.field_names) - {"geometry", "fid"}
    if unknown:
        raise ValidationError(
            Note("unknown field(s) {names} for {key}", names=", ".join(sorted(unknown)), key=schema.key),
            source=source, row=row,
        )
    for f in schema.fields:
        if partial and f.name not in record:
            continue
        try:
            out[f.name] = coerce_value(f, record.get(f.name))
        except ValueError as exc:
            raise ValidationError(reason_of(exc), source=source, row=row, column=f.name) from None
    if schema.is_spatial and not check_geometry:
        out["geometry"] = record["geometry"]
    elif schema.is_spatial and (not partial or "geometry" in record):
        try:
            out["geometry"] = _check_geometry(schema, record.get("geometry"))
        except ValueError as exc:
            raise ValidationError(reason_of(exc), source=source, row=row, column="geometry") from None
    return out


def validate_records(
    schema: TableSchema,
    records: list[Mapping[str, Any]],
    *,
    source: str | None = None,
    first_row: int = 1,
) -> list[dict[str, Any]]:
    """Validate all records, stopping at the first bad one with its row number."""
    return [
        validate_record(schema, r, source=source, row=first_row + i)
        for i, r in enumerate(records)
    ]
