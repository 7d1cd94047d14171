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

from floodpost.data.schema import Field, TableSchema
from floodpost.data.timeutil import to_storage


class ValidationError(ValueError):
    """Bad input, located: which file, which row, which column, and why."""

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
        parts = []
        if source:
            parts.append(str(source))
        if row is not None:
            parts.append(f"row {row}")
        if column:
            parts.append(f"column {column!r}")
        where = ", ".join(parts)
        super().__init__(f"{where}: {reason}" if where else reason)


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


def coerce_value(field: Field, value: Any) -> Any:
    """Return ``value`` in the field's storage form, or raise ValueError saying why."""
    if _is_blank(value):
        if field.required:
            raise ValueError("required value is missing")
        return None
    if field.type in ("text", "phone"):
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))  # phone numbers read from Excel as floats
        if field.type == "phone" and not _PHONE.match(text):
            raise ValueError(f"{text!r} is not a phone number")
        return text
    if field.type == "enum":
        text = str(value).strip()
        for c in field.choices:
            if text in (c.code, c.zh, c.en) or text.lower() == c.en.lower():
                return c.code
        allowed = "、".join(c.zh for c in field.choices)
        raise ValueError(f"{text!r} is not one of {allowed}")
    if field.type == "int":
        try:
            f = float(str(value).replace(",", "").strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a whole number") from None
        if not f.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        number: float = int(f)
    elif field.type == "real":
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a finite number")
    elif field.type == "datetime":
        return to_storage(value)
    else:  # pragma: no cover - schema types are closed
        raise ValueError(f"unknown field type {field.type}")
    if field.minimum is not None and number < field.minimum:
        raise ValueError(f"{number} is below the minimum {field.minimum:g}")
    if field.maximum is not None and number > field.maximum:
        raise ValueError(f"{number} is above the maximum {field.maximum:g}")
    return number


def _check_geometry(schema: TableSchema, geom: Any) -> shapely.Geometry:
    """Return the geometry fit for the layer, or raise ValueError saying why."""
    if geom is None or not isinstance(geom, shapely.Geometry):
        raise ValueError("geometry is missing")
    if geom.is_empty:
        raise ValueError("geometry is empty")
    if geom.geom_type not in schema.allowed_geometries:
        allowed = ", ".join(schema.allowed_geometries)
        raise ValueError(f"a {geom.geom_type} does not fit layer {schema.key} ({allowed})")
    if not geom.is_valid:
        raise ValueError(f"invalid geometry: {shapely.is_valid_reason(geom)}")
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
            f"unknown field(s) {', '.join(sorted(unknown))} for {schema.key}",
            source=source, row=row,
        )
    for f in schema.fields:
        if partial and f.name not in record:
            continue
        try:
            out[f.name] = coerce_value(f, record.get(f.name))
        except ValueError as exc:
            raise ValidationError(str(exc), source=source, row=row, column=f.name) from None
    if schema.is_spatial and not check_geometry:
        out["geometry"] = record["geometry"]
    elif schema.is_spatial and (not partial or "geometry" in record):
        try:
            out["geometry"] = _check_geometry(schema, record.get("geometry"))
        except ValueError as exc:
            raise ValidationError(str(exc), source=source, row=row, column="geometry") from None
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
