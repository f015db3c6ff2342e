"""The assistant: an Agents SDK agent, its function tools over TaskService, and model selection."""
