"""FloodPost: a desktop GIS for a municipal flood-control command post."""

__version__ = "0.1.0"
