"""What every loader shares: the error type, the field hints, the Spanish messages, and the
loaders' last guard (no exception but CredentialError leaves a loader)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from icsoe_desktop.domain.errors import DomainError


class CredentialError(DomainError):
    """A certificate, key or .pfx that cannot be used; ``code`` is one of ``MESSAGES``' keys."""


# Field hints (DomainError.field) for the window: which input to focus.
FIELD_CERTIFICADO = "certificado"
FIELD_LLAVE = "llave"
FIELD_PFX = "pfx"
FIELD_USUARIO = "usuario"
FIELD_CONTRASENA = "contrasena"

MESSAGES: dict[str, str] = {
    "archivo_vacio": "El archivo está vacío.",
    "certificado_invalido": (
        "El archivo de certificado (.cer) está dañado o no es un certificado digital."
    ),
    "llave_invalida": "El archivo de llave privada (.key) está dañado o no es una llave privada.",
    "archivos_invertidos": (
        "Los archivos están invertidos: el certificado es el archivo .cer y la llave privada el "
        "archivo .key."
    ),
    "contrasena_incorrecta": "La contraseña de la llave privada es incorrecta.",
    "llave_no_corresponde": "La llave privada (.key) no corresponde al certificado (.cer).",
    "pfx_invalido": "El archivo .pfx está dañado o no es un certificado digital PKCS#12 (.pfx).",
    "pfx_sin_llave": (
        "El archivo .pfx no contiene la llave privada; expórtalo de nuevo incluyendo la llave "
        "privada."
    ),
    "cifrado_no_soportado": "El archivo está cifrado con un algoritmo que no se puede leer.",
}


def credential_error(
    code: str, field_name: str | None, message: str | None = None
) -> CredentialError:
    return CredentialError(code, message or MESSAGES[code], field_name)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def guarded_loader(code: str, field_name: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Last line of defence of a loader: no exception but CredentialError leaves it.

    Every failure we know of is mapped where it happens; this catches what a damaged file might
    still provoke in a library, keeping the cause chained for the log.
    """

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return function(*args, **kwargs)
            except (CredentialError, KeyboardInterrupt, SystemExit, GeneratorExit):
                raise
            except BaseException as exc:  # also a Rust panic inside cryptography (pyo3)
                raise credential_error(code, field_name) from exc

        return guarded

    return decorate
