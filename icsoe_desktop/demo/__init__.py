"""Made-up data and the screenshot renderer (`screenshots`, `demo movimientos`, tests, bench).

Not part of the product layers: it may reach the store directly to seed a throw-away data dir,
which the GUI may not. Nothing in gui/ or services/ imports it.
"""
