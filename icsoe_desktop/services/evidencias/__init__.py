"""Evidencias del cliente: the month's documents attached once (for every client or for one),
the CFDI de nómina kept as they were imported, what each client has and lacks per month, and
its pack (a ZIP with an index workbook) written whole or not at all."""
