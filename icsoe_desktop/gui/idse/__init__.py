"""Acceso a conexión en línea con IDSE: the login, Regístrate aquí and password recovery."""
