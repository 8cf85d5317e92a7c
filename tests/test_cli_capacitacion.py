"""`python -m icsoe_desktop capacitacion preparar CARPETA`, as a real process: a training room
walks the guide from it (the practice e.firma, trusted only in the modo de capacitación, enters
the practice empresa and signs its informativa) with no real e.firma and no SAT material."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from stdnum.mx import rfc as stdnum_rfc

from icsoe_desktop.domain import credentials
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.informativa.modelo import EN_CAPTURA, FIRMADA
from icsoe_desktop.domain.practica import MARCA, RFC_PRACTICA
from icsoe_desktop.services.capacitacion import RAZON_SOCIAL_PRACTICA
from icsoe_desktop.services.certificados.emisores import CAPACITACION_DIR
from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.informativa.constancia import PRACTICA, SALIDA_PRACTICA
from tests.informativa_servicios import acuse_del_imss
from tests.test_cli_cert import CONSOLE, run_cli

PASSWORD_LABEL = "Contraseña de la e.firma de práctica:"


def preparar(datos: Path, sala: Path) -> list[str]:
    result = run_cli("capacitacion", "preparar", sala, data_dir=datos)
    assert result.returncode == 0, result.stderr.decode(CONSOLE)
    return result.stdout.decode(CONSOLE).splitlines()


def modo(datos: Path, estado: str) -> None:
    assert run_cli("emisores", "capacitacion", estado, data_dir=datos).returncode == 0


def practice_efirma_refused(datos: Path, cer: Path, key: Path, password: str) -> DomainError:
    services = open_services(datos)
    try:
        with pytest.raises(DomainError) as refused:
            services.contratistas.validar_fiel(RFC_PRACTICA, cer, key, password)
    finally:
        services.close()
    return refused.value


def test_a_training_room_walks_from_preparar_to_a_signed_practice_informativa(tmp_path):
    datos, sala = tmp_path / "datos", tmp_path / "sala"
    lines = preparar(datos, sala)
    assert lines[-2] == PASSWORD_LABEL
    password = lines[-1]
    assert "Modo de capacitación: desactivado." in "\n".join(lines)  # it says what to do
    cer, key = sala / "capacitacion.cer", sala / "capacitacion.key"
    # A SAT-shaped FIEL of a persona moral whose RFC passes the check digit.
    info = credentials.load_sat_pair(cer.read_bytes(), key.read_bytes(), password).info
    assert (info.rfc, info.persona, info.tipo) == (RFC_PRACTICA, "moral", "FIEL")
    assert info.nombre == RAZON_SOCIAL_PRACTICA and stdnum_rfc.is_valid(RFC_PRACTICA)
    assert key.read_bytes()[:1] == b"\x30"  # DER, encrypted: no key without the password
    with pytest.raises((ValueError, TypeError)):
        serialization.load_der_private_key(key.read_bytes(), None)

    # With the mode off the practice authority is not trusted: the e.firma is refused.
    refused = practice_efirma_refused(datos, cer, key, password)
    assert refused.code == "efirma_emisor" and "modo de capacitación" in refused.message

    modo(datos, "activar")
    services = open_services(datos)
    try:
        fiel = services.contratistas.validar_fiel(RFC_PRACTICA, cer, key, password)
        (empresa,) = services.entrada.empresas_de_contratista(fiel.rfc)
        assert empresa.rfc == RFC_PRACTICA
        sesion = services.entrada.ingresar_contratista(fiel, empresa)
        # The guide's first steps are done: términos, STPS acuse, datos generales.
        assert sesion.terminos_aceptados and sesion.datos_generales
        (fila,) = [f for f in services.informativas.tablero(RFC_PRACTICA, RFC_PRACTICA) if f.uuid]
        assert fila.estado == EN_CAPTURA and fila.contratos == 1 and fila.trabajadores == 12
        assert services.informativa_firma.revisar(fila.uuid, RFC_PRACTICA) == []
        constancia = tmp_path / "constancia_practica.pdf"
        firmada = run_cli(
            "--empresa", RFC_PRACTICA, "informativa", "firmar", "--periodo", fila.periodo.clave,
            "--cer", cer, "--key", key,
            "--constancia", constancia, data_dir=datos, stdin=f"{password}\n".encode(),
        )  # fmt: skip
        assert firmada.returncode == 0, firmada.stderr
        assert firmada.stdout.decode(CONSOLE).strip() == (
            f"{MARCA}: informativa de práctica firmada. Constancia de práctica: {constancia}"
        )
        assert services.informativas.fila(fila.uuid, RFC_PRACTICA).estado == FIRMADA
        assert constancia.read_bytes().startswith(b"%PDF")
        _en_cada_pagina(constancia, MARCA)
        # Practice is never filed: no IMSS acuse is registered for it.
        acuse = tmp_path / "acuse_practica.pdf"
        acuse.write_bytes(acuse_del_imss(RFC_PRACTICA))
        presentar = run_cli(
            "--empresa", RFC_PRACTICA, "informativa", "presentar", "--periodo",
            fila.periodo.clave, "--acuse", acuse, data_dir=datos,
        )  # fmt: skip
        assert presentar.returncode == 2
        assert "informativa de capacitación" in presentar.stderr.decode(CONSOLE)
        assert services.informativas.fila(fila.uuid, RFC_PRACTICA).estado == FIRMADA

        exportados = tmp_path / "exportados"
        exportados.mkdir()
        written = services.informativa_firma.exportar(fila.uuid, RFC_PRACTICA, exportados)
        assert written and all(p.name.startswith("CAPACITACION_ICSOE_") for p in written)
        (hoja,) = [p for p in written if p.suffix == ".xlsx"]
        assert openpyxl.load_workbook(hoja, read_only=True).sheetnames == [MARCA]
        csv = next(p for p in written if p.suffix == ".csv").read_text(encoding="utf-8-sig")
        assert MARCA not in csv  # the portal's template, loadable as it is

        # Both practice capturistas sign in with the practice password.
        capturistas = next(x for x in lines if x.startswith("Capturistas de práctica: "))
        for curp in capturistas.split(": ", 1)[1].split(" (")[0].split(", "):
            (entrada,) = services.entrada.capturista(curp, password)
            assert entrada.empresa.rfc == RFC_PRACTICA
    finally:
        services.close()

    # Verified in training, it says it is practice; outside training it is refused: both
    # with the practice exit code, never 0.
    dentro = run_cli("informativa", "verificar", constancia, data_dir=datos)
    assert dentro.returncode == SALIDA_PRACTICA == 4
    assert dentro.stdout.decode(CONSOLE).startswith(f"{MARCA}. La constancia de firma es válida")
    modo(datos, "desactivar")
    assert practice_efirma_refused(datos, cer, key, password).code == "efirma_emisor"
    fuera = run_cli("informativa", "verificar", constancia, data_dir=datos)
    assert fuera.returncode == SALIDA_PRACTICA
    assert PRACTICA in fuera.stdout.decode(CONSOLE).splitlines()


def _en_cada_pagina(pdf: Path, texto: str) -> None:
    """Every page of ``pdf`` shows ``texto`` (pdftotext, when poppler-utils is there)."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        return  # the signature and verificar still prove it is practice
    paginas = (
        subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, check=True)
        .stdout.decode("utf-8")
        .split("\f")
    )
    paginas = [p for p in paginas if p.strip()]
    assert paginas and all(texto in p for p in paginas)


def test_preparar_twice_writes_a_new_efirma_and_keeps_the_practice_empresa(tmp_path):
    datos, sala = tmp_path / "datos", tmp_path / "sala"
    primera = preparar(datos, sala)
    viejo = (sala / "capacitacion.cer").read_bytes()
    (sala / "anterior").mkdir()
    for name in ("capacitacion.cer", "capacitacion.key"):
        (sala / "anterior" / name).write_bytes((sala / name).read_bytes())
    segunda = preparar(datos, sala)
    assert segunda[-1] != primera[-1] and (sala / "capacitacion.cer").read_bytes() != viejo
    texto = "\n".join(segunda)
    assert f"{RAZON_SOCIAL_PRACTICA} ({RFC_PRACTICA}), ya existía" in texto
    assert "ya existían: conservan su contraseña" in texto
    listed = run_cli("empresas", "listar", data_dir=datos).stdout.decode(CONSOLE)
    assert [x for x in listed.splitlines() if x.startswith(RFC_PRACTICA)] == [
        f"{RFC_PRACTICA}\t{MARCA}: {RAZON_SOCIAL_PRACTICA}\tempresas/{RFC_PRACTICA}/icsoe.sqlite3"
        "\tsólo consulta: no"
    ]
    autoridades = sorted((datos / TRUSTED_DIR / CAPACITACION_DIR).glob("practica_*.cer"))
    assert len(autoridades) == 2  # the first one stays: earlier e.firmas still verify

    modo(datos, "activar")
    services = open_services(datos, empresa_rfc=RFC_PRACTICA)
    try:
        for carpeta, password in ((sala / "anterior", primera[-1]), (sala, segunda[-1])):
            fiel = services.contratistas.validar_fiel(
                RFC_PRACTICA, carpeta / "capacitacion.cer", carpeta / "capacitacion.key", password
            )
            assert fiel.rfc == RFC_PRACTICA
        (fila,) = [f for f in services.informativas.tablero(RFC_PRACTICA, RFC_PRACTICA) if f.uuid]
        assert fila.trabajadores == 12  # not added twice
    finally:
        services.close()


def test_the_practice_authority_private_key_is_nowhere_on_disk(tmp_path):
    datos, sala = tmp_path / "datos", tmp_path / "sala"
    preparar(datos, sala)
    (autoridad,) = (datos / TRUSTED_DIR / CAPACITACION_DIR).glob("practica_*.cer")
    ca_public = x509.load_der_x509_certificate(autoridad.read_bytes()).public_key()
    ca_numbers = ca_public.public_numbers()
    modulus = ca_numbers.n.to_bytes((ca_numbers.n.bit_length() + 7) // 8, "big")
    for path in [*datos.rglob("*"), *sala.rglob("*")]:
        if not path.is_file() or path == autoridad:
            continue
        data = path.read_bytes()
        assert b"PRIVATE KEY" not in data, path
        # A private key holds its modulus; only the authority's certificate may hold this one.
        assert modulus not in data, path


def test_preparar_into_a_file_is_refused_with_its_reason(tmp_path):
    archivo = tmp_path / "no_es_carpeta"
    archivo.write_text("x")
    result = run_cli("capacitacion", "preparar", archivo, data_dir=tmp_path / "datos")
    assert result.returncode == 2
    assert result.stderr.decode(CONSOLE).strip() == (
        f"No se pudo escribir la e.firma de práctica en «{archivo}»: revisa la carpeta."
    )


def test_after_training_the_command_line_never_works_in_the_practice_empresa_unasked(tmp_path):
    """Training prepared from the command line on a new installation and a trainee in the
    practice empresa (opened last); then the first real administrator: registered, made
    administrator from the command line, and every command on an empresa's data without
    --empresa names both empresas instead of choosing the practice one."""
    from icsoe_desktop.services.acceso.accounts import Registration
    from icsoe_desktop.services.empresas.servicio import SIN_CONFIGURAR

    datos, sala = tmp_path / "datos", tmp_path / "sala"
    password = preparar(datos, sala)[-1]
    modo(datos, "activar")
    services = open_services(datos)
    try:
        fiel = services.contratistas.validar_fiel(
            RFC_PRACTICA, sala / "capacitacion.cer", sala / "capacitacion.key", password
        )
        (empresa,) = services.entrada.empresas_de_contratista(fiel.rfc)
        services.entrada.ingresar_contratista(fiel, empresa)
    finally:
        services.close()

    services = open_services(datos)  # the next start
    try:
        assert services.empresa.rfc == "" and services.empresa.etiqueta == SIN_CONFIGURAR
        services.accounts.register(
            Registration(
                "Ana", "Ruiz", "", "ana@nominas.com", "Nom1na$Segura", "Nom1na$Segura", True
            )
        )
    finally:
        services.close()
    admin = run_cli("usuarios", "administrador", "ana@nominas.com", data_dir=datos)
    assert admin.returncode == 0, admin.stderr
    assert admin.stdout.decode(CONSOLE).strip() == "ana@nominas.com es administrador."
    lotes = run_cli("movimientos", "lotes", data_dir=datos)
    assert lotes.returncode == 2
    error = lotes.stderr.decode(CONSOLE)
    assert "--empresa RFC" in error and RFC_PRACTICA in error and "(sin RFC" in error, error
    # The real empresa, still without its RFC, is named as the message says.
    assert "--empresa SIN-RFC" in error, error
    lotes = run_cli("--empresa", "SIN-RFC", "movimientos", "lotes", data_dir=datos)
    assert lotes.returncode == 0, lotes.stderr.decode(CONSOLE)
    services = open_services(datos)
    try:
        assert services.empresa.rfc != RFC_PRACTICA
    finally:
        services.close()
