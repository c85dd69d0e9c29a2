"""Widgets of the game screen, one per module."""
