"""The ICSOE informativa cuatrimestral's use cases, over the rules of ``domain/informativa``."""
