"""Movimientos con IDSE: the grid's pages and counts (servicio), movements in (importar: IDSE lotes, .xlsx, CSV) and out (exportar), and the IDSE lotes of a registro patronal."""
