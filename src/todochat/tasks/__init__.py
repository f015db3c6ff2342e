"""The tasks domain: the one place for every rule about tasks."""
