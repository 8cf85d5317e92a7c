"""Sincronización: its settings, the status bar and the conflicts window."""
