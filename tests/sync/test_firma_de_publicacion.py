"""A release build signs with the vendor's .pfx (what .github/workflows/windows.yml takes from
the repository's secrets) and pins its certificate: installer/build.py --firmar checks each
signed file with the installed app's own check, and stops on what an installation would
refuse. Real Windows executables (MinGW), osslsigncode, .pfx files made here."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from icsoe_desktop.services.sync import autenticode
from tests.sync.firmados import ROOT, ejecutable, firma_codigo, herramientas

pytestmark = herramientas

CONTRASENA = "Firma$DelEditor-2026"
VERSION = "4.5.6"


def pfx_de(editor, carpeta: Path, contrasena: str = CONTRASENA) -> Path:
    """The publisher's key, certificate and chain as a .pfx (how a CA delivers them)."""
    firmante, *cadena = x509.load_pem_x509_certificates(editor.cadena.read_bytes())
    llave = serialization.load_pem_private_key(editor.llave.read_bytes(), None)
    destino = carpeta / "firma.pfx"
    destino.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"icsoe-desktop",
            llave,  # type: ignore[arg-type]  # an EC key, which pkcs12 takes
            firmante,
            cadena,
            serialization.BestAvailableEncryption(contrasena.encode()),
        )
    )
    return destino


def firma_cli(*args: str, contrasena: str | None = CONTRASENA) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != firma_codigo.CONTRASENA_ENV}
    if contrasena is not None:
        env[firma_codigo.CONTRASENA_ENV] = contrasena
    return subprocess.run(
        [sys.executable, str(ROOT / "installer" / "firma_codigo.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("icsoe_build", ROOT / "installer" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build()


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    return firma_codigo.editor_de_prueba(tmp_path_factory.mktemp("editor"), "Editor de prueba")


def test_the_release_pins_the_pfxs_certificate_and_its_signatures_pass_the_apps_check(
    editor, tmp_path: Path, monkeypatch
) -> None:
    pfx = pfx_de(editor, tmp_path)
    pem = tmp_path / "firma-editor.pem"
    hecho = firma_cli("certificado", str(pfx), "--salida", str(pem))
    assert hecho.returncode == 0, hecho.stderr
    (fijado,) = autenticode.leer_certificados(pem.read_bytes())
    # The signer's own certificate, not its authority (which may certify others' code).
    assert fijado == x509.load_pem_x509_certificates(editor.cadena.read_bytes())[0]

    monkeypatch.setenv(firma_codigo.CONTRASENA_ENV, CONTRASENA)
    exe = ejecutable(tmp_path, VERSION)
    build.Firma(pfx, pem, VERSION).firmar(exe)
    firma = autenticode.revisar(exe, [fijado], datetime.now(UTC))  # as an installation checks
    assert (firma.version, firma.firmante) == (VERSION, "Editor de prueba")
    assert firma_codigo.verificar(exe, editor.raiz).returncode == 0  # osslsigncode agrees


def test_a_release_its_installations_would_refuse_stops_the_build(
    editor, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv(firma_codigo.CONTRASENA_ENV, CONTRASENA)
    pem = tmp_path / "firma-editor.pem"
    pem.write_bytes(firma_codigo.certificado_pfx(pfx_de(editor, tmp_path), CONTRASENA))
    otro = firma_codigo.editor_de_prueba(tmp_path / "otro", "Otro editor")
    pfx_otro = pfx_de(otro, tmp_path / "otro")
    exe = ejecutable(tmp_path, VERSION)
    with pytest.raises(ValueError) as rechazo:
        build.Firma(pfx_otro, pem, VERSION).firmar(exe)
    assert str(rechazo.value).startswith(
        f"La firma de {exe.name} no la aceptaría una instalación: El instalador {exe.name} "
        "está firmado por «Otro editor», que no es el editor que esta instalación reconoce"
    )
    with pytest.raises(ValueError) as rechazo:
        build.Firma(pfx_de(editor, tmp_path), pem, "4.5.7").firmar(
            ejecutable(tmp_path / "bueno", VERSION)
        )
    assert str(rechazo.value) == (
        f"{exe.name} firmado dice ser la versión {VERSION}, no la 4.5.7 de pyproject.toml."
    )


def test_missing_or_wrong_secrets_stop_the_build_before_it_starts(
    editor, tmp_path: Path, monkeypatch, capsys
) -> None:
    pfx = pfx_de(editor, tmp_path)
    pem = tmp_path / "firma-editor.pem"
    monkeypatch.delenv(firma_codigo.CONTRASENA_ENV, raising=False)
    assert build.main(["--firmar", str(pfx), "--editor", str(pem)]) == 1
    assert capsys.readouterr().err.strip() == (
        "Falta la contraseña del .pfx en la variable de entorno ICSOE_FIRMA_CONTRASENA."
    )
    monkeypatch.setenv(firma_codigo.CONTRASENA_ENV, CONTRASENA)
    assert build.main(["--firmar", str(pfx)]) == 1
    assert capsys.readouterr().err.startswith("--firmar pide --editor")

    equivocada = firma_cli("certificado", str(pfx), "--salida", str(pem), contrasena="otra")
    assert equivocada.returncode == 1
    assert equivocada.stderr.strip() == (
        "Falló: No se pudo abrir firma.pfx: la contraseña no es la suya o no es un .pfx."
    )
    sin = firma_cli(
        "firmar", str(ejecutable(tmp_path, VERSION)), "--pfx", str(pfx), contrasena=None
    )
    assert sin.returncode == 1 and CONTRASENA not in sin.stderr + sin.stdout
    assert "ICSOE_FIRMA_CONTRASENA" in sin.stderr
