"""Certificados IMSS per registro patronal (.pfx or e.firma) and the emisores confiables they must chain to."""
