"""Every mail the application sends: one function per mail, returning its subject and body.

The services decide *when* a mail goes and to whom; the words live here, so a change of wording
is made (and reviewed) in one file. This module sits in ``services`` rather than ``domain``
because the mails that carry a one-use code hold the sender's placeholders
(``one_time_codes.CODE_MARK`` / ``LINK_MARK``), which belong to the services' code mechanism: the
code is drawn and written into the body only at send time (see ``services/correo/mail.py``). Nothing
here touches the store.
"""

from __future__ import annotations

from typing import NamedTuple

from icsoe_desktop.services.acceso.one_time_codes import CODE_MARK, LINK_MARK

IDSE = "Conexión en línea con IDSE"


class MailText(NamedTuple):
    subject: str
    body: str


# --- Conexión en línea con IDSE (services/acceso/accounts.py) ------------------------------------------


def idse_recuperacion(nombre: str, correo: str) -> MailText:
    """Carries a one-use code (``CODE_MARK``): «¿Olvidó su contraseña?»."""
    return MailText(
        f"Recuperación de contraseña - {IDSE}",
        f"Hola {nombre}:\n\n"
        "Recibimos una solicitud para recuperar la contraseña de tu usuario "
        f"{correo} del módulo {IDSE}.\n\n"
        f"Tu código para restablecer la contraseña es: {CODE_MARK}\n\n"
        "En la ventana «Recuperar Contraseña» haz clic en «Ya tengo un código», captura "
        "este código y tu nueva contraseña. El código es válido durante 24 horas y sólo "
        "puede usarse una vez.\n\n"
        "Si no solicitaste este cambio, ignora este mensaje: tu contraseña no cambia.\n",
    )


def idse_contrasena_restablecida(nombre: str, usuario: str) -> MailText:
    """The user set a new password with a recovery code."""
    return MailText(
        f"Contraseña actualizada - {IDSE}",
        f"Hola {nombre}:\n\nLa contraseña de tu usuario {usuario} del módulo "
        f"{IDSE} se actualizó. Si no fuiste tú, restablécela de "
        "inmediato desde «¿Olvidó su contraseña?».\n",
    )


def idse_contrasena_restablecida_admin(nombre: str, usuario: str, actor: str) -> MailText:
    """An administrator (or the command line) set the password; ``actor`` is who."""
    return MailText(
        f"Contraseña actualizada - {IDSE}",
        f"Hola {nombre}:\n\nEl administrador de icsoe-desktop ({actor}) "
        f"restableció la contraseña de tu usuario {usuario} del módulo {IDSE}. "
        "Pídele la nueva contraseña en persona. Si no lo solicitaste, avísale de inmediato.\n",
    )


# --- ICSOE capturistas (services/capturistas/) ---------------------------------------------------


def capturista_registro(
    nombre: str, contratista_nombre: str, contratista_rfc: str, curp: str
) -> MailText:
    """Guide Ingreso del capturista, paso 1: the contratista registered you."""
    return MailText(
        "Registro como usuario capturista - ICSOE",
        f"Hola {nombre}:\n\n"
        f"El contratista {contratista_nombre} (RFC {contratista_rfc}) te registró como "
        "usuario Capturista en el aplicativo ICSOE (Informativa de Contratos de Servicios "
        "u Obras Especializados) para capturar la información de sus contratos.\n\n"
        f"Tu usuario es tu CURP: {curp}\n",
    )


def capturista_nuevo_contratista(
    nombre: str, contratista_nombre: str, contratista_rfc: str
) -> MailText:
    """Paso 2 for a person who already has a password: sign in and pick the contratista."""
    return MailText(
        "Nuevo contratista disponible - ICSOE",
        f"Hola {nombre}:\n\n"
        f"Ya puedes capturar la informativa del contratista {contratista_nombre} "
        f"(RFC {contratista_rfc}). Ingresa a ICSOE con tu CURP y tu contraseña y "
        "elígelo en «Seleccionar Contratista».\n",
    )


def capturista_activacion(nombre: str, curp: str) -> MailText:
    """Paso 2: create the password. Carries a one-use code (``CODE_MARK``) and its icsoe://
    link (``LINK_MARK``)."""
    return MailText(
        "Creación de contraseña - ICSOE",
        f"Hola {nombre}:\n\n"
        "Para ingresar al aplicativo ICSOE crea tu contraseña.\n\n"
        f"Tu código de activación es: {CODE_MARK}\n"
        f"Liga: icsoe://activar?codigo={LINK_MARK}\n\n"
        "En un equipo con icsoe-desktop, la liga abre «Crear contraseña» con el código ya "
        "capturado. Si la liga no abre nada (este equipo no tiene la aplicación, o tu "
        "correo no abre ligas), en el equipo donde está icsoe-desktop elige «Ingresar a "
        "ICSOE (contratistas y capturistas)», después «Crear contraseña», y escribe este "
        "código en el campo «Código», con tu contraseña nueva y su confirmación. "
        "El código es válido durante 24 horas y sólo puede usarse una vez.\n\n"
        f"Tu usuario es tu CURP: {curp}\n",
    )


def capturista_contrasena_registrada(nombre: str, curp: str) -> MailText:
    """A code (activation or recovery) was redeemed; sent to each mailbox not in baja."""
    return MailText(
        "Contraseña actualizada - ICSOE",
        f"Hola {nombre}:\n\n"
        "Se registró la contraseña de tu usuario capturista del aplicativo ICSOE "
        f"(usuario: {curp}). Si no fuiste tú, recupérala de inmediato en "
        "«¿Olvidaste tu contraseña?».\n",
    )


def capturista_recuperacion(nombre: str, curp: str) -> MailText:
    """Carries a one-use code (``CODE_MARK``); one mail per mailbox not in baja."""
    return MailText(
        "Recuperación de contraseña - ICSOE",
        f"Hola {nombre}:\n\nRecibimos una solicitud para recuperar la "
        f"contraseña de tu usuario capturista {curp} del aplicativo ICSOE."
        f"\n\nTu código es: {CODE_MARK}\n\nCaptúralo en «Crear "
        "contraseña» con tu contraseña nueva. Es válido durante 24 horas y sólo "
        "puede usarse una vez. Si no lo solicitaste, ignora este mensaje.\n",
    )
