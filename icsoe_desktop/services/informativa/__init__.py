"""The ICSOE informativa cuatrimestral's use cases: the worker files a contratista brings and
the ones the IMSS portal takes (carga masiva), over the rules of ``domain/informativa``."""
