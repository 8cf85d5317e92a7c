"""Respaldar / Restaurar: a consistent copy of a store while the app runs, the schema a file to restore may hold, and the restore that a crash cannot leave half done."""
