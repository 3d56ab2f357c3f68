"""The read-only HTTP API and the dashboard it serves."""
