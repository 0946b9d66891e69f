"""Watching the tool run: the worker's heartbeat, /healthz's figures, and alerts to staff."""
