"""The SISUB of the INFONAVIT from the same capture as the ICSOE: the report per contratista and
period (``reporte``), the contracts in force read from the informativas (``vigentes``), the
workers and amounts proposed from the CFDI de nómina (``propuesta``)."""
