"""Authenticode signatures of the Windows executables and installer, with osslsigncode.

    python installer/firma_codigo.py firmar ARCHIVO.exe --certificado CADENA.pem --llave LLAVE.pem
    python installer/firma_codigo.py firmar ARCHIVO.exe --pfx FIRMA.pfx
    python installer/firma_codigo.py certificado FIRMA.pfx --salida firma-editor.pem
    python installer/firma_codigo.py verificar ARCHIVO.exe --raiz EDITOR.pem

``firmar`` signs in place (SHA-256; the chain in CADENA.pem, signer first, or the .pfx whose
password is in ICSOE_FIRMA_CONTRASENA: signtool on Windows, osslsigncode elsewhere);
``certificado`` writes the .pfx's signing certificate as PEM (what a release pins,
``build.py --editor``); ``verificar`` runs ``osslsigncode verify`` against the publisher
certificate the app pins (its program folder's firma-editor.pem). The installed app checks every update with its own code
(icsoe_desktop/services/sync/autenticode.py). CI (installer/wine_check.py) and the tests sign
with a throw-away publisher made by :func:`editor_de_prueba`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

FALTA_OSSLSIGNCODE = "No está osslsigncode (apt-get install osslsigncode): no se puede firmar."
# The .pfx's password: from the environment (a CI secret), never on a command line one types.
CONTRASENA_ENV = "ICSOE_FIRMA_CONTRASENA"


@dataclass(frozen=True)
class Editor:
    """A publisher's files: the certificate to pin (``raiz``), the chain to sign with
    (signer first) and the signer's key."""

    raiz: Path
    cadena: Path
    llave: Path


def _nombre(texto: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, texto),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, texto),
        ]
    )


def editor_de_prueba(carpeta: Path, nombre: str = "icsoe-desktop pruebas") -> Editor:
    """A root CA «``nombre`` raíz» and a code-signing certificate it issued, valid today:
    a publisher that exists only in ``carpeta``."""
    carpeta.mkdir(parents=True, exist_ok=True)
    ahora = datetime.datetime.now(datetime.UTC)
    llave_raiz = ec.generate_private_key(ec.SECP256R1())
    raiz_nombre = _nombre(f"{nombre} raíz")
    raiz = (
        x509.CertificateBuilder()
        .subject_name(raiz_nombre)
        .issuer_name(raiz_nombre)
        .public_key(llave_raiz.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ahora - datetime.timedelta(days=1))
        .not_valid_after(ahora + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(llave_raiz, hashes.SHA256())
    )
    llave = ec.generate_private_key(ec.SECP256R1())
    firmante = (
        x509.CertificateBuilder()
        .subject_name(_nombre(nombre))
        .issuer_name(raiz_nombre)
        .public_key(llave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ahora - datetime.timedelta(days=1))
        .not_valid_after(ahora + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .sign(llave_raiz, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    editor = Editor(carpeta / "raiz.pem", carpeta / "cadena.pem", carpeta / "llave.pem")
    editor.raiz.write_bytes(raiz.public_bytes(pem))
    editor.cadena.write_bytes(firmante.public_bytes(pem) + raiz.public_bytes(pem))
    editor.llave.write_bytes(
        llave.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return editor


def autofirmado(carpeta: Path, nombre: str) -> Editor:
    """A publisher whose code-signing certificate is its own root (it chains to nothing)."""
    editor = editor_de_prueba(carpeta, nombre)
    firmante = x509.load_pem_x509_certificates(editor.cadena.read_bytes())[0]
    llave = serialization.load_pem_private_key(editor.llave.read_bytes(), None)
    assert isinstance(llave, ec.EllipticCurvePrivateKey)
    propio = (
        x509.CertificateBuilder()
        .subject_name(firmante.subject)
        .issuer_name(firmante.subject)
        .public_key(llave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(firmante.not_valid_before_utc)
        .not_valid_after(firmante.not_valid_after_utc)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .sign(llave, hashes.SHA256())
    )
    pem = propio.public_bytes(serialization.Encoding.PEM)
    editor.cadena.write_bytes(pem)
    editor.raiz.write_bytes(pem)
    return editor


def osslsigncode() -> str:
    found = shutil.which("osslsigncode")
    if found is None:
        raise FileNotFoundError(FALTA_OSSLSIGNCODE)
    return found


def firmar(
    archivo: Path, editor: Editor, descripcion: str = "icsoe-desktop", digest: str = "sha256"
) -> None:
    """Sign ``archivo`` in place (Authenticode, SHA-256 unless ``digest`` says otherwise),
    its chain included."""
    _con_osslsigncode(
        archivo, ["-certs", str(editor.cadena), "-key", str(editor.llave)], digest, descripcion
    )


def _con_osslsigncode(archivo: Path, credencial: list[str], digest: str, descripcion: str) -> None:
    """``osslsigncode sign`` of ``archivo`` in place, with the ``credencial`` arguments (a
    certificate chain and key, or a .pfx and its password)."""
    firmado = archivo.with_name(archivo.name + ".firmado")
    subprocess.run(
        [
            osslsigncode(), "sign", *credencial, "-h", digest, "-n", descripcion,
            "-in", str(archivo), "-out", str(firmado),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    firmado.replace(archivo)


def signtool() -> str | None:
    """signtool.exe of the Windows SDK: on the PATH, or the newest under Windows Kits (where a
    GitHub Windows runner has it). Elsewhere none: NSS's «signtool» (libnss3-tools) is another
    program."""
    if sys.platform != "win32":
        return None
    found = shutil.which("signtool")
    if found:
        return found
    kits = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")) / "Windows Kits"
    candidatos = sorted(kits.glob("10/bin/10.*/x64/signtool.exe"))
    return str(candidatos[-1]) if candidatos else None


def contrasena_pfx() -> str:
    contrasena = os.environ.get(CONTRASENA_ENV)
    if not contrasena:
        raise ValueError(
            f"Falta la contraseña del .pfx en la variable de entorno {CONTRASENA_ENV}."
        )
    return contrasena


def firmar_pfx(
    archivo: Path, pfx: Path, contrasena: str, descripcion: str = "icsoe-desktop"
) -> None:
    """Sign ``archivo`` in place with the certificate and key of ``pfx`` (SHA-256)."""
    herramienta = signtool()
    if herramienta is not None:
        comando = [herramienta, "sign", "/fd", "sha256", "/f", str(pfx), "/p", contrasena]
        subprocess.run(
            [*comando, "/d", descripcion, str(archivo)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return
    _con_osslsigncode(archivo, ["-pkcs12", str(pfx), "-pass", contrasena], "sha256", descripcion)


def certificado_pfx(pfx: Path, contrasena: str) -> bytes:
    """The signing certificate of ``pfx`` as PEM: the one a release pins (not the chain's
    authorities: a public CA pinned would accept anyone's code it certified)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        _llave, certificado, _cadena = pkcs12.load_key_and_certificates(
            pfx.read_bytes(), contrasena.encode()
        )
    except ValueError as exc:
        raise ValueError(
            f"No se pudo abrir {pfx.name}: la contraseña no es la suya o no es un .pfx."
        ) from exc
    if certificado is None:
        raise ValueError(f"{pfx.name} no trae un certificado.")
    return certificado.public_bytes(serialization.Encoding.PEM)


def verificar(archivo: Path, raiz: Path) -> subprocess.CompletedProcess[str]:
    """``osslsigncode verify`` of ``archivo`` with ``raiz`` as the only trusted root."""
    return subprocess.run(
        [osslsigncode(), "verify", "-CAfile", str(raiz), "-in", str(archivo)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    acciones = parser.add_subparsers(dest="accion", required=True)
    sign = acciones.add_parser("firmar", help="firma ARCHIVO en su lugar")
    sign.add_argument("archivo", type=Path)
    sign.add_argument("--certificado", type=Path, help="cadena PEM, firmante 1.º")
    sign.add_argument("--llave", type=Path, help="llave privada PEM del firmante")
    sign.add_argument(
        "--pfx", type=Path, help=f"certificado y llave (.pfx; contraseña en {CONTRASENA_ENV})"
    )
    cert = acciones.add_parser("certificado", help="el certificado de firma de un .pfx, en PEM")
    cert.add_argument("pfx", type=Path)
    cert.add_argument("--salida", type=Path, required=True, help="archivo PEM a escribir")
    verify = acciones.add_parser("verificar", help="revisa la firma de ARCHIVO")
    verify.add_argument("archivo", type=Path)
    verify.add_argument("--raiz", type=Path, required=True, help="certificado del editor (PEM)")
    args = parser.parse_args(argv)
    try:
        if args.accion == "certificado":
            args.salida.write_bytes(certificado_pfx(args.pfx, contrasena_pfx()))
            print(f"Certificado del editor: {args.salida}")
            return 0
        if args.accion == "firmar":
            if args.pfx:
                firmar_pfx(args.archivo, args.pfx, contrasena_pfx())
            elif args.certificado and args.llave:
                firmar(args.archivo, Editor(args.certificado, args.certificado, args.llave))
            else:
                parser.error("firmar pide --pfx, o --certificado y --llave")
            print(f"Firmado: {args.archivo}")
            return 0
        hecho = verificar(args.archivo, args.raiz)
    except (FileNotFoundError, ValueError, subprocess.CalledProcessError) as exc:
        # The command, which carries the .pfx's password, is never shown; the tool's own words are.
        if isinstance(exc, subprocess.CalledProcessError):
            salida = (exc.stderr or b"") + (exc.stdout or b"")
            motivo = f"código {exc.returncode}: {salida.decode(errors='replace').strip()}"
        else:
            motivo = str(exc)
        print(f"Falló: {motivo}", file=sys.stderr)
        return 1
    print(hecho.stdout + hecho.stderr)
    return hecho.returncode


if __name__ == "__main__":
    sys.exit(main())
