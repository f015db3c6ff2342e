"""The HTTP API: the FastAPI app, its dependencies and routes."""
