"""Metrics, JSON logs and management endpoints for {{ app.slug }} (see vibe_observability.py and README.md)."""
