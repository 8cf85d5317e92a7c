"""Configuración: the first-run assistant and the outgoing mail."""
