"""Recibos de nómina: the CFDI de nómina imported, listed per period and client."""
