"""What leaves the program as a file from the map: the press page, its legend, the replay, the web map."""
