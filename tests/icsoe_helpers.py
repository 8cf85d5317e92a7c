"""Shared by the ICSOE tests: valid CURPs, a small real PDF, and a contratista that has entered
with its e.firma and saved its datos generales (through the real services)."""

from __future__ import annotations

from pathlib import Path

from stdnum.mx import curp as stdnum_curp

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.capturistas.formulario import CapturistaForm
from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR
from icsoe_desktop.services.contratistas import DatosGenerales
from tests import credentials_factory as cf


def make_curp(first17: str) -> str:
    return first17 + stdnum_curp.calc_check_digit(first17 + "0")


CURP_ANA = make_curp("LOMA900515MDFPRN0")  # mujer, 15/05/1990, Ciudad de México
CURP_BETO = make_curp("GARB850101HJCRZT0")  # hombre, 01/01/1985, Jalisco
CURP_CARLA = make_curp("PERC920720MNLRDR0")  # mujer, Nuevo León
NEW_PASSWORD = "Cap7ur!sta#"


def pdf_bytes(text: str = "Acuse STPS") -> bytes:
    """A tiny but well-formed PDF (header, one page, xref, %%EOF)."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
        b"% " + text.encode() + b"\n"
    )
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def trust_sat(data_dir: Path) -> None:
    trusted = data_dir / TRUSTED_DIR
    trusted.mkdir(exist_ok=True)
    (trusted / "ac_sat.cer").write_bytes(cf.sat_ca().certificate_der)


def write_pdf(directory: Path, name: str = "acuse_stps.pdf") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(pdf_bytes())
    return path


def form(
    curp: str = CURP_ANA,
    nombre: str = "Ana",
    primer: str = "López",
    segundo: str = "Martínez",
    telefono: str = "55 1234 5678",
    correo: str = "ana@capturas.mx",
    confirmar: str | None = None,
) -> CapturistaForm:
    return CapturistaForm(
        curp, nombre, primer, segundo, "Capturista", telefono, correo, confirmar or correo
    )


def enter_contratista(services, data_dir: Path, tmp_path: Path) -> str:
    """The factory's persona moral enters with its e.firma and saves its datos generales."""
    trust_sat(data_dir)
    cer, key = cf.fiel_moral().write(tmp_path / "fiel")
    fiel = services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    services.contratistas.ingresar(fiel)
    services.contratistas.aceptar_terminos(cf.RFC_MORAL)
    services.contratistas.adjuntar_acuse(cf.RFC_MORAL, write_pdf(tmp_path))
    services.contratistas.guardar_datos_generales(
        cf.RFC_MORAL,
        DatosGenerales("contacto@empresa.com.mx", "5512345678", "", domicilio_igual_fiscal=True),
    )
    return cf.RFC_MORAL


def invited_capturista(data_dir: Path, tmp_path: Path, smtp) -> str:
    """Ana is given of alta; returns the activation link of her mail, as received."""
    import re

    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        services.settings.save_smtp(smtp.settings(), None, actor=CLI_ACTOR)
        rfc = enter_contratista(services, data_dir, tmp_path)
        services.capturistas.alta(rfc, form())
        services.mail.send_pending(force=True)
    finally:
        services.close()
    (link,) = [
        m.group(0)
        for message in smtp.to("ana@capturas.mx")
        if (m := re.search(r"icsoe://activar\?codigo=\S+", message.get_content()))
    ]
    return link


SYMBOLS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # of the one-use codes (domain/tokens.py)


def slips(code: str, count: int = 5) -> list[str]:
    """What a person types trying to copy ``code``: its first half right, the rest wrong (so
    the wrong codes come from the same source as the real one: services/acceso/code_guesses.py)."""
    from icsoe_desktop.domain import tokens

    real = tokens.normalize_code(code)
    typed = [real[:5] + s * 5 for s in SYMBOLS if real[:5] + s * 5 != real]
    return [f"{t[:5]}-{t[5:]}" for t in typed[:count]]
