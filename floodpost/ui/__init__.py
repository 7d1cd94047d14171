"""Windows, docks, dialogs and the map canvas widget."""
