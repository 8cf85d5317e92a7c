"""Importing CFDI de nómina into a real store: a payroll's folders and ZIPs stored once per
UUID, each bad receipt listed with its reason, a ZIP bomb refused whole, Cancelar keeping
whole batches, a substitute replacing the receipt it cancels, the role matrix and the audit."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import struct
import zipfile
import zlib
from contextlib import closing
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.evidencias import archivo as archivo_
from icsoe_desktop.services.nomina import importar as importar_
from icsoe_desktop.services.nomina.fuentes import ZipRechazado
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.models import AuditEntry, ReciboNomina, SubcontratacionNomina
from tests import nomina_cfdi as nc
from tests.en_claro import copia_en_claro
from tests.paginas_danadas import needs_dbstat

CUATRIMESTRE = Periodo(2026, 1)


@pytest.fixture
def empresa(services, data_dir):
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    return services


@pytest.fixture(scope="module")
def gente() -> list[nc.Trabajador]:
    return nc.trabajadores(6, seed=5)


def _contar(services, modelo=ReciboNomina) -> int:
    with services.store.session() as session:
        return session.scalar(select(func.count()).select_from(modelo))


def _auditoria(services, accion: str) -> list[tuple[str, str]]:
    with services.store.session() as session:
        return [
            (e.target, e.detail)
            for e in session.scalars(select(AuditEntry).where(AuditEntry.action == accion))
        ]


def test_weekly_and_biweekly_receipts_in_folders_are_stored_once(empresa, gente, tmp_path):
    emisor = nc.Emisor()
    semanales = list(nc.nomina(emisor, gente[:4], nc.semanas(date(2026, 2, 2), 2)))
    quincenales = list(
        nc.nomina(emisor, gente[4:], [nc.Periodo.quincena(2026, 3)], version="3.3", seed=9)
    )
    carpeta = nc.escribir(tmp_path / "nomina", semanales)
    nc.escribir(carpeta / "quincena" / "marzo", quincenales)
    reporte = empresa.nomina.importar([carpeta], CLI_ACTOR)
    total = len(semanales) + len(quincenales)
    assert (reporte.leidos, reporte.guardados, reporte.rechazados) == (total, total, 0)
    assert reporte.sin_sello_sat == 0 and reporte.rechazos == []
    assert _contar(empresa) == total

    again = empresa.nomina.importar([carpeta], CLI_ACTOR)
    assert (again.guardados, again.duplicados) == (0, total)
    assert {uuid for _, uuid in again.repetidos} == {
        n.removesuffix(".xml") for n, _ in semanales + quincenales
    }
    assert _contar(empresa) == total
    assert [d for _, d in _auditoria(empresa, "nomina_importada")][-1].startswith(
        f"{total} recibos leídos"
    )
    (lote,) = _auditoria(empresa, "nomina_lote_guardado")  # the import again stored none
    primero = min(n.removesuffix(".xml") for n, _ in semanales + quincenales).upper()
    assert lote == (carpeta.name, f"{total} recibos guardados; UUID {primero} a {lote[1][-36:]}")

    filas = empresa.nomina_consulta.listar(CLI_ACTOR, CUATRIMESTRE, con_importes=True)
    assert len(filas) == total
    por_trabajador = {f.nss for f in filas}
    assert por_trabajador == {t.nss for t in gente}
    quincena = next(f for f in filas if f.nss == gente[4].nss)
    assert (quincena.fecha_inicial, quincena.fecha_final) == (date(2026, 3, 1), date(2026, 3, 15))
    assert quincena.sbc == int(gente[4].sbc * 100)
    for cliente in nc.CLIENTES:
        suyos = empresa.nomina_consulta.listar(CLI_ACTOR, CUATRIMESTRE, cliente)
        assert suyos and all(cliente in dict(f.clientes) for f in suyos)
    assert empresa.nomina_consulta.listar(CLI_ACTOR, Periodo(2026, 2)) == []


def test_each_bad_receipt_is_listed_with_its_reason_and_the_good_ones_stored(
    empresa, gente, tmp_path
):
    buenos = list(nc.nomina(nc.Emisor(), gente[:3], nc.semanas(date(2026, 3, 2), 1)))
    semana = nc.Periodo.semana(date(2026, 3, 9))
    alterado = nc.recibo(nc.Emisor(), gente[3], semana).replace(
        f'SalarioBaseCotApor="{gente[3].sbc:.2f}"'.encode(), b'SalarioBaseCotApor="1500.00"'
    )
    otro_rfc = nc.recibo(nc.Emisor(certificado=nc.csd("OTR010101AA1", "OTRA")), gente[3], semana)
    falso = nc.recibo(nc.Emisor(certificado=nc.csd(issuer=nc.ac_falsa())), gente[4], semana)
    archivos = [
        *buenos,
        ("alterado.xml", alterado),
        ("otro_rfc.xml", otro_rfc),
        ("csd_falso.xml", falso),
        ("cortado.xml", buenos[0][1][:700]),
        ("copia.xml", buenos[1][1]),  # the same UUID under another name
        ("leeme.txt", b"no es un recibo"),  # not an .xml: not read
    ]
    carpeta = nc.escribir(tmp_path / "lote", archivos)
    reporte = empresa.nomina.importar([carpeta], CLI_ACTOR)
    motivos = {r.archivo: r.codigo for r in reporte.rechazos}
    assert motivos == {
        "alterado.xml": "sello_invalido",
        "otro_rfc.xml": "certificado_otro_rfc",
        "csd_falso.xml": "certificado_no_confiable",
        "cortado.xml": "xml_malformado",
    }
    assert all(r.motivo for r in reporte.rechazos)
    assert (reporte.leidos, reporte.guardados, reporte.duplicados, reporte.rechazados) == (
        8,
        3,
        1,
        4,
    )
    assert _contar(empresa) == 3


def test_a_zip_is_read_and_a_zip_bomb_refused_before_anything_is_read(empresa, gente, tmp_path):
    recibos = list(nc.nomina(nc.Emisor(), gente[:3], nc.semanas(date(2026, 1, 5), 2), seed=3))
    paquete = tmp_path / "nomina.zip"
    paquete.write_bytes(nc.zip_de(recibos))
    assert empresa.nomina.importar([paquete], CLI_ACTOR).guardados == len(recibos)

    bomba = tmp_path / "bomba.zip"
    with zipfile.ZipFile(bomba, "w", zipfile.ZIP_DEFLATED) as archivo:
        archivo.writestr("recibo.xml", recibos[0][1])
        archivo.writestr("relleno.xml", b" " * (40 * 1024 * 1024))
    assert bomba.stat().st_size < 200_000
    with pytest.raises(ZipRechazado) as refused:
        empresa.nomina.importar([bomba], CLI_ACTOR)
    assert refused.value.code == "zip_bomba"
    assert "bomba ZIP" in refused.value.message and "relleno.xml" in refused.value.message
    assert _contar(empresa) == len(recibos)

    danado = tmp_path / "danado.zip"
    danado.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ZipRechazado) as roto:
        empresa.nomina.importar([danado], CLI_ACTOR)
    assert roto.value.code == "zip_danado"


def test_the_receipts_after_a_zip64s_65535th_member_are_imported(empresa, gente, tmp_path):
    """More members than a ZIP's 16-bit count holds (its ZIP64 record counts them): the
    receipts after them imported, the other files not counted."""
    recibos = list(nc.nomina(nc.Emisor(), gente[:3], nc.semanas(date(2026, 2, 2), 1), seed=8))
    paquete = tmp_path / "paquete.zip"
    with zipfile.ZipFile(paquete, "w") as archivo:
        for i in range(70_000):
            archivo.writestr(f"notas/n{i:06}.txt", b"")
        for nombre, xml in recibos:
            archivo.writestr(nombre, xml)
    reporte = empresa.nomina.importar([paquete], CLI_ACTOR)
    assert (reporte.leidos, reporte.guardados, reporte.rechazos) == (3, 3, [])


def test_a_zip_member_that_inflates_beyond_its_header_is_refused_not_inflated(
    empresa, gente, tmp_path
):
    """The header says a few bytes; the data says megabytes: read no further than declared."""
    recibo = nc.recibo(nc.Emisor(), gente[0], nc.Periodo.semana(date(2026, 3, 2)))
    paquete = tmp_path / "mentiroso.zip"
    with zipfile.ZipFile(paquete, "w", zipfile.ZIP_DEFLATED) as archivo:
        archivo.writestr("grande.xml", recibo + b" " * 1_000_000)
    data = bytearray(paquete.read_bytes())
    # The uncompressed size, in the local header (offset 22) and the central directory (24).
    declarado = len(recibo).to_bytes(4, "little")
    data[22:26] = declarado
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = declarado
    paquete.write_bytes(bytes(data))
    reporte = empresa.nomina.importar([paquete], CLI_ACTOR)
    assert [(r.codigo, r.archivo) for r in reporte.rechazos] == [
        ("zip_miembro_ilegible", "mentiroso.zip/grande.xml")
    ]
    assert _contar(empresa) == 0


def _miembro(zip_bytes: bytes, nombre: str) -> tuple[int, int]:
    """Where ``nombre``'s compressed bytes are in ``zip_bytes`` (after its local header)."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archivo:
        info = archivo.getinfo(nombre)
    inicio = info.header_offset
    largos = int.from_bytes(zip_bytes[inicio + 26 : inicio + 28], "little") + int.from_bytes(
        zip_bytes[inicio + 28 : inicio + 30], "little"
    )
    return inicio + 30 + largos, inicio + 30 + largos + info.compress_size


def test_a_zips_receipts_are_archived_as_it_compressed_them_and_a_damaged_member_refused(
    empresa, gente, tmp_path
):
    """The evidence archive keeps a ZIP's receipt as the ZIP deflated it (those very bytes, as
    a zlib stream), and gives back the XML as imported; a member whose bytes are not what its
    header says (another CRC-32, cut short) or whose local header names another file is
    refused with its reason, the others stored."""
    recibos = list(nc.nomina(nc.Emisor(), gente[:4], nc.semanas(date(2026, 1, 5), 1), seed=3))
    assert len(recibos) == 4
    datos = bytearray(nc.zip_de(recibos))
    (bueno, xml), (crc, _), (corto, _), (ajeno, _) = recibos
    inicio, fin = _miembro(bytes(datos), crc)
    datos[fin - 1] ^= 0xFF  # the last compressed byte: the data inflate to something else
    inicio, fin = _miembro(bytes(datos), corto)
    datos[inicio + 10 : fin] = b"\x00" * (fin - inicio - 10)  # no deflate stream
    cabecera = datos.index(ajeno.encode(), 0, _miembro(bytes(datos), ajeno)[0])
    datos[cabecera] = ord("X")  # its local header names another file
    paquete = tmp_path / "nomina.zip"
    paquete.write_bytes(bytes(datos))
    reporte = empresa.nomina.importar([paquete], CLI_ACTOR)
    assert reporte.guardados == 1
    assert sorted((r.codigo, r.archivo) for r in reporte.rechazos) == [
        ("zip_miembro_ilegible", f"nomina.zip/{nombre}") for nombre in sorted([crc, corto, ajeno])
    ]
    archivo = empresa.archivo_evidencias
    ((huella,),) = [tuple(archivo.recibos([u]).values()) for u in _uuids(empresa)]
    assert huella == hashlib.sha256(xml).hexdigest()
    assert list(archivo.leer_varios([huella])) == [xml]
    with cifrado.conectar(archivo.path) as conn:
        guardado = archivo_.leer(conn, huella)
    conn.close()
    inicio, fin = _miembro(bytes(datos), bueno)
    assert guardado[2:-4] == bytes(datos[inicio:fin]) and zlib.decompress(guardado) == xml


def _zip_de_bytes(nombre: str, guardados: bytes, datos: bytes, metodo: int = 8) -> bytes:
    """A ZIP of one member ``nombre`` whose stored bytes are ``guardados`` (``metodo`` 8:
    deflated; 0: stored) and whose header declares ``datos``' CRC-32 and size."""
    campos = (20, 0, metodo, 0, 0x21, zlib.crc32(datos), len(guardados), len(datos))
    nombre_b = nombre.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", *campos, len(nombre_b), 0) + nombre_b
    central = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, *campos, len(nombre_b), 0, 0, 0, 0, 0, 0
    )
    directorio = len(local) + len(guardados)
    fin = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(nombre_b),
                      directorio, 0)  # fmt: skip
    return local + guardados + central + nombre_b + fin


def test_a_zip_member_stored_or_with_bytes_after_its_stream_is_archived_compressed_again(
    empresa, gente, tmp_path
):
    """A member the ZIP stores uncompressed, and one whose deflated bytes go on after their
    stream ends (the data stand, those bytes are not them): both stored, the archive
    compressing their XML itself; a member cut short is refused."""
    recibos = list(nc.nomina(nc.Emisor(), gente[:3], nc.semanas(date(2026, 1, 5), 1), seed=7))
    (guardado, xml_a), (con_cola, xml_b), (cortado, xml_c) = recibos
    compresor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflado_b = compresor.compress(xml_b) + compresor.flush()
    deflado_c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflado_c = deflado_c.compress(xml_c) + deflado_c.flush()
    paquetes = [
        (tmp_path / "a.zip", _zip_de_bytes(guardado, xml_a, xml_a, metodo=0)),
        (tmp_path / "b.zip", _zip_de_bytes(con_cola, deflado_b + b"cola", xml_b)),
    ]
    for ruta, datos in paquetes:
        ruta.write_bytes(datos)
    reporte = empresa.nomina.importar([ruta for ruta, _ in paquetes], CLI_ACTOR)
    assert (reporte.guardados, reporte.rechazos) == (2, [])
    archivo = empresa.archivo_evidencias
    huellas = [hashlib.sha256(x).hexdigest() for x in (xml_a, xml_b)]
    assert sorted(archivo.recibos(_uuids(empresa)).values()) == sorted(huellas)
    assert list(archivo.leer_varios(huellas)) == [xml_a, xml_b]
    # Cut short: half its deflated bytes, the directory after them.
    completo = _zip_de_bytes(cortado, deflado_c, xml_c)
    mitad, fin = 30 + len(cortado) + len(deflado_c) // 2, 30 + len(cortado) + len(deflado_c)
    ruta = tmp_path / "c.zip"
    ruta.write_bytes(completo[:mitad] + completo[fin:])
    reporte = empresa.nomina.importar([ruta], CLI_ACTOR)
    assert [(r.codigo, r.archivo) for r in reporte.rechazos] == [
        ("zip_miembro_ilegible", f"c.zip/{cortado}")
    ]


def _uuids(services) -> list[str]:
    with services.store.session() as session:
        return list(session.scalars(select(ReciboNomina.uuid)))


def test_cancelar_keeps_the_batches_committed_and_a_new_import_completes(
    empresa, tmp_path, monkeypatch
):
    # Batches of 200, not 2,000: what Cancelar keeps is the same, for a tenth of the receipts
    # signed and verified (batches of the real size: tests/services/test_trabajo_detenido.py).
    lote = 200
    monkeypatch.setattr(importar_, "LOTE", lote)
    gente = nc.trabajadores(lote + 40, seed=21)
    recibos = list(nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 4, 6), 1), seed=4))
    paquete = tmp_path / "semana.zip"
    paquete.write_bytes(nc.zip_de(recibos))
    vistos: list[int] = []
    reporte = empresa.nomina.importar(
        [paquete],
        CLI_ACTOR,
        lambda hecho, _total: vistos.append(hecho),
        lambda: len(vistos) > lote + 20,
    )
    assert reporte.cancelado
    assert reporte.guardados == lote == _contar(empresa)
    assert _auditoria(empresa, "nomina_importada")[-1][1].endswith("(importación cancelada)")
    rest = empresa.nomina.importar([paquete], CLI_ACTOR)
    assert (rest.guardados, rest.duplicados) == (len(recibos) - lote, lote)
    assert _contar(empresa) == len(recibos)


def test_a_receipt_cancelled_and_issued_again_is_replaced_by_its_substitute(
    empresa, gente, tmp_path
):
    semana = nc.Periodo.semana(date(2026, 3, 2))
    original_uuid = "11111111-2222-4333-8444-555555555555"
    original = nc.recibo(nc.Emisor(), gente[0], semana, uuid_timbre=original_uuid)
    sustituto = nc.recibo(
        nc.Emisor(),
        gente[0],
        semana,
        extra=(("019", "Horas extra", Decimal("200.00"), Decimal("200.00")),),
        sustituye=(original_uuid,),
    )
    uno = nc.escribir(tmp_path / "uno", [("original.xml", original)])
    dos = nc.escribir(tmp_path / "dos", [("sustituto.xml", sustituto)])
    assert empresa.nomina.importar([uno], CLI_ACTOR).guardados == 1
    reporte = empresa.nomina.importar([dos], CLI_ACTOR)
    assert (reporte.guardados, reporte.sustituidos) == (1, 1)
    filas = empresa.nomina_consulta.listar(CLI_ACTOR, CUATRIMESTRE, con_importes=True)
    assert [f.timbre for f in filas] != [original_uuid] and len(filas) == 1
    sustituto_uuid = filas[0].timbre
    # The cancelled one, brought again later, stays out.
    tarde = empresa.nomina.importar([uno], CLI_ACTOR)
    assert (tarde.guardados, tarde.sustituidos, tarde.duplicados) == (0, 1, 0)
    # The substituted one stays as a deleted row: its deletion travels to other desktops.
    with empresa.store.session() as session:
        vivos = session.scalars(select(ReciboNomina.uuid).where(~ReciboNomina.deleted)).all()
    assert vivos == [sustituto_uuid.lower()]


def test_without_the_sats_certificate_receipts_are_stored_and_said_unverified(
    services, data_dir, gente, tmp_path
):
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir, sat=False)
    carpeta = nc.escribir(
        tmp_path / "n", nc.nomina(nc.Emisor(), gente[:2], nc.semanas(date(2026, 3, 2), 1))
    )
    reporte = services.nomina.importar([carpeta], CLI_ACTOR)
    assert (reporte.guardados, reporte.sin_sello_sat) == (2, 2)
    assert not any(f.sello_sat for f in services.nomina_consulta.listar(CLI_ACTOR, CUATRIMESTRE))


def test_an_empresa_without_rfc_or_a_missing_path_reads_nothing(services, data_dir, tmp_path):
    with pytest.raises(ValidationError) as sin_rfc:
        services.nomina.importar([tmp_path], CLI_ACTOR)
    assert sin_rfc.value.code == "empresa_sin_rfc"
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    with pytest.raises(ValidationError) as falta:
        services.nomina.importar([tmp_path / "no-existe"], CLI_ACTOR)
    assert falta.value.code == "nomina_no_encontrado"
    with pytest.raises(ValidationError) as vacia:
        services.nomina.importar([tmp_path], CLI_ACTOR)
    assert vacia.value.code == "nomina_sin_xml"


def test_a_guest_lists_receipts_without_amounts_and_may_not_import(empresa, gente, tmp_path):
    carpeta = nc.escribir(
        tmp_path / "n", nc.nomina(nc.Emisor(), gente[:2], nc.semanas(date(2026, 3, 2), 1))
    )
    empresa.nomina.importar([carpeta], CLI_ACTOR)
    consulta = empresa.nomina_consulta.listar(None, CUATRIMESTRE)
    assert len(consulta) == 2 and all(f.sbc is None and f.sdi is None for f in consulta)
    with pytest.raises(PermisoDenegado) as importes:
        empresa.nomina_consulta.listar(None, CUATRIMESTRE, con_importes=True)
    assert "ver los importes de los recibos de nómina" in importes.value.message
    with pytest.raises(PermisoDenegado) as importar:
        empresa.nomina.importar([carpeta], None)
    assert "importar recibos de nómina (CFDI)" in importar.value.message
    with empresa.catalogo.session() as session:
        negados = session.scalars(
            select(AuditEntry.target).where(AuditEntry.action == "permiso_denegado")
        ).all()
    assert {"IMPORTES_NOMINA", "IMPORTAR_NOMINA"} <= set(negados)


@needs_dbstat
def test_the_store_grows_less_than_a_kilobyte_per_receipt(empresa, tmp_path):
    gente = nc.trabajadores(300, seed=8)
    recibos = list(nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 2, 2), 2), seed=6))
    paquete = tmp_path / "dos_semanas.zip"
    paquete.write_bytes(nc.zip_de(recibos))
    assert empresa.nomina.importar([paquete], CLI_ACTOR).guardados == len(recibos)
    assert _contar(empresa, SubcontratacionNomina) >= len(recibos)
    # Measured on a plain copy (SQLCipher has no dbstat; its pages are the same size).
    copia = copia_en_claro(empresa.store.path, tmp_path / "copia.sqlite3")
    with closing(sqlite3.connect(copia)) as plano:
        ocupado = plano.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%nomina%'"
        ).fetchone()[0]
    assert ocupado / len(recibos) <= 1024, ocupado / len(recibos)


def test_the_workers_to_propose_for_a_client_are_those_its_receipts_name(empresa, gente, tmp_path):
    """One per worker, with the SBC of his latest receipt naming the client in the period;
    not who served only another client, nor who served it in another cuatrimestre."""
    from dataclasses import replace

    cliente, otro = nc.CLIENTES[0], nc.CLIENTES[1]
    ana, beto, carla, dario = gente[:4]
    semanas = nc.semanas(date(2026, 3, 2), 2)
    aumento = replace(ana, sbc=ana.sbc + Decimal("50.00"))
    archivos = [
        (
            "ana1.xml",
            nc.recibo(nc.Emisor(), ana, semanas[0], subcontrataciones=((cliente, "100"),)),
        ),
        (
            "ana2.xml",
            nc.recibo(
                nc.Emisor(), aumento, semanas[1], subcontrataciones=((cliente, "50"), (otro, "50"))
            ),
        ),
        ("beto.xml", nc.recibo(nc.Emisor(), beto, semanas[0], subcontrataciones=((otro, "100"),))),
        (
            "carla.xml",
            nc.recibo(
                nc.Emisor(),
                carla,
                nc.Periodo.semana(date(2026, 5, 4)),
                subcontrataciones=((cliente, "100"),),
            ),
        ),
        (
            "dario.xml",
            nc.recibo(nc.Emisor(), dario, semanas[1], subcontrataciones=((cliente, "100"),)),
        ),
    ]
    empresa.nomina.importar([nc.escribir(tmp_path / "n", archivos)], CLI_ACTOR)
    propuestos = empresa.nomina_consulta.proponer(CLI_ACTOR, CUATRIMESTRE, cliente, True)
    assert {(p.curp, p.sbc, p.recibos) for p in propuestos} == {
        (ana.curp, int(aumento.sbc * 100), 2),
        (dario.curp, int(dario.sbc * 100), 1),
    }
    assert next(p for p in propuestos if p.curp == ana.curp).fecha_final == semanas[1].fin
    segundo = empresa.nomina_consulta.proponer(CLI_ACTOR, Periodo(2026, 2), cliente.lower())
    assert [(p.curp, p.sbc) for p in segundo] == [(carla.curp, None)]


def test_a_receipts_sbc_unlike_the_movimientos_is_a_posible_modificacion_no_avisada(
    empresa, tmp_path
):
    """nss(7) had 500.00 registered from 01/06/2026 and nss(1) 651.84: a June receipt of 520.00
    for the first is listed, one of 651.84 for the second is not, nor a worker without
    movimientos."""
    from dataclasses import replace

    from tests.informativa_servicios import movimientos_con_sbc
    from tests.services.movimientos_data import nss

    movimientos_con_sbc(empresa, tmp_path)
    maria, luis, otro = nc.trabajadores(3, seed=61)
    maria = replace(maria, nss=nss(7), sbc=Decimal("520.00"))
    luis = replace(luis, nss=nss(1), sbc=Decimal("651.84"))
    semana = nc.Periodo.semana(date(2026, 6, 8))
    carpeta = nc.escribir(
        tmp_path / "junio",
        [(f"{t.curp}.xml", nc.recibo(nc.Emisor(), t, semana)) for t in (maria, luis, otro)],
    )
    assert empresa.nomina.importar([carpeta], CLI_ACTOR).guardados == 3
    (aviso,) = empresa.nomina_consulta.salarios_no_avisados(CLI_ACTOR, Periodo(2026, 2))
    assert (aviso.nss, aviso.sbc_recibo, aviso.sbc_movimientos) == (nss(7), 52_000, 50_000)
    assert aviso.plazo == date(2026, 6, 15)  # five días hábiles after Monday 8 June
    with pytest.raises(PermisoDenegado):
        empresa.nomina_consulta.salarios_no_avisados(None, Periodo(2026, 2))
