"""Empresas: the selector on the login, Cambiar de empresa, Empresas por usuario, registros patronales and Respaldar / Restaurar."""
