"""Signing after a CMS signature was read in the same process (the updater checks a downloaded
installer's Authenticode signature, then the clerk signs an informativa): the signature is made.
asn1crypto lists the attributes' names the first time it reads one, before pyHanko registered
those it signs with; in a fresh interpreter, so that nothing imported pyHanko before."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import io
    from datetime import UTC, datetime, timedelta

    from asn1crypto import cms
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs7
    from cryptography.x509.oid import NameOID

    clave = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    nombre = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Firmante de prueba")])
    ahora = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(nombre)
        .issuer_name(nombre)
        .public_key(clave.public_key())
        .serial_number(1)
        .not_valid_before(ahora - timedelta(days=1))
        .not_valid_after(ahora + timedelta(days=30))
        .sign(clave, hashes.SHA256())
    )
    # Another program's signature read first, its signed attributes by name.
    otra = pkcs7.PKCS7SignatureBuilder().set_data(b"instalador").add_signer(
        cert, clave, hashes.SHA256()
    ).sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature])
    leidos = cms.ContentInfo.load(otra)["content"]["signer_infos"][0]["signed_attrs"].native
    assert leidos

    from icsoe_desktop.services.pades.firmar import adjunto, firmar_pdf
    from reportlab.pdfgen import canvas

    salida = io.BytesIO()
    hoja = canvas.Canvas(salida)
    hoja.drawString(72, 720, "Informativa")
    hoja.save()
    der = cert.public_bytes(serialization.Encoding.DER)
    firmado = firmar_pdf(
        salida.getvalue(), clave, der, [], ahora, adjunto("a.json", b"{}", "application/json",
        "datos"), "Prueba"
    )
    assert b"/ByteRange" in firmado.pdf
    print("firmado")
    """
)


def test_a_pdf_is_signed_after_another_signature_was_read_in_the_same_process() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "firmado"
