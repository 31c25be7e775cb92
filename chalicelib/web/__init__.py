"""HTTP: bodies in, errors and headers out, JSON shapes, the officer token check, OpenAPI."""
