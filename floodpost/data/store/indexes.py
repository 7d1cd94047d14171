"""The query indexes both storage back ends keep, added on open to workspaces that lack them."""

from __future__ import annotations

from floodpost.data.schema import ALL

#: Indexes the situation engine, the log, the time span and the tally's checks query by
#: (name -> table, columns); the same in a GeoPackage and on PostGIS.
QUERY_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "situation_log_action_at": ("situation_log", ("action", "at")),
    "situation_log_action_target": ("situation_log", ("action", "target", "fid")),
    "situation_log_target_feature": ("situation_log", ("target", "feature_id")),
    **{f"{k}_reported_at": (k, ("reported_at",)) for k, s in ALL.items() if "reported_at" in s.field_names},
    # a depot's movements of an item (the tally's stock checks) and the names offered for completion
    "material_tally_depot_item": ("material_tally", ("depot", "item")),
    "material_tally_destination_item": ("material_tally", ("destination", "item")),
    "evacuation_area": ("evacuation", ("area",)),
}
