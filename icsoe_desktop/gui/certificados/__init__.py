"""Certificados IMSS, Generar .pfx and Emisores confiables."""
