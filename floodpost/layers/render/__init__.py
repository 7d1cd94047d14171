"""The one painter: layers, overlays and labels drawn into any QPainter (screen, snapshot, print, PDF)."""
