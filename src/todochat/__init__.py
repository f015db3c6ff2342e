"""todochat: a self-hosted chat assistant for a person's task list."""

__version__ = "0.1.0"
