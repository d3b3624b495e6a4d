"""Agent backends against real peers (a scripted HTTP server, a real bash)."""
