"""`python -m icsoe_desktop cert inspect`: the JSON contract scripts rely on, as a real process."""

from __future__ import annotations

import json
import locale
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests import credentials_factory as cf
from tests import preloaded

REPO = Path(__file__).resolve().parents[1]
CER, KEY = f"fiel/{cf.RFC_MORAL}.cer", f"fiel/{cf.RFC_MORAL}.key"  # under the folder fixture
PASSWORD = cf.PASSWORD.encode()
SUCCESS_KEYS = [
    "ok",
    "rfc",
    "persona",
    "curp",
    "rfc_representante",
    "curp_representante",
    "nombre",
    "tipo",
    "sucursal",
    "no_certificado",
    "valido_desde",
    "valido_hasta",
    "estado",
    "llave_corresponde",
    "emisor",
    "emisor_confiable",
]


# What the CLI writes its plain text in through a pipe: UTF-8 on Linux, the ANSI code page
# (cp1252) on Windows. (Its JSON is UTF-8 everywhere.)
CONSOLE = locale.getpreferredencoding(False)


def run_cli(
    *args: str | Path, stdin: bytes = b"", data_dir: Path | None = None, **env: str
) -> subprocess.CompletedProcess[bytes]:
    """``python -m icsoe_desktop [--data-dir D] ARGS`` as a real process, of this tree (not an
    installed copy), the standard input given whole."""
    data = ["--data-dir", str(data_dir)] if data_dir is not None else []
    return preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", *data, *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=60,
        env=dict(os.environ, PYTHONPATH=str(REPO), **env),
        check=False,
    )


def inspect(
    *args: str | Path, stdin: bytes | None = None, **env: str
) -> subprocess.CompletedProcess[bytes]:
    return run_cli("cert", "inspect", *args, stdin=stdin or b"", **env)


def one_json(result: subprocess.CompletedProcess[bytes]) -> dict:
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1, result.stdout
    assert result.stderr == b"", result.stderr
    return json.loads(lines[0])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every file the cases below need, written once."""
    root = tmp_path_factory.mktemp("cert")
    fiel = cf.fiel_moral(nombre="PEÑA Y MUÑOZ SA DE CV", latin1_t61=True)
    fiel.write(root / "fiel")
    imss = cf.imss_certificate()
    other = cf.fiel_fisica()
    files = {
        "imss.pfx": cf.pfx_modern(imss, cf.IMSS_PASSWORD),
        "abierto.pfx": cf.pfx_without_password(imss),
        "sin_llave.pfx": cf.pfx_certificate_only(imss),
        "rc2.pfx": cf.pfx_rc2_40(imss, cf.IMSS_PASSWORD),
        "otra.key": other.key(cf.PASSWORD),
        "camelia.key": cf.key_pkcs8_camellia(other.private_key, cf.PASSWORD),
        "vacio.cer": b"",
    }
    files["danado.pfx"] = files["imss.pfx"][:-40]
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


@pytest.mark.slow
@pytest.mark.end2end
def test_fiel_pair_with_password_on_stdin(folder):
    cer, key = folder / CER, folder / KEY
    result = inspect(
        "--cer", cer, "--key", key, "--password-stdin", stdin=b"Contrase\xc3\xb1a2026\n"
    )
    assert result.returncode == 0, result.stdout
    assert "PEÑA Y MUÑOZ SA DE CV".encode() in result.stdout  # UTF-8, not \\u escapes
    payload = one_json(result)
    assert list(payload) == SUCCESS_KEYS
    assert payload["ok"] is True and payload["llave_corresponde"] is True
    assert payload["rfc"] == cf.RFC_MORAL
    assert payload["persona"] == "moral"
    assert payload["curp"] is None
    assert payload["rfc_representante"] == cf.RFC_FISICA
    assert payload["curp_representante"] == cf.CURP_FISICA
    assert payload["nombre"] == "PEÑA Y MUÑOZ SA DE CV"
    assert (payload["tipo"], payload["sucursal"]) == ("FIEL", None)
    assert payload["no_certificado"] == cf.NO_CERTIFICADO
    assert payload["estado"] == "vigente"
    desde = datetime.fromisoformat(payload["valido_desde"])
    hasta = datetime.fromisoformat(payload["valido_hasta"])
    assert desde.utcoffset() is not None and desde < hasta


@pytest.mark.end2end
@pytest.mark.parametrize(
    "stdin", [b"Contrase\xc3\xb1a2026\r\n", b"Contrase\xf1a2026"], ids=["crlf", "cp1252-console"]
)
def test_password_stdin_newlines_and_ansi_console(folder, stdin):
    cer, key = folder / CER, folder / KEY
    result = inspect("--cer", cer, "--key", key, "--password-stdin", stdin=stdin)
    assert (result.returncode, one_json(result)["ok"]) == (0, True)


@pytest.mark.end2end
def test_only_one_trailing_newline_is_part_of_the_stdin_protocol(folder):
    cer, key = folder / CER, folder / KEY
    result = inspect(
        "--cer", cer, "--key", key, "--password-stdin", stdin=b"Contrase\xc3\xb1a2026\n\n"
    )
    assert one_json(result)["error"] == "contrasena_incorrecta"


@pytest.mark.end2end
def test_imss_pfx(folder):
    result = inspect("--pfx", folder / "imss.pfx", "--password-stdin", stdin=b"Imss2026pfx")
    payload = one_json(result)
    assert result.returncode == 0
    assert (payload["tipo"], payload["rfc"], payload["no_certificado"]) == (
        "IMSS",
        cf.RFC_MORAL,
        str(0x1A2B3C4D5E),
    )


@pytest.mark.end2end
@pytest.mark.parametrize("args", [[], ["--password-stdin"]], ids=["no-option", "empty-stdin"])
def test_pfx_without_password(folder, args):
    result = inspect("--pfx", folder / "abierto.pfx", *args)
    assert (result.returncode, one_json(result)["ok"]) == (0, True)


ERROR_CASES = {  # id: (arguments, standard input, code); file names are under the folder
    "empty-cer": (["--cer", "vacio.cer", "--key", "otra.key"], b"", "archivo_vacio"),
    "missing-cer": (["--cer", "no-existe.cer", "--key", "otra.key"], b"", "certificado_invalido"),
    "missing-key": (["--cer", CER, "--key", "no-existe.key"], b"", "llave_invalida"),
    "missing-pfx": (["--pfx", "no-existe.pfx"], b"", "pfx_invalido"),
    "folder-as-pfx": (["--pfx", "fiel"], b"", "pfx_invalido"),
    "damaged-pfx": (["--pfx", "danado.pfx", "--password-stdin"], b"Imss2026pfx", "pfx_invalido"),
    "swapped": (["--cer", "otra.key", "--key", CER], b"", "archivos_invertidos"),
    "no-password": (["--cer", CER, "--key", KEY], b"", "contrasena_incorrecta"),
    "wrong-pfx-password": (
        ["--pfx", "imss.pfx", "--password-stdin"],
        b"Otra2026x\n",
        "contrasena_incorrecta",
    ),
    "other-key": (
        ["--cer", CER, "--key", "otra.key", "--password-stdin"],
        PASSWORD,
        "llave_no_corresponde",
    ),
    "pfx-without-key": (
        ["--pfx", "sin_llave.pfx", "--password-stdin"],
        b"Imss2026pfx",
        "pfx_sin_llave",
    ),
    "camellia-key": (
        ["--cer", CER, "--key", "camelia.key", "--password-stdin"],
        PASSWORD,
        "cifrado_no_soportado",
    ),
}


@pytest.mark.end2end
@pytest.mark.parametrize("args, stdin, code", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_errors_are_one_json_object_and_exit_2(folder, args, stdin, code):
    paths = [a if a.startswith("--") else folder / a for a in args]
    result = inspect(*paths, stdin=stdin)
    assert result.returncode == 2
    payload = one_json(result)
    assert list(payload) == ["ok", "error", "mensaje"]
    assert (payload["ok"], payload["error"]) == (False, code)
    assert payload["mensaje"]


@pytest.mark.end2end
def test_missing_file_message_names_the_file(folder):
    payload = one_json(inspect("--cer", folder / "no-existe.cer", "--key", folder / "otra.key"))
    assert (
        payload["mensaje"]
        == f"No se encontró el archivo de certificado (.cer): {folder / 'no-existe.cer'}"
    )


@pytest.mark.slow
@pytest.mark.end2end
def test_legacy_rc2_pfx_without_openssl_legacy_provider(folder):
    args = ("--pfx", folder / "rc2.pfx", "--password-stdin")
    assert one_json(inspect(*args, stdin=b"Imss2026pfx"))["ok"] is True
    result = inspect(*args, stdin=b"Imss2026pfx", CRYPTOGRAPHY_OPENSSL_NO_LEGACY="1")
    payload = one_json(result)
    assert (result.returncode, payload["error"]) == (2, "cifrado_no_soportado")
    assert "RC2" in payload["mensaje"]
    # Still a wrong password when it is one: the MAC says so before any decryption.
    result = inspect(*args, stdin=b"Otra2026x", CRYPTOGRAPHY_OPENSSL_NO_LEGACY="1")
    assert one_json(result)["error"] == "contrasena_incorrecta"


@pytest.mark.end2end
@pytest.mark.parametrize(
    "args",
    [["--pfx", "a.pfx", "--key", "a.key"], ["--cer", "a", "--pfx", "b"], []],
    ids=["pfx-with-key", "cer-and-pfx", "nothing"],
)
def test_usage_errors_go_to_stderr_with_exit_2(args):
    result = inspect(*args)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.startswith(b"uso: python -m icsoe_desktop")  # in Spanish too


def test_the_command_stays_light():
    """Importing the CLI or the engine loads neither cryptography nor Qt nor the store."""
    code = (
        "import sys, icsoe_desktop.cli, icsoe_desktop.domain.credentials\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'cryptography', 'PySide6', 'sqlalchemy', 'keyring'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        check=True,
    )
    assert result.stdout.strip() == "[]"


SHIPPED = REPO / "resources" / "emisores_confiables"


@pytest.mark.end2end
def test_cer_alone_is_described_with_its_issuer(folder, tmp_path):
    result = inspect("--cer", folder / CER, ICSOE_DATA_DIR=str(tmp_path))
    payload = one_json(result)
    assert result.returncode == 0
    assert list(payload) == SUCCESS_KEYS
    assert (payload["rfc"], payload["tipo"], payload["no_certificado"]) == (
        cf.RFC_MORAL,
        "FIEL",
        cf.NO_CERTIFICADO,
    )
    assert payload["llave_corresponde"] is None  # no key given
    assert payload["emisor"] == "AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA"
    # Same name as the SAT's AC7, but signed by a test key: not from a trusted issuer.
    assert payload["emisor_confiable"] is False


@pytest.mark.end2end
def test_issuer_added_on_this_desktop_is_trusted(folder, tmp_path):
    (tmp_path / "emisores_confiables").mkdir()
    (tmp_path / "emisores_confiables" / "ac.cer").write_bytes(cf.sat_ca().certificate_der)
    result = inspect("--cer", folder / CER, ICSOE_DATA_DIR=str(tmp_path))
    assert one_json(result)["emisor_confiable"] is True


@pytest.mark.end2end
def test_shipped_sat_cas_are_recognised_by_signature(tmp_path):
    """AC6's names are mis-encoded in the file itself: still read, its issuer verified."""
    payload = one_json(inspect("--cer", SHIPPED / "AC6_SAT.crt", ICSOE_DATA_DIR=str(tmp_path)))
    assert payload["emisor"] == "AGENCIA REGISTRADORA CENTRAL"
    assert payload["emisor_confiable"] is True
    assert payload["valido_hasta"].startswith("2031-03-24")


@pytest.mark.end2end
def test_cert_pfx_reopens_with_our_loader_and_with_openssl(folder, tmp_path):
    from icsoe_desktop.domain.credentials import load_pfx

    out = tmp_path / "efirma.pfx"
    result = run_cli(
        "cert", "pfx", "--cer", folder / CER, "--key", folder / KEY, "--out", out,
        stdin="Contraseña2026\nPfx2026nueva\n".encode(),
        data_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert cf.NO_CERTIFICADO in result.stdout.decode()
    info = load_pfx(out.read_bytes(), "Pfx2026nueva").info
    assert (info.rfc, info.no_certificado, info.tipo) == (cf.RFC_MORAL, cf.NO_CERTIFICADO, "FIEL")
    openssl = subprocess.run(
        ["openssl", "pkcs12", "-info", "-noout", "-in", str(out), "-passin", "pass:Pfx2026nueva"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert openssl.returncode == 0, openssl.stderr
    assert "Shrouded Keybag" in openssl.stdout + openssl.stderr
    wrong = ["openssl", "pkcs12", "-info", "-noout", "-in", str(out), "-passin", "pass:otra"]
    assert subprocess.run(wrong, capture_output=True, check=False).returncode != 0


@pytest.mark.end2end
@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"Otra2026xyz\nPfx2026nueva\n", "contraseña de la llave privada es incorrecta"),
        ("Contraseña2026\ncorta\n".encode(), "de 8 a 20 caracteres, sólo letras y números"),
    ],
    ids=["wrong-key-password", "pfx-password-rule"],
)
def test_cert_pfx_errors_write_nothing(folder, tmp_path, stdin, message):
    out = tmp_path / "efirma.pfx"
    result = run_cli(
        "cert", "pfx", "--cer", folder / CER, "--key", folder / KEY, "--out", out,
        stdin=stdin, data_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.end2end
def test_emisores_listar_agregar_quitar(tmp_path):
    data = tmp_path / "datos"
    listed = run_cli("emisores", "listar", data_dir=data)
    assert listed.returncode == 0
    lines = listed.stdout.decode(CONSOLE).splitlines()
    assert len(lines) == 13 and all(line.startswith("incluido\t") for line in lines)
    assert any(line.endswith("\tAUTORIDAD CERTIFICADORA") for line in lines)

    ca = tmp_path / "imss.pem"
    ca.write_bytes(cf.pem_certificate(cf.imss_ca().certificate_der))
    added = run_cli("emisores", "agregar", ca, "--uso", "efirma", data_dir=data)
    assert added.returncode == 0 and b"AC IMSS PRUEBAS" in added.stdout
    again = run_cli("emisores", "agregar", ca, "--uso", "efirma", data_dir=data)
    assert (again.returncode, again.stderr.decode(CONSOLE).strip()) == (
        2,
        "El emisor AC IMSS PRUEBAS ya está instalado (agregado, como «Emisor de e.firma»).",
    )
    lines = run_cli("emisores", "listar", data_dir=data).stdout.decode(CONSOLE).splitlines()
    assert lines[-1].startswith("agregado\t") and lines[-1].endswith("AC IMSS PRUEBAS")
    huella = lines[-1].split("\t")[2]

    shipped_one = lines[0].split("\t")[2]
    refused = run_cli("emisores", "quitar", shipped_one, data_dir=data)
    assert refused.returncode == 2 and "incluidos con la aplicación" in refused.stderr.decode(
        CONSOLE
    )
    removed = run_cli("emisores", "quitar", huella[:16], data_dir=data)
    assert removed.returncode == 0
    assert len(run_cli("emisores", "listar", data_dir=data).stdout.splitlines()) == 13


@pytest.mark.slow
@pytest.mark.end2end
def test_emisores_capacitacion_turns_the_test_authorities_on_and_off(tmp_path):
    from tests.services.test_capacitacion import instalar_uat

    data = tmp_path / "datos"
    data.mkdir()
    instalar_uat(data)
    estado = run_cli("emisores", "capacitacion", "estado", data_dir=data)
    assert estado.returncode == 0
    assert estado.stdout.decode(CONSOLE).startswith("Modo de capacitación: desactivado.")
    assert b"AC UAT" not in run_cli("emisores", "listar", data_dir=data).stdout
    activado = run_cli("emisores", "capacitacion", "activar", data_dir=data)
    assert activado.stdout.decode(CONSOLE).startswith("Modo de capacitación: activo.")
    lines = run_cli("emisores", "listar", data_dir=data).stdout.decode(CONSOLE).splitlines()
    assert any(line.startswith("capacitación\t") and line.endswith("\tAC UAT") for line in lines)
    run_cli("emisores", "capacitacion", "desactivar", data_dir=data)
    assert b"AC UAT" not in run_cli("emisores", "listar", data_dir=data).stdout
