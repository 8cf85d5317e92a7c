"""ICSOE: the contratista's and the capturista's windows, entry with e.firma or password, capturistas' alta and consulta, terms, recovery and the choice of empresa."""
