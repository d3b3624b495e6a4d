"""Conch's widgets: thin views over the logic in conch_plugins.shell_mode."""
