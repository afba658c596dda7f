"""Renderers: pure functions from an event model to text; callers choose where it goes."""
