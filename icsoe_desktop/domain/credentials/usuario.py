"""The usuario and contraseña captured with a certificate (guía «Registro de Certificados IMSS»).

Not about files: these are the rules of what the user types next to the certificate. They stay
in this package because they answer with the same CredentialError codes on the same form fields
as the loaders, and because ``export_pfx`` applies the IMSS rule to the password of the .pfx it
writes; outside, this module and the package would import each other.
"""

from __future__ import annotations

from icsoe_desktop.domain.credentials.certificates import RFC_PATTERN
from icsoe_desktop.domain.credentials.messages import (
    FIELD_CERTIFICADO,
    FIELD_CONTRASENA,
    FIELD_USUARIO,
    credential_error,
)

FIEL_MIN_CONTRASENA, FIEL_MAX_CONTRASENA = 8, 255
IMSS_MIN, IMSS_MAX = 8, 20


def check_usuario_contrasena(
    tipo: str, usuario: str, contrasena: str, rfc: str | None = None
) -> None:
    """The guide's rules for the usuario and contraseña captured with a certificate.

    FIEL: the usuario is the RFC (12 or 13 characters; the certificate's when ``rfc`` is given)
    and the contraseña 8 to 255 characters. IMSS .pfx: usuario and contraseña 8 to 20 letters or
    digits, and different. A CSD cannot be used for IDSE. Raises CredentialError, one rule each.
    """
    if tipo == "FIEL":
        _check_fiel(usuario.strip().upper(), contrasena, rfc)
    elif tipo == "IMSS":
        _check_imss(usuario, contrasena)
    elif tipo == "CSD":
        raise credential_error(
            "certificado_no_admitido",
            FIELD_CERTIFICADO,
            "El certificado de sello digital (CSD) no sirve para IDSE: usa la e.firma (FIEL) o "
            "el certificado digital del IMSS (.pfx).",
        )
    else:
        raise ValueError(f"tipo de certificado desconocido: {tipo!r}")


def _check_fiel(usuario: str, contrasena: str, rfc: str | None) -> None:
    if not usuario:
        raise credential_error(
            "usuario_requerido", FIELD_USUARIO, "Captura el usuario: el RFC de la empresa."
        )
    if len(usuario) not in (12, 13) or not RFC_PATTERN.fullmatch(usuario):
        raise credential_error(
            "usuario_invalido",
            FIELD_USUARIO,
            "Con la e.firma el usuario es el RFC de la empresa: 12 caracteres (persona moral) o "
            "13 (persona física).",
        )
    if rfc and usuario != rfc.strip().upper():
        raise credential_error(
            "usuario_no_corresponde",
            FIELD_USUARIO,
            f"El usuario debe ser el RFC de la e.firma: {rfc.strip().upper()}.",
        )
    if not contrasena:
        raise credential_error("contrasena_requerida", FIELD_CONTRASENA, "Captura la contraseña.")
    if not FIEL_MIN_CONTRASENA <= len(contrasena) <= FIEL_MAX_CONTRASENA:
        raise credential_error(
            "contrasena_invalida",
            FIELD_CONTRASENA,
            f"La contraseña de la e.firma debe tener de {FIEL_MIN_CONTRASENA} a "
            f"{FIEL_MAX_CONTRASENA} caracteres.",
        )


def meets_imss_rule(text: str) -> bool:
    """8 to 20 letters or digits: the IMSS usuario and contraseña, and a generated .pfx's."""
    return IMSS_MIN <= len(text) <= IMSS_MAX and text.isalnum()


def _check_imss(usuario: str, contrasena: str) -> None:
    if not usuario:
        raise credential_error("usuario_requerido", FIELD_USUARIO, "Captura el usuario.")
    if not meets_imss_rule(usuario):
        raise credential_error(
            "usuario_invalido",
            FIELD_USUARIO,
            f"El usuario del certificado IMSS debe tener de {IMSS_MIN} a {IMSS_MAX} caracteres, "
            "sólo letras y números.",
        )
    if not contrasena:
        raise credential_error("contrasena_requerida", FIELD_CONTRASENA, "Captura la contraseña.")
    if not meets_imss_rule(contrasena):
        raise credential_error(
            "contrasena_invalida",
            FIELD_CONTRASENA,
            f"La contraseña del certificado IMSS debe tener de {IMSS_MIN} a {IMSS_MAX} "
            "caracteres, sólo letras y números.",
        )
    if contrasena.casefold() == usuario.casefold():
        raise credential_error(
            "contrasena_igual_usuario",
            FIELD_CONTRASENA,
            "La contraseña no debe ser igual al usuario.",
        )
