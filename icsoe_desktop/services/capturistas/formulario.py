"""The alta form of a capturista (guía Alta de usuarios, paso 4): its fields and their rules,
for the alta and edit (first broken rule) and for each row of the alta masiva (every one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from icsoe_desktop.domain.contacto import check_curp, check_telefono, required_text
from icsoe_desktop.domain.emails import CORREO_OBLIGATORIO, check_email, normalize_email
from icsoe_desktop.domain.errors import ValidationError

ROLES = ("Capturista",)


@dataclass(frozen=True)
class CapturistaForm:
    curp: str
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    rol: str
    telefono: str
    correo: str
    confirmar_correo: str


@dataclass(frozen=True)
class CheckedForm:
    """The form's clean values."""

    curp: str
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    rol: str
    telefono: str
    correo: str


def _field_checks(form: CapturistaForm) -> dict[str, Callable[[], str]]:
    """One check per field of the alta form, in its order; each returns the clean value."""

    def rol() -> str:
        if form.rol not in ROLES:
            raise ValidationError("campo_obligatorio", "Elige el rol asignado.", "rol")
        return form.rol

    return {
        "curp": lambda: check_curp(form.curp).curp,
        "nombre": lambda: required_text(form.nombre, "Nombre(s)", "nombre", 100).upper(),
        "primer_apellido": lambda: required_text(
            form.primer_apellido, "Primer apellido", "primerApellido", 100
        ).upper(),
        "segundo_apellido": lambda: required_text(
            form.segundo_apellido, "Segundo apellido", "segundoApellido", 100
        ).upper(),
        "rol": rol,
        "telefono": lambda: check_telefono(form.telefono, "teléfono", "telefono"),
        "correo": lambda: check_email(
            form.correo,
            "correo",
            "Captura un correo electrónico válido (por ejemplo, ana@empresa.com).",
            empty=CORREO_OBLIGATORIO,
        ),
    }


def _check_confirmation(form: CapturistaForm, correo: str) -> None:
    if normalize_email(form.confirmar_correo) != correo:
        raise ValidationError(
            "correos_distintos",
            "El correo electrónico y la confirmación del correo electrónico no coinciden.",
            "confirmarCorreo",
        )


def check_form(form: CapturistaForm) -> CheckedForm:
    """Every rule of the alta form, in the order of its fields; the first broken one raises
    (the form then focuses its field)."""
    values = {name: check() for name, check in _field_checks(form).items()}
    _check_confirmation(form, values["correo"])
    return CheckedForm(**values)


def form_errors(form: CapturistaForm) -> list[str]:
    """Every broken rule of a row, for the alta masiva report (fixing one at a time is slow)."""
    errors: list[str] = []
    correo = None
    for name, check in _field_checks(form).items():
        try:
            value = check()
        except ValidationError as exc:
            errors.append(exc.message)
            continue
        if name == "correo":
            correo = value
    if correo is not None:
        try:
            _check_confirmation(form, correo)
        except ValidationError as exc:
            errors.append(exc.message)
    return errors
