"""The map engine: layer model, symbology, projection, painting (QtGui only)."""
