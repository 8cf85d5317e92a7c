"""Catálogos loaded by IT: SEPOMEX's códigos postales, read from the official file."""
