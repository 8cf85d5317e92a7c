"""icsoe-desktop: Conexión en línea con IDSE, capturistas ICSOE y almacén local."""

__version__ = "0.2.0"
APP_NAME = "icsoe-desktop"
