"""The ICSOE informativa cuatrimestral: periods and deadlines, the worker rules, the IMSS's
published inconsistencies, the cadena original and its sello. Pure: no files, no database."""
