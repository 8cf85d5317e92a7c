"""Use cases: the only API the GUI and the CLI call. No Qt here."""
