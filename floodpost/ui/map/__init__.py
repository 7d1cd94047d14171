"""The map in the window: the canvas, the layer panel, the identify panel and bookmarks."""
