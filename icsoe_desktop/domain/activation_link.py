"""The capturista's activation link, ``icsoe://activar?codigo=…``: the mail carries it, the
installer registers the scheme, and Windows starts the app with the link as its argument."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from icsoe_desktop.domain.errors import ValidationError

SCHEME = "icsoe"
MSG_ENLACE_INVALIDO = (
    "El enlace «{enlace}» no es un enlace de activación de ICSOE. Abre el enlace del correo "
    "«icsoe://activar?codigo=…» o captura el código en Ingresar a ICSOE › Crear contraseña."
)
MSG_SIN_CODIGO = (
    "El enlace de activación no trae el código. Captura el código que recibiste por correo en "
    "Ingresar a ICSOE › Crear contraseña."
)


def is_link(text: str) -> bool:
    """True for anything in our scheme (valid or not): the command line hands it to the GUI."""
    return text.strip().lower().startswith(f"{SCHEME}:")


def code_from_link(link: str) -> str:
    """The code in ``icsoe://activar?codigo=ABC``; ValidationError for any other link."""
    text = link.strip()
    shown = text if len(text) <= 80 else text[:77] + "…"
    parts = urlsplit(text)
    # Windows may hand the link as «icsoe://activar/?codigo=…» or «icsoe:activar?…».
    action = (parts.netloc or parts.path).strip("/").lower()
    if parts.scheme.lower() != SCHEME or action != "activar":
        raise ValidationError("enlace_invalido", MSG_ENLACE_INVALIDO.format(enlace=shown))
    codes = parse_qs(parts.query).get("codigo") or [""]
    code = codes[0].strip()
    if not code:
        raise ValidationError("enlace_sin_codigo", MSG_SIN_CODIGO)
    return code


def code_from_text(text: str) -> str:
    """What the user pasted in the code field: the bare code or the whole link."""
    text = text.strip()
    if not is_link(text):
        return text
    try:
        return code_from_link(text)
    except ValidationError:
        return text  # the service then says the code is not valid
