"""HTTP routes: ChatKit, tasks REST, stateless chat, health."""
