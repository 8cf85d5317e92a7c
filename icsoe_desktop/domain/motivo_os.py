"""Why the system refused a file, in Spanish. ``OSError.strerror`` is the C library's text:
English on Linux and for most of Windows' own errors too (its CRT ``strerror`` is not
translated), so a clerk would read «No such file or directory» in a Spanish message."""

from __future__ import annotations

import errno

_MOTIVOS = {
    errno.ENOENT: "el archivo o la carpeta no existe",
    errno.EACCES: "no hay permiso para usarlo, o está abierto en otro programa",
    errno.EPERM: "no hay permiso para usarlo",
    errno.EISDIR: "es una carpeta, no un archivo",
    errno.ENOTDIR: "una parte de la ruta no es una carpeta",
    errno.ENOSPC: "no queda espacio en el disco",
    errno.EROFS: "el disco o la carpeta es de sólo lectura",
    errno.EEXIST: "ya existe",
    errno.ENAMETOOLONG: "el nombre o la ruta es demasiado largo",
    errno.EINVAL: "el nombre o la ruta no es válido",
    errno.EIO: "el disco no respondió (error de lectura o escritura)",
    errno.EBUSY: "está en uso por otro programa",
    errno.EMFILE: "hay demasiados archivos abiertos",
}
# Windows' own codes for the same refusals (``OSError.winerror``), where errno says less.
_WINDOWS = {
    2: errno.ENOENT,
    3: errno.ENOENT,
    5: errno.EACCES,
    32: errno.EBUSY,  # ERROR_SHARING_VIOLATION: open in Excel, for instance
    33: errno.EBUSY,  # ERROR_LOCK_VIOLATION
    39: errno.ENOSPC,
    112: errno.ENOSPC,
    123: errno.EINVAL,
    206: errno.ENAMETOOLONG,
}


def motivo_os(exc: OSError) -> str:
    """The reason to show after «No se pudo leer «X»: …»; unknown codes keep the system's."""
    codigo = _WINDOWS.get(getattr(exc, "winerror", None) or 0, exc.errno)
    motivo = _MOTIVOS.get(codigo) if codigo is not None else None
    return motivo or exc.strerror or str(exc)
