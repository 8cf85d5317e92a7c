"""Movimientos con IDSE: the window with its tabs and virtual grid, the Lotes tab, correcting a rejected movement and the refused lines of an import."""
