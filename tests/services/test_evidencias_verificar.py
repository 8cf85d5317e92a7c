"""The client's pack signed with the contratista's e.firma and checked as the client would:
a good pack passes; a member changed with its line rewritten, a receipt swapped for another
client's (re-signed by the contratista itself), the index edited and an unsigned pack are each
refused with their reason; a receipt whose stored XML was re-pointed at another client's
worker is caught when the pack is made."""

from __future__ import annotations

import io
import zipfile
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.evidencias import archivo as archivo_
from icsoe_desktop.services.evidencias import firma_paquete
from icsoe_desktop.services.evidencias.archivo import ruta_de
from icsoe_desktop.services.evidencias.paquete import FIRMA, HUELLAS
from icsoe_desktop.services.evidencias.verificar import Verificacion, verificar
from icsoe_desktop.services.informativa.repse import Pdf
from icsoe_desktop.store import cifrado
from tests import credentials_factory as cf
from tests import nomina_cfdi as nc
from tests.icsoe_helpers import enter_contratista
from tests.services import test_evidencias
from tests.services.test_evidencias import CLIENTE, OCTUBRE, _indice, _todos_menos
from tests.services.test_repse import constancia_repse, registro_pdf
from tests.test_cli_movimientos import cli

empresa = test_evidencias.empresa  # its fixture: receipts of October imported


@pytest.fixture
def efirma() -> cf.Generated:
    """The contratista's (the payroll's emisor) e.firma, under the SAT's test AC."""
    return cf.fiel_moral(
        rfc=nc.RFC_EMPRESA,
        nombre=nc.NOMBRE_EMPRESA,
        issuer=cf.sat_ac(),
        serial=b"00001000000799999999",
    )


def _comprobar(services, ruta: Path) -> Verificacion:
    return verificar(
        ruta, services.certificates.emisores.trust_store(), services.verificador_nomina
    )


def _rehacer(origen: Path, destino: Path, cambios: dict[str, bytes]) -> Path:
    """A copy of the pack with ``cambios``'s members (by name) replaced."""
    with zipfile.ZipFile(origen) as zf, zipfile.ZipFile(destino, "w") as nuevo:
        for nombre in zf.namelist():
            nuevo.writestr(nombre, cambios.get(nombre, zf.read(nombre)))
        for nombre in cambios.keys() - set(zf.namelist()):  # added
            nuevo.writestr(nombre, cambios[nombre])
    return destino


def _con_huella(huellas: bytes, nombre: str, datos: bytes) -> bytes:
    import hashlib

    lineas = [
        f"{hashlib.sha256(datos).hexdigest()}  {nombre}" if linea.endswith(f"  {nombre}") else linea
        for linea in huellas.decode().splitlines()
    ]
    return ("\n".join(lineas) + "\n").encode()


def test_the_client_checks_the_signed_pack(empresa, efirma, data_dir, tmp_path) -> None:
    _todos_menos(empresa, tmp_path)
    rfc = enter_contratista(empresa, empresa.data_dir, tmp_path)
    empresa.repse.registrar(
        rfc,
        rfc,
        "AR555/2025",
        date(2025, 2, 1),
        ["Limpieza"],
        Pdf(constancia_repse(rfc, "AR555/2025"), "r.pdf"),
    )
    cer, key = efirma.write(tmp_path / "efirma")
    hecho = empresa.evidencias.paquete(
        CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "p.zip", efirma=(cer, key, cf.PASSWORD)
    )
    assert hecho.firmado and hecho.faltan == [] and hecho.avisos == []
    with zipfile.ZipFile(hecho.ruta) as zf:
        filas = _indice(zf)
        huellas = zf.read(HUELLAS)
        recibos = sorted(n for n in zf.namelist() if n.startswith("recibos/"))
        pdf = zf.read("documentos/isr.pdf")
    assert filas[0][5] == "Sello del SAT"
    assert {f[5] for f in filas if f[2].startswith("recibos/")} == {"verificado"}
    bien = _comprobar(empresa, hecho.ruta)
    assert (bien.codigo, bien.motivos, bien.faltan) == (0, [], [])
    assert (bien.contratista, bien.cliente, bien.mes) == (nc.RFC_EMPRESA, CLIENTE, "2026-10")
    assert nc.RFC_EMPRESA in bien.firmante
    assert bien.recibos == bien.sat_verificados == len(recibos) > 0
    assert bien.trabajadores  # who served, by NSS

    # A document replaced and its line in the list rewritten: the signature no longer holds.
    otro_pdf = registro_pdf("Declaración de ISR de otro mes")
    cambiado = _rehacer(
        hecho.ruta,
        tmp_path / "cambiado.zip",
        {
            "documentos/isr.pdf": otro_pdf,
            HUELLAS: _con_huella(huellas, "documentos/isr.pdf", otro_pdf),
        },
    )
    malo = _comprobar(empresa, cambiado)
    assert malo.codigo == 2 and any("cambió después de firmarse" in m for m in malo.motivos)
    # The same document replaced, the list left alone: that member is named.
    solo = _rehacer(hecho.ruta, tmp_path / "solo.zip", {"documentos/isr.pdf": otro_pdf})
    malo = _comprobar(empresa, solo)
    assert malo.codigo == 2 and any("«documentos/isr.pdf» cambió" in m for m in malo.motivos)
    assert pdf != otro_pdf

    # One index line edited (a SHA-256 in the workbook): the index is named.
    from openpyxl import load_workbook

    with zipfile.ZipFile(hecho.ruta) as zf:
        libro = load_workbook(io.BytesIO(zf.read("indice.xlsx")))
    libro.active.cell(row=2, column=4).value = "0" * 64
    editado = io.BytesIO()
    libro.save(editado)
    indice = _rehacer(hecho.ruta, tmp_path / "indice.zip", {"indice.xlsx": editado.getvalue()})
    malo = _comprobar(empresa, indice)
    assert malo.codigo == 2 and any("«indice.xlsx» cambió" in m for m in malo.motivos)

    # A receipt swapped for another client's, the list rewritten and signed again with the
    # contratista's own e.firma: the receipt does not name this client.
    ajeno = next(x for x in _recibos_guardados(empresa) if CLIENTE.encode() not in x)
    nuevas = _con_huella(huellas, recibos[0], ajeno)
    firma = firma_paquete.firmar(
        nuevas, efirma.private_key, efirma.cer, [cf.sat_ac().certificate_der]
    )
    cambiado = _rehacer(
        hecho.ruta, tmp_path / "ajeno.zip", {recibos[0]: ajeno, HUELLAS: nuevas, FIRMA: firma}
    )
    malo = _comprobar(empresa, cambiado)
    assert malo.codigo == 2
    assert any("no es de este cliente" in m for m in malo.motivos), malo.motivos
    assert any("es en realidad el recibo" in m for m in malo.motivos)

    # Unsigned: `paquete` says it lacks the signature; the client is told it is not to trust.
    sin_firma = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "s.zip")
    assert not sin_firma.firmado and sin_firma.faltan
    malo = _comprobar(empresa, sin_firma.ruta)
    assert malo.codigo == 2 and any("no está firmado" in m for m in malo.motivos)

    # On the client's PC: another installation, no empresa, only the SAT's authorities.
    cliente_pc = tmp_path / "cliente"
    nc.confiar(cliente_pc)
    bueno = cli(cliente_pc, "evidencias", "verificar", hecho.ruta, "--contratante", CLIENTE)
    assert bueno.returncode == 0, bueno.stderr
    assert "auténtico y está completo" in bueno.stdout and nc.RFC_EMPRESA in bueno.stdout
    roto = cli(cliente_pc, "evidencias", "verificar", cambiado)
    assert roto.returncode == 2 and "no es de este cliente" in roto.stderr
    assert "Traceback" not in roto.stderr


def _recibos_guardados(services) -> list[bytes]:
    import zlib

    with closing(cifrado.conectar(ruta_de(services.store.path))) as conn:
        return [
            zlib.decompress(archivo_.leer(conn, h))
            for (h,) in conn.execute("SELECT DISTINCT sha256 FROM recibos")
        ]


def test_a_receipt_repointed_at_another_clients_xml_is_not_packed(empresa, tmp_path) -> None:
    _todos_menos(empresa, tmp_path)
    with closing(cifrado.conectar(ruta_de(empresa.store.path))) as conn:
        filas = conn.execute("SELECT timbre, sha256 FROM recibos").fetchall()
        import zlib

        xml = {
            h: zlib.decompress(archivo_.leer(conn, h))
            for (h,) in conn.execute("SELECT sha256 FROM archivos").fetchall()
        }
        propio = next(t for t, h in filas if CLIENTE.encode() in xml.get(h, b""))
        ajeno = next(h for _, h in filas if CLIENTE.encode() not in xml[h])
        conn.execute("UPDATE recibos SET sha256 = ? WHERE timbre = ?", (ajeno, propio))
        conn.commit()
    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "p.zip")
    nombre = f"recibos/{propio.upper()}.xml"
    assert nombre not in hecho.miembros
    assert any(f.startswith(nombre) and "es de otro recibo" in f for f in hecho.faltan)
    with zipfile.ZipFile(hecho.ruta) as zf:
        assert nombre not in zf.namelist()
        assert any(f[0].startswith("Falta: " + nombre) for f in _indice(zf))


def test_what_the_client_is_told_of_a_broken_or_forged_pack(empresa, efirma, tmp_path) -> None:
    from icsoe_desktop.domain.errors import ValidationError

    roto = tmp_path / "roto.zip"
    roto.write_bytes(b"no soy un zip")
    with pytest.raises(ValidationError) as ilegible:
        _comprobar(empresa, roto)
    assert ilegible.value.code == "paquete_ilegible"
    with zipfile.ZipFile(tmp_path / "otro.zip", "w") as zf:
        zf.writestr("indice.xlsx", b"")
    with pytest.raises(ValidationError) as ajeno:
        _comprobar(empresa, tmp_path / "otro.zip")
    assert ajeno.value.code == "paquete_sin_huellas"

    cer, key = efirma.write(tmp_path / "efirma")
    hecho = empresa.evidencias.paquete(
        CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "p.zip", efirma=(cer, key, cf.PASSWORD)
    )
    assert hecho.faltan  # the month's documents and the REPSE registration: exit 1
    incompleto = _comprobar(empresa, hecho.ruta)
    assert (incompleto.codigo, incompleto.motivos) == (1, [])
    assert incompleto.faltan == hecho.faltan
    with zipfile.ZipFile(hecho.ruta) as zf:
        huellas = zf.read(HUELLAS)
        recibo = sorted(n for n in zf.namelist() if n.startswith("recibos/"))[0]
        xml = zf.read(recibo)
    # Not for the client who checks it.
    otro = verificar(
        hecho.ruta,
        empresa.certificates.emisores.trust_store(),
        empresa.verificador_nomina,
        "AAA010101AAA",
    )
    assert any("no para AAA010101AAA" in m for m in otro.motivos)

    # A receipt altered, a member added and one removed, an odd line: each named, with the list
    # signed again by another RFC's e.firma from an authority this PC does not trust.
    alterado = xml.replace(b'Total="', b'Total="1', 1)
    nuevas = _con_huella(huellas, recibo, alterado) + b"basura\n" + b"0" * 64 + b"  quitado.pdf\n"
    nuevas = nuevas.replace(f"# cliente: {CLIENTE}\n".encode(), b"")
    intruso = cf.fiel_moral(
        issuer=nc.ac_falsa(),
        valid_from=datetime(2020, 1, 1, tzinfo=UTC),
        valid_to=datetime(2021, 1, 1, tzinfo=UTC),
    )
    firma = firma_paquete.firmar(nuevas, intruso.private_key, intruso.cer, [])
    forjado = _rehacer(
        hecho.ruta,
        tmp_path / "forjado.zip",
        {recibo: alterado, HUELLAS: nuevas, FIRMA: firma, "extra.txt": b"agregado"},
    )
    with zipfile.ZipFile(forjado, "a") as zf, pytest.warns(UserWarning):
        zf.writestr(recibo, xml)  # the genuine one again, under the same name
    malo = _comprobar(empresa, forjado)
    assert malo.codigo == 2
    dichos = "\n".join(malo.motivos)
    for esperado in (
        "El sello no corresponde",
        "«extra.txt» está en el paquete pero no en su lista",
        "«quitado.pdf» está en la lista firmada pero no en el paquete",
        "renglón que no se entiende",
        f"lo firmó la e.firma de {cf.RFC_MORAL}",
        "no se encadena a ninguna de las autoridades confiables",
        "no dice de qué contratista ni para qué cliente es",
        "La e.firma que firmó no estaba vigente",
        "archivos repetidos con el mismo nombre",
    ):
        assert esperado in dichos, (esperado, dichos)

    muchos = Verificacion()
    for n in range(60):
        muchos.motivo(f"motivo {n}")
    assert (len(muchos.motivos), muchos.mas_motivos, muchos.codigo) == (50, 10, 2)

    # The signature itself: damaged, or over other bytes.
    with pytest.raises(ValidationError) as danada:
        firma_paquete.verificar(b"\x30\x03\x02\x01\x00", huellas)
    assert danada.value.code == "paquete_firma_invalida"
    with pytest.raises(ValidationError) as otra_lista:
        firma_paquete.verificar(firma, huellas)
    assert "la lista cambió" in otra_lista.value.message
