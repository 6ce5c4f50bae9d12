"""Local HTTP servers that speak the platforms' documented JSON, for integration tests."""
