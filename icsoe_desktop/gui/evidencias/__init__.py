"""Evidencias del cliente: the board of clients × months with what each lacks and its due day."""
