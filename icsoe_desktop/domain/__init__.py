"""Pure Python rules: no Qt, no SQL."""
