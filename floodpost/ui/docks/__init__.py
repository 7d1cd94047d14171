"""The window's docks: dashboard, time slider, situation log, brief and attribute tables."""
