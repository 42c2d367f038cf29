"""Legal demands (subpoenas and CIDs) and their responses; also the demo world's builder, at the top of the app graph."""
