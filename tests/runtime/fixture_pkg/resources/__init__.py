"""Resources of the fixture client."""
