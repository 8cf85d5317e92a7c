"""The ICSOE informativa cuatrimestral: capture, checks, signature, acuse and exports."""
