"""Agent backends: where agent-routed lines go."""
