"""The find box's sources, asked in order by its door (services/movimientos/buscador.py)."""
