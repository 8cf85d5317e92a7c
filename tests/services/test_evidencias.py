"""Evidencias del cliente through the real services on a real store: receipts imported (their
XML kept by the import), the month's documents attached once for every client or for one, what
each client has and lacks, and its pack — an index whose SHA-256 match the members (read back
by openpyxl and by LibreOffice), a second pack naming what changed, and a pack killed (SIGKILL,
or TerminateProcess on Windows) while writing leaving no file by its name."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.evidencias import DOCUMENTOS, Mes
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.evidencias.archivo import ruta_de
from icsoe_desktop.services.evidencias.paquete import SAT_SIN_VERIFICAR, SAT_VERIFICADO, Revision
from icsoe_desktop.services.evidencias.servicio import EstadoCliente
from icsoe_desktop.services.informativa.repse import Pdf
from icsoe_desktop.store import cifrado, sumas
from tests import nomina_cfdi as nc
from tests import respaldos
from tests.icsoe_helpers import enter_contratista
from tests.libreoffice import EN_WINDOWS_SIN_LIBREOFFICE, convertir
from tests.services.test_repse import constancia_repse, registro_pdf

OCTUBRE = Mes(2026, 10)
CLIENTE, OTRO, TERCERO = nc.CLIENTES
REPO = Path(__file__).resolve().parents[2]


def _pdf(tmp_path: Path, nombre: str, texto: str) -> Path:
    ruta = tmp_path / nombre
    ruta.write_bytes(registro_pdf(texto))
    return ruta


@pytest.fixture
def empresa(services, data_dir, tmp_path):
    """The payroll's emisor, with three weeks of October paid to six workers, each serving one
    or two of the three clients."""
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    recibos = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(6, seed=5), nc.semanas(date(2026, 10, 5), 3))
    )
    carpeta = nc.escribir(tmp_path / "octubre", recibos)
    assert services.nomina.importar([carpeta], CLI_ACTOR).guardados == 18
    return services


def documento_del_mes(tipo: str, rfc: str = nc.RFC_EMPRESA) -> str:
    """What the right document of October 2026 says, by slot: its kind, RFC and period (an
    opinion: positive, and its date)."""
    if tipo.startswith("opinion_"):
        autoridad = {"sat": "SAT", "imss": "IMSS", "infonavit": "INFONAVIT"}[tipo[8:]]
        return (
            f"Opinión del cumplimiento de obligaciones ({autoridad})\nRFC: {rfc}\n"
            "Fecha de emisión: 03/11/2026\nSentido: Positivo"
        )
    que = {
        "isr": "Declaración de retenciones de ISR",
        "acuse_isr": "Acuse de recibo de la declaración de ISR",
        "pago_isr": "Recibo bancario de pago de contribuciones federales (ISR)",
        "iva": "Declaración de IVA",
        "acuse_iva": "Acuse de recibo de la declaración de IVA",
        "sua": "Cédula de determinación de cuotas SUA",
    }[tipo]
    return f"{que}\nRFC: {rfc}\nPeriodo: Octubre 2026"


def _todos_menos(services, tmp_path: Path, *faltan: str) -> None:
    for tipo in DOCUMENTOS:
        if tipo not in faltan:
            pdf = _pdf(tmp_path, f"{tipo}.pdf", documento_del_mes(tipo))
            assert services.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, tipo, pdf).avisos == ()


def test_a_missing_iva_acuse_is_missing_for_every_client(empresa, tmp_path) -> None:
    _todos_menos(empresa, tmp_path, "acuse_iva")
    estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    assert set(estado) == set(nc.CLIENTES)
    for cliente in estado.values():
        assert cliente.recibos > 0 and cliente.recibos_sin_xml == 0
        assert cliente.documentos["acuse_iva"] is None
        assert cliente.faltan == ["Acuse de la declaración de IVA", "Registro REPSE"]
        assert cliente.entrega == date(2026, 11, 17)
    # Attached for one client only: that client has it, the others still lack it.
    acuse = _pdf(tmp_path, "acuse_iva_cli.pdf", "Acuse IVA")
    empresa.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "acuse_iva", acuse, CLIENTE.lower())
    estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    assert estado[CLIENTE].documentos["acuse_iva"] == "acuse_iva_cli.pdf"
    assert estado[OTRO].documentos["acuse_iva"] is None
    # Another month has none of it.
    noviembre = empresa.evidencias.estado(CLI_ACTOR, Mes(2026, 11))
    assert noviembre == []  # no receipts and no contratantes captured


def test_the_same_file_is_kept_once(empresa, tmp_path) -> None:
    from contextlib import closing

    pdf = _pdf(tmp_path, "opinion.pdf", "Opinión positiva")
    a = empresa.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "opinion_sat", pdf).sha256
    b = empresa.evidencias.adjuntar(CLI_ACTOR, Mes(2026, 11), "opinion_sat", pdf).sha256
    assert a == b == hashlib.sha256(pdf.read_bytes()).hexdigest()
    with closing(cifrado.conectar(ruta_de(empresa.store.path))) as conn:
        assert conn.execute("SELECT count(*) FROM archivos WHERE sha256 = ?", (a,)).fetchone() == (
            1,
        )
        assert conn.execute("SELECT count(*) FROM recibos").fetchone() == (18,)


@pytest.mark.parametrize(
    ("kwargs", "codigo"),
    [
        ({"tipo": "declaracion"}, "documento_desconocido"),
        ({"contratante": "NO-ES-RFC"}, "rfc_longitud"),
        ({"datos": b""}, "acuse_vacio"),
        ({"datos": b"<xml/>"}, "acuse_no_pdf"),
        ({"datos": b"%PDF-1.7 roto"}, "acuse_danado"),
        ({"datos": b"%PDF-" + b"0" * (2 * 1024 * 1024 + 5)}, "acuse_grande"),
    ],
)
def test_a_wrong_document_is_refused_in_spanish(empresa, tmp_path, kwargs, codigo) -> None:
    ruta = tmp_path / "doc.pdf"
    ruta.write_bytes(kwargs.pop("datos", registro_pdf()))
    with pytest.raises(ValidationError) as refused:
        empresa.evidencias.adjuntar(
            CLI_ACTOR, OCTUBRE, kwargs.get("tipo", "iva"), ruta, kwargs.get("contratante")
        )
    assert refused.value.code == codigo, refused.value.message
    assert all(e.documentos["iva"] is None for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE))


def test_a_missing_file_is_told_in_spanish(empresa, tmp_path) -> None:
    with pytest.raises(ValidationError) as refused:
        empresa.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "iva", tmp_path / "no-esta.pdf")
    assert refused.value.message == (
        "No se pudo leer «no-esta.pdf»: el archivo o la carpeta no existe."
    )


def _indice(zf: zipfile.ZipFile) -> list[tuple[str, ...]]:
    from openpyxl import load_workbook

    hoja = load_workbook(io.BytesIO(zf.read("indice.xlsx")), read_only=True).active
    return [tuple(str(c or "") for c in fila) for fila in hoja.iter_rows(values_only=True)]


def test_the_pack_holds_what_its_index_says(empresa, tmp_path) -> None:
    _todos_menos(empresa, tmp_path)
    rfc = enter_contratista(empresa, empresa.data_dir, tmp_path)
    registro = constancia_repse(rfc, "AR555/2025")
    empresa.repse.registrar(
        rfc, rfc, "AR555/2025", date(2025, 2, 1), ["Limpieza"], Pdf(registro, "constancia.pdf")
    )
    assert all(e.completo for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE))
    assert {f.celdas[0].texto for f in empresa.evidencias.tablero(CLI_ACTOR, OCTUBRE, 1)} == {
        "Completa"
    }
    salida = tmp_path / "paquetes"
    salida.mkdir()
    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, salida)
    assert hecho.ruta.name == f"evidencia_{nc.RFC_EMPRESA}_{CLIENTE}_202610.zip"
    assert hecho.cambios == []  # the first pack
    with zipfile.ZipFile(hecho.ruta) as zf:
        assert zf.testzip() is None
        nombres = set(zf.namelist())
        todas = _indice(zf)
        assert todas[0] == ("Qué", "Periodo", "Archivo", "SHA-256", "Origen", "Sello del SAT")
        filas = [f for f in todas if f[2]]  # the members; then what is missing (the signature)
        assert todas[len(filas) :] == [
            ("Falta: Firma del paquete con la e.firma del contratista", "2026-10", "", "", "", "")
        ]
        for _que, periodo, archivo, huella, origen, _sat in filas[1:]:
            assert periodo == "2026-10" and origen
            assert hashlib.sha256(zf.read(archivo)).hexdigest() == huella, archivo
        assert {f[2] for f in filas[1:]} | {"indice.xlsx", "huellas.sha256"} == nombres
        recibos = [f for f in filas if f[0] == "Recibos de nómina (CFDI)"]
        estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}
        assert len(recibos) == estado[CLIENTE].recibos
        xml = zf.read(recibos[0][2])
        assert xml.startswith(b"<?xml") and CLIENTE.encode() in xml
        assert {f"documentos/{t}.pdf" for t in DOCUMENTOS} <= nombres
        assert zf.read("repse/registro_repse.pdf") == registro
        assert (
            filas[-1][0],
            filas[-1][4],
        ) == ("Registro REPSE", "Aviso AR555/2025: constancia.pdf")
    assert hecho.sha256 == hashlib.sha256(hecho.ruta.read_bytes()).hexdigest()
    auditado = [e for e in empresa.audit.recent() if e.action == "evidencia_paquete"]
    assert auditado and str(hecho.ruta) in auditado[0].detail


@EN_WINDOWS_SIN_LIBREOFFICE
def test_libreoffice_reads_the_index(empresa, tmp_path) -> None:
    _todos_menos(empresa, tmp_path)
    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, OTRO, tmp_path / "p.zip")
    with zipfile.ZipFile(hecho.ruta) as zf:
        (tmp_path / "indice.xlsx").write_bytes(zf.read("indice.xlsx"))
        miembros = {n: hashlib.sha256(zf.read(n)).hexdigest() for n in zf.namelist()}
    (tmp_path / "csv").mkdir()
    convertir(
        [tmp_path / "indice.xlsx"], "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "csv"
    )
    with open(tmp_path / "csv" / "indice.csv", encoding="utf-8", newline="") as f:
        filas = list(csv.reader(f))
    assert filas[0][:4] == ["Qué", "Periodo", "Archivo", "SHA-256"]
    filas = [f for f in filas if f[2]]  # what is missing follows the members
    assert len(filas) - 1 == len(miembros) - 2  # every member but the index and the list
    for fila in filas[1:]:
        assert miembros[fila[2]] == fila[3], fila


def test_a_second_pack_after_one_more_receipt_lists_the_change(empresa, tmp_path) -> None:
    _todos_menos(empresa, tmp_path)
    # One more worker's receipt, paid on 26/10/2026, naming the client it served.
    otra = list(
        nc.nomina(
            nc.Emisor(), nc.trabajadores(1, seed=77), nc.semanas(date(2026, 10, 19), 1), seed=3
        )
    )
    (_archivo, xml), uuid = otra[0], otra[0][0][:-4]
    cliente = next(c for c in nc.CLIENTES if c.encode() in xml)
    primero = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, cliente, tmp_path / "a.zip")
    assert empresa.nomina.importar([nc.escribir(tmp_path / "mas", otra)], CLI_ACTOR).guardados == 1
    segundo = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, cliente, tmp_path / "b.zip")
    assert segundo.cambios == [f"Nuevo: recibos/{uuid}.xml"]
    with zipfile.ZipFile(segundo.ruta) as zf:
        assert zf.read("cambios.txt").decode() == f"Nuevo: recibos/{uuid}.xml\n"
        assert zf.read(f"recibos/{uuid}.xml") == xml
    assert len(segundo.miembros) == len(primero.miembros) + 1
    tercero = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, cliente, tmp_path / "c.zip")
    assert tercero.cambios == ["Sin cambios desde el paquete anterior."]


def test_a_pack_for_nobody_or_nowhere_is_refused(empresa, tmp_path) -> None:
    with pytest.raises(ValidationError) as nadie:
        empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, "AAA010101AAA", tmp_path / "x.zip")
    assert nadie.value.code == "cliente_sin_evidencia"
    with pytest.raises(ValidationError) as sin_carpeta:
        empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "no" / "x.zip")
    assert sin_carpeta.value.code == "carpeta_inexistente"
    # A receipt's XML the archive lost: the pack stops and leaves nothing.
    from contextlib import closing

    with closing(cifrado.conectar(ruta_de(empresa.store.path))) as conn:
        conn.execute("DELETE FROM archivos WHERE sha256 IN (SELECT sha256 FROM recibos LIMIT 1)")
        conn.commit()
    perdidos = [e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE) if e.recibos_sin_xml == 0]
    assert len(perdidos) <= len(nc.CLIENTES)
    for cliente in nc.CLIENTES:
        destino = tmp_path / f"{cliente}.zip"
        try:
            empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, cliente, destino)
        except ValidationError as exc:
            assert exc.code == "evidencia_sin_archivo"
            assert not destino.exists()
            assert not list(tmp_path.glob("*.parcial"))
            break
    else:  # pragma: no cover - the receipt deleted belongs to some client
        pytest.fail("ningún paquete notó el XML perdido")


_MATAR = r"""
import sys, time
from pathlib import Path
from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services

services = open_services(Path(sys.argv[1]))
def progreso(hechos, total):
    print("escribiendo", hechos, total, flush=True)
    time.sleep(60)  # killed here, half the members in the temporary file
services.evidencias.paquete(CLI_ACTOR, Mes(2026, 10), sys.argv[2], Path(sys.argv[3]), progreso)
"""


@pytest.mark.slow
def test_a_pack_killed_while_writing_leaves_no_zip(services, data_dir, tmp_path) -> None:
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    gente = nc.trabajadores(150, seed=9)
    recibos = list(nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 10, 5), 3), seed=4))
    services.nomina.importar([nc.escribir(tmp_path / "oct", recibos)], CLI_ACTOR)
    cliente = CLIENTE
    services.close()
    destino = tmp_path / "paquete.zip"
    proceso = subprocess.Popen(
        [sys.executable, "-c", _MATAR, str(data_dir), cliente, str(destino)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    with proceso:
        try:
            assert proceso.stdout is not None
            linea = proceso.stdout.readline()
            assert linea.startswith("escribiendo 200"), linea
            parcial = list(tmp_path.glob("paquete.zip.parcial"))
            assert parcial and parcial[0].stat().st_size > 0  # being written
            proceso.kill()  # SIGKILL here; on Windows TerminateProcess, as «End task»
            proceso.wait(timeout=30)
        finally:
            if proceso.poll() is None:  # pragma: no cover - only when an assertion failed
                proceso.kill()
    assert proceso.returncode == (1 if sys.platform == "win32" else -signal.SIGKILL)
    assert not destino.exists()


def test_receipts_without_their_xml_are_named_until_imported_again(empresa, tmp_path) -> None:
    """Imported again, each receipt's XML is kept and the row without the SHA-256 of the XML
    verified (stored before it was recorded, or received from another desktop) records it;
    a copy of other bytes (the same receipt written otherwise, its seals still good) is
    refused as the conflicting copy it is, as the row recorded the XML it was read from."""
    from contextlib import closing

    with closing(cifrado.conectar(ruta_de(empresa.store.path))) as conn:
        conn.execute("DELETE FROM recibos")  # as if imported before the XML were kept
        conn.commit()
    with closing(cifrado.conectar(empresa.store.path)) as conn:
        sumas.register(conn)  # the sync's triggers run on the rows written here
        primero, registrado = conn.execute(
            "SELECT uuid, xml_sha256 FROM nomina_recibos ORDER BY uuid"
        ).fetchone()
        conn.execute("UPDATE nomina_recibos SET xml_sha256 = NULL WHERE uuid != ?", (primero,))
        conn.commit()
    estado = empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)
    assert all(e.recibos_sin_xml == e.recibos > 0 for e in estado)
    assert estado[0].faltan[0] == f"XML de {estado[0].recibos} recibos (impórtalos de nuevo)"
    original = tmp_path / "octubre" / f"{primero.upper()}.xml"
    copia = nc.escribir(
        tmp_path / "copia",
        [
            (
                "copia.xml",
                original.read_bytes().replace(b"<?xml version='1.0'", b'<?xml version="1.0"'),
            )
        ],
    )
    (rechazo,) = empresa.nomina.importar([copia], CLI_ACTOR).rechazos
    assert rechazo.codigo == "recibo_en_conflicto"
    again = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(6, seed=5), nc.semanas(date(2026, 10, 5), 3))
    )
    reporte = empresa.nomina.importar([nc.escribir(tmp_path / "otra_vez", again)], CLI_ACTOR)
    assert reporte.duplicados == 18
    assert all(e.recibos_sin_xml == 0 for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE))
    with closing(cifrado.conectar(empresa.store.path)) as conn:
        huellas = dict(conn.execute("SELECT uuid, xml_sha256 FROM nomina_recibos").fetchall())
    assert huellas[primero] == registrado == hashlib.sha256(original.read_bytes()).digest()
    assert all(
        h == hashlib.sha256((tmp_path / "octubre" / f"{u.upper()}.xml").read_bytes()).digest()
        for u, h in huellas.items()
    )


def test_a_client_captured_without_receipts_lacks_them(empresa, tmp_path) -> None:
    from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte

    rfc = enter_contratista(empresa, empresa.data_dir, tmp_path)
    parte = Parte(
        "SIN010101AA1",
        "Cliente sin recibos SA de CV",
        Domicilio("Av. Uno", "1", "", "Centro", "06000", "Cuauhtémoc", "Ciudad de México"),
    )
    empresa.informativas.guardar_contratante(rfc, rfc, parte)
    estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    sin = estado["SIN010101AA1"]
    assert (sin.nombre, sin.recibos) == ("Cliente sin recibos SA de CV", 0)
    assert sin.faltan[0] == "Recibos de nómina del mes"


def test_cancelar_leaves_no_pack(empresa, tmp_path) -> None:
    from icsoe_desktop.domain.errors import OperacionCancelada

    destino = tmp_path / "p.zip"
    vistos: list[int] = []
    with pytest.raises(OperacionCancelada):
        empresa.evidencias.paquete(
            CLI_ACTOR,
            OCTUBRE,
            CLIENTE,
            destino,
            cancelado=lambda: vistos.append(1) or len(vistos) > 3,
        )
    assert not destino.exists() and not list(tmp_path.glob("*.parcial"))
    assert not [e for e in empresa.audit.recent() if e.action == "evidencia_paquete"]


@pytest.mark.parametrize(
    ("texto", "valido"),
    [("2026-10", True), ("2026-1", False), ("2026-13", False), ("1999-05", False), ("x", False)],
)
def test_the_month_as_typed(texto: str, valido: bool) -> None:
    if valido:
        assert Mes.de_texto(f" {texto} ").clave == texto
        return
    with pytest.raises(ValidationError) as refused:
        Mes.de_texto(texto)
    assert refused.value.code == "mes_invalido"


def test_the_due_day_of_a_month() -> None:
    assert Mes(2026, 12).entrega() == date(2027, 1, 17)
    assert Mes(2027, 1).entrega(31) == date(2027, 2, 28)
    assert Mes(2026, 12).fin == date(2026, 12, 31)


def test_the_board_by_client_and_month_and_its_due_day(empresa, tmp_path) -> None:
    _todos_menos(empresa, tmp_path, "acuse_iva")
    filas = empresa.evidencias.tablero(CLI_ACTOR, OCTUBRE, 3)
    assert [f.contratante for f in filas] == sorted(nc.CLIENTES)
    agosto, septiembre, octubre = filas[0].celdas
    assert (agosto.texto, septiembre.texto) == ("Sin recibos", "Sin recibos")
    assert (octubre.texto, octubre.faltan, octubre.entrega) == ("Faltan 2", 2, date(2026, 11, 17))
    with pytest.raises(ValidationError) as malo:
        empresa.evidencias.fijar_entrega(CLI_ACTOR, CLIENTE, 32)
    assert malo.value.code == "dia_invalido"
    empresa.evidencias.fijar_entrega(CLI_ACTOR, CLIENTE, 30)
    empresa.evidencias.fijar_entrega(CLI_ACTOR, CLIENTE, 31)
    fila = next(
        f for f in empresa.evidencias.tablero(CLI_ACTOR, OCTUBRE, 3) if f.contratante == CLIENTE
    )
    assert fila.dia == 31 and fila.celdas[-1].entrega == date(2026, 11, 30)  # November's last
    # The archive gone: every receipt counts as without its XML (the documents' bytes are in
    # the store too), nothing breaks.
    ruta_de(empresa.store.path).unlink()
    sin = empresa.evidencias.tablero(CLI_ACTOR, OCTUBRE, 1)[0].celdas[0]
    assert sin.sin_xml == sin.recibos > 0 and sin.faltan == 2  # the IVA acuse, the REPSE


def test_the_board_of_a_store_without_its_tables_or_file(tmp_path) -> None:
    """A store of an older version (none of the tables the board reads) or none at all."""
    from contextlib import closing

    from icsoe_desktop.services.evidencias.tablero import leer, meses_hasta

    vieja = tmp_path / "vieja.sqlite3"
    with closing(cifrado.conectar(vieja)) as conn:
        conn.execute("CREATE TABLE otra (x)")
    assert leer(vieja, meses_hasta(OCTUBRE, 3)) == []
    assert leer(tmp_path / "no-existe.sqlite3", meses_hasta(OCTUBRE, 3)) == []
    assert leer(vieja, []) == []


def _miembros(ruta: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(ruta) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n not in ("indice.xlsx", "huellas.sha256")}


def _en_archivos_enteros(respaldo: Path) -> None:
    """The backup's copy of the archive made again as a backup of an archive that kept each
    blob whole wrote it (one ``datos`` per row, no parts)."""
    with respaldos.abrir(respaldo) as conn:
        filas = [
            (h, t, b"".join(d for (d,) in conn.execute(
                "SELECT datos FROM respaldo_evidencias_partes WHERE id BETWEEN ? AND ? "
                "ORDER BY id", (primero, primero + partes - 1))))
            for h, t, primero, partes in conn.execute(
                "SELECT sha256, tamano, primero, partes FROM respaldo_evidencias_archivos"
            ).fetchall()
        ]  # fmt: skip
        conn.execute("DROP TABLE respaldo_evidencias_archivos")
        conn.execute("DROP TABLE respaldo_evidencias_partes")
        conn.execute("CREATE TABLE respaldo_evidencias_archivos (sha256, tamano, datos)")
        conn.executemany("INSERT INTO respaldo_evidencias_archivos VALUES (?, ?, ?)", filas)
    conn.close()


@pytest.mark.parametrize("enteros", [False, True], ids=["en-partes", "archivos-enteros"])
def test_a_backup_restored_on_another_machine_still_packs_the_xml(
    empresa, tmp_path, enteros
) -> None:
    """The evidence archive travels inside the one backup file: restored into a fresh data
    folder, the month's pack is built there with the same receipts' XML and documents; a
    backup of an archive that kept each blob whole as well."""
    from icsoe_desktop.services.container import open_services

    _todos_menos(empresa, tmp_path)
    antes = tmp_path / "antes"
    antes.mkdir()
    original = _miembros(empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, antes).ruta)
    respaldo = empresa.backup.backup(tmp_path / "r.icsoe-respaldo", CLI_ACTOR)
    assert [p.name for p in tmp_path.glob("r.icsoe-respaldo*")] == ["r.icsoe-respaldo"]
    assert "; con el archivo de evidencias (" in empresa.audit.recent()[0].detail
    if enteros:
        _en_archivos_enteros(respaldo)

    (tmp_path / "otra-maquina").mkdir()
    nueva = open_services(tmp_path / "otra-maquina")
    try:
        nueva.backup.restore(respaldo, CLI_ACTOR)
        estado = {e.contratante: e for e in nueva.evidencias.estado(CLI_ACTOR, OCTUBRE)}
        assert estado[CLIENTE].recibos_sin_xml == 0 and estado[CLIENTE].en_otro_equipo == ()
        celdas = [f.celdas[0] for f in nueva.evidencias.tablero(CLI_ACTOR, OCTUBRE, 1)]
        assert celdas and all(c.recibos and not c.sin_xml for c in celdas)
        despues = tmp_path / "despues"
        despues.mkdir()
        hecho = nueva.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, despues)
        # The same files, and the restored store knows the earlier pack: nothing changed.
        assert _miembros(hecho.ruta) == {
            **original,
            "cambios.txt": b"Sin cambios desde el paquete anterior.\n",
        }
        assert any(n.endswith(".xml") for n in original)
        # The restored store is the store alone: the archive's copy went to the archive.
        tablas = {
            r[0]
            for r in cifrado.conectar(nueva.store.path).execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'respaldo_evidencias%'"
            )
        }
        assert tablas == set()
    finally:
        nueva.close()


def test_a_forged_file_in_a_backup_is_not_taken_into_the_archive(empresa, tmp_path) -> None:
    """A backup whose copy of a receipt's XML is not what its SHA-256 says (edited by hand)
    restores the store, but the forged bytes never enter the archive: that receipt shows
    without its XML, on the board too."""
    import zlib

    from icsoe_desktop.services.container import open_services

    respaldo = empresa.backup.backup(tmp_path / "r.icsoe-respaldo", CLI_ACTOR)
    falso = b"<?xml version='1.0'?><otro/>"
    with respaldos.abrir(respaldo) as conn:
        (huella,) = conn.execute(
            "SELECT sha256 FROM respaldo_evidencias_recibos ORDER BY timbre LIMIT 1"
        ).fetchone()
        conn.execute(
            "UPDATE respaldo_evidencias_partes SET datos = ? WHERE id = "
            "(SELECT primero FROM respaldo_evidencias_archivos WHERE sha256 = ?)",
            (zlib.compress(falso), huella),
        )
        conn.execute(
            "UPDATE respaldo_evidencias_archivos SET partes = 1, tamano = ? WHERE sha256 = ?",
            (len(falso), huella),
        )
    conn.close()

    (tmp_path / "otra-maquina").mkdir()
    nueva = open_services(tmp_path / "otra-maquina")
    try:
        nueva.backup.restore(respaldo, CLI_ACTOR)
        estado = nueva.evidencias.estado(CLI_ACTOR, OCTUBRE)
        assert sum(e.recibos_sin_xml for e in estado) >= 1
        celdas = [f.celdas[0] for f in nueva.evidencias.tablero(CLI_ACTOR, OCTUBRE, 1)]
        assert sum(c.sin_xml for c in celdas) == sum(e.recibos_sin_xml for e in estado)
    finally:
        nueva.close()


def test_a_document_attached_before_documents_travelled_is_attached_again(
    empresa, tmp_path
) -> None:
    """A document synced without its bytes (attached on a desktop of an earlier version) is
    said to be on another desktop, its pack refused; attached here, it is packed."""
    iva = _pdf(tmp_path, "iva.pdf", "Acuse IVA octubre 2026")
    huella = empresa.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "acuse_iva", iva).sha256
    from sqlalchemy import update

    from icsoe_desktop.store.models import EvidenciaDocumento

    with empresa.store.session() as session:
        session.execute(update(EvidenciaDocumento).values(datos=b""))
    with cifrado.conectar(ruta_de(empresa.store.path)) as conn:
        conn.execute("DELETE FROM archivos WHERE sha256 = ?", (huella,))
    conn.close()
    estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    assert estado[CLIENTE].en_otro_equipo == ("acuse_iva",)
    assert "Acuse de la declaración de IVA: «iva.pdf» se adjuntó en otro equipo" in " ".join(
        estado[CLIENTE].faltan
    )
    salida = tmp_path / "p"
    salida.mkdir()
    with pytest.raises(ValidationError) as sin_archivo:
        empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, salida)
    assert sin_archivo.value.code == "evidencia_sin_archivo"
    empresa.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "acuse_iva", iva)
    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, salida)
    assert _miembros(hecho.ruta)["documentos/acuse_iva.pdf"] == iva.read_bytes()


def test_a_restore_whose_archive_cannot_be_written_restores_nothing(empresa, tmp_path) -> None:
    """Where the evidence archive would go is not a folder (a file in its place): the restore
    is refused with the reason, the store in use unchanged."""
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.respaldo.backup import BackupError

    respaldo = empresa.backup.backup(tmp_path / "r.icsoe-respaldo", CLI_ACTOR)
    otra = tmp_path / "otra-maquina"
    otra.mkdir()
    (otra / "evidencias").write_text("no es una carpeta", encoding="utf-8")
    nueva = open_services(otra)
    try:
        with pytest.raises(BackupError) as fallo:
            nueva.backup.restore(respaldo, CLI_ACTOR)
        assert fallo.value.code == "respaldo_evidencias_fallidas"
        assert "No se restauró nada." in fallo.value.message
        assert nueva.evidencias.estado(CLI_ACTOR, OCTUBRE) == []  # still the empty store
        assert not list(otra.glob("*.restaurando*"))
    finally:
        nueva.close()


def test_a_repse_pdf_declared_by_the_clerk_is_said_so_wherever_it_goes(empresa, tmp_path) -> None:
    _todos_menos(empresa, tmp_path)
    rfc = enter_contratista(empresa, empresa.data_dir, tmp_path)
    escaneado = Pdf(registro_pdf("Constancia de registro REPSE"), "escaneado.pdf")
    empresa.repse.registrar(
        rfc, rfc, "AR555/2025", date(2025, 2, 1), ["Limpieza"], escaneado, declarado=True
    )
    (estado,) = [
        e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE) if e.contratante == CLIENTE
    ]
    assert estado.completo and "declarado por el usuario" in estado.avisos[0]
    celda = empresa.evidencias.tablero(CLI_ACTOR, OCTUBRE, 1)[0].celdas[0]
    assert (celda.avisos, celda.texto) == (1, "Completa, 1 con aviso")
    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "p.zip")
    with zipfile.ZipFile(hecho.ruta) as zf:
        (repse,) = [f for f in _indice(zf) if f[0] == "Registro REPSE"]
    assert repse[4].startswith("Aviso AR555/2025: escaneado.pdf. Aviso: declarado por el usuario")


RFC = nc.RFC_EMPRESA
# What each PDF says, and the warning it is kept with (None: none).
DOCUMENTOS_LEIDOS = {
    "isr": (
        "SERVICIO DE ADMINISTRACIÓN TRIBUTARIA\nDeclaración provisional o definitiva de "
        "impuestos federales\nRFC: OTR010101AB1\nPeriodo: Octubre\nEjercicio: 2026",
        "es del RFC OTR010101AB1, no de SEM980701STA",
    ),
    "acuse_isr": (
        f"Acuse de recibo de la declaración\nRFC: {RFC}\nPeriodo: Septiembre 2026",
        "es del periodo septiembre de 2026, no de octubre de 2026",
    ),
    "opinion_sat": (
        "Opinión del cumplimiento de obligaciones fiscales (artículo 32-D)\n"
        f"RFC: {RFC}\nFecha de emisión: 03/11/2026\nSentido: Negativo",
        "la opinión es negativa: el cliente no puede deducir con ella",
    ),
    "opinion_imss": (
        "Opinión de cumplimiento de obligaciones en materia de seguridad social\n"
        f"Instituto Mexicano del Seguro Social\nRFC: {RFC}\nFecha de emisión: 28/09/2026\n"
        "Sentido: Positivo",
        "la opinión es del 28/09/2026, anterior a octubre de 2026: obtén una actual",
    ),
    "opinion_infonavit": (
        f"Comprobante de pago de aportaciones INFONAVIT\nRFC: {RFC}\nBimestre: 5/2026",
        "es un comprobante de pago, no una opinión",
    ),
    "iva": ("Factura de papelería", "no dice que sea una declaración"),
    "sua": (
        f"Cédula de determinación de cuotas SUA\nRFC: {RFC}\nPeriodo: 10/2026",
        None,
    ),
}


def test_each_document_is_read_and_a_mismatch_kept_as_a_warning(empresa, tmp_path, clock) -> None:
    """Another RFC, another month, a negative or stale opinion, a PDF that is none of these:
    each kept, and warned on the board, in the state and in the pack's index. The slot of
    the SUA holds the cédula and SIPARE's bank receipt both, each once."""
    _todos_menos(empresa, tmp_path, *DOCUMENTOS_LEIDOS)
    for tipo, (texto, aviso) in DOCUMENTOS_LEIDOS.items():
        hecho = empresa.evidencias.adjuntar(
            CLI_ACTOR, OCTUBRE, tipo, _pdf(tmp_path, f"{tipo}.pdf", texto)
        )
        assert (aviso is None) == (hecho.avisos == ()), (tipo, hecho.avisos)
        assert aviso is None or aviso in " ".join(hecho.avisos)
    banco = _pdf(
        tmp_path,
        "banco.pdf",
        f"Comprobante de pago SIPARE\nInstitución bancaria: BBVA\nRFC: {RFC}\n"
        "Periodo de pago: 2026-10",
    )
    clock.advance(minutes=1)  # attached after the SUA: listed after it
    assert empresa.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "sua", banco).avisos == ()
    otra_vez = empresa.evidencias.adjuntar(CLI_ACTOR, OCTUBRE, "sua", banco)
    assert otra_vez.ya_estaba

    estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}[CLIENTE]
    assert estado.documentos["sua"] == "sua.pdf, banco.pdf"
    assert estado.faltan == ["Registro REPSE"]  # warned, yet present
    assert "Opinión de cumplimiento del SAT: «opinion_sat.pdf» la opinión es negativa" in (
        " | ".join(estado.avisos)
    )
    celda = empresa.evidencias.tablero(CLI_ACTOR, OCTUBRE, 1)[0].celdas[0]
    assert (celda.avisos, celda.texto) == (6, "Falta 1, 6 con aviso")

    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "p.zip")
    with zipfile.ZipFile(hecho.ruta) as zf:
        filas = {f[2]: f for f in _indice(zf)}
        assert zf.read("documentos/sua_2.pdf") == banco.read_bytes()
    for tipo, (_texto, aviso) in DOCUMENTOS_LEIDOS.items():
        origen = filas[f"documentos/{tipo}.pdf"][4]
        assert (f"Aviso: {aviso}" in origen) if aviso else ("Aviso:" not in origen), origen
    assert (
        "Leído: opinión, en sentido negativo, del 03/11/2026"
        in (filas["documentos/opinion_sat.pdf"][4])
    )

    # The bank receipt removed: the slot keeps the cédula alone, and so does the next pack.
    assert empresa.evidencias.quitar(CLI_ACTOR, OCTUBRE, "sua", "banco.pdf") == "banco.pdf"
    with pytest.raises(ValidationError) as ya_no:
        empresa.evidencias.quitar(CLI_ACTOR, OCTUBRE, "sua", "banco.pdf")
    assert ya_no.value.code == "documento_no_adjuntado"
    estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}[CLIENTE]
    assert estado.documentos["sua"] == "sua.pdf"
    segundo = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "q.zip")
    assert "Ya no está: documentos/sua_2.pdf" in segundo.cambios


def test_the_weeks_a_worker_who_served_the_client_lacks_are_named(empresa, tmp_path) -> None:
    """Weekly pay: a receipt every week. One worker started in October and skipped a week;
    another, paid in September already, has only the last week of October: each missing week
    is named in the client's state (and on the command line's `estado`)."""
    nuevo, antiguo = nc.trabajadores(2, seed=99)
    semana = nc.Periodo.semana

    def recibo(t, lunes):
        xml = nc.recibo(nc.Emisor(), t, semana(lunes), subcontrataciones=[(TERCERO, "100.000")])
        return f"{t.curp}-{lunes}.xml", xml

    archivos = [
        recibo(nuevo, date(2026, 10, 5)),
        recibo(nuevo, date(2026, 10, 19)),
        recibo(antiguo, date(2026, 9, 21)),  # paid on 28/09/2026
        recibo(antiguo, date(2026, 10, 19)),
    ]
    assert empresa.nomina.importar([nc.escribir(tmp_path / "mas", archivos)], CLI_ACTOR).guardados
    _todos_menos(empresa, tmp_path)
    estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}

    def linea(t, desde: str, hasta: str) -> str:
        return f"Recibo de {t.nombre} (NSS {t.nss}) de la semana del {desde} al {hasta}"

    faltan = {
        nuevo.nombre: [linea(nuevo, "12/10/2026", "18/10/2026")],
        antiguo.nombre: [
            linea(antiguo, "28/09/2026", "04/10/2026"),
            linea(antiguo, "05/10/2026", "11/10/2026"),
            linea(antiguo, "12/10/2026", "18/10/2026"),
        ],
    }
    esperadas = [x for nombre in sorted(faltan) for x in faltan[nombre]]  # by name, by week
    assert list(estado[TERCERO].recibos_faltantes) == esperadas
    assert estado[TERCERO].faltan[:4] == esperadas and not estado[TERCERO].completo
    # The others' workers were paid every week of the month: nothing named.
    assert estado[CLIENTE].recibos_faltantes == estado[OTRO].recibos_faltantes == ()


def test_a_registration_kept_before_its_pdf_was_read_is_read_again(empresa, tmp_path) -> None:
    """A registration whose PDF was kept before the rule: the IMSS acuse is not the client's
    registration (missing, with why, and not packed); a scan that says nothing is packed,
    said to be unread."""
    from sqlalchemy import update

    from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf
    from icsoe_desktop.store.models import RegistroRepse

    _todos_menos(empresa, tmp_path)
    rfc = enter_contratista(empresa, empresa.data_dir, tmp_path)
    bueno = Pdf(constancia_repse(rfc, "AR555/2025"), "constancia.pdf")
    empresa.repse.registrar(rfc, rfc, "AR555/2025", date(2025, 2, 1), ["Limpieza"], bueno)

    def guardado_antes(datos: bytes) -> EstadoCliente:
        with empresa.store.session() as session:
            session.execute(update(RegistroRepse).values(pdf=datos, pdf_nombre="viejo.pdf"))
        return {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}[CLIENTE]

    acuse = guardado_antes(acuse_imss_pdf(rfc=rfc, periodo="Mayo - Agosto 2026"))
    assert acuse.repse is None and acuse.faltan == ["Registro REPSE"]
    assert "«viejo.pdf» es un acuse de presentación (IMSS o INFONAVIT)" in acuse.avisos[0]
    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "a.zip")
    assert not any(n.startswith("repse/") for n in hecho.miembros)

    escaneado = guardado_antes(registro_pdf("Constancia de registro REPSE"))
    assert escaneado.completo and "se guardó antes de que se leyera" in escaneado.avisos[0]
    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "b.zip")
    with zipfile.ZipFile(hecho.ruta) as zf:
        (repse,) = [f for f in _indice(zf) if f[0] == "Registro REPSE"]
    assert "Aviso: su PDF «viejo.pdf» no dice el RFC del contratista" in repse[4]


def test_a_document_read_first_is_kept_as_it_was_read(empresa, tmp_path) -> None:
    """``leer`` keeps nothing and says what the clerk is shown; ``guardar`` keeps those very
    bytes with those warnings, whatever became of the file meanwhile."""
    ruta = _pdf(
        tmp_path, "opinion.pdf", documento_del_mes("opinion_sat").replace("Positivo", "Negativo")
    )
    leido = empresa.evidencias.leer(CLI_ACTOR, OCTUBRE, "opinion_sat", ruta, CLIENTE.lower())
    assert leido.cliente == CLIENTE and leido.nombre == "opinion.pdf"
    assert any("negativ" in a for a in leido.avisos)
    estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    assert estado[CLIENTE].documentos["opinion_sat"] is None  # read, not kept
    original = ruta.read_bytes()
    ruta.write_bytes(registro_pdf(documento_del_mes("opinion_sat")))
    hecho = empresa.evidencias.guardar(CLI_ACTOR, leido)
    assert hecho.sha256 == hashlib.sha256(original).hexdigest() and hecho.avisos == leido.avisos
    estado = {e.contratante: e for e in empresa.evidencias.estado(CLI_ACTOR, OCTUBRE)}
    assert estado[CLIENTE].documentos["opinion_sat"] == "opinion.pdf"
    assert estado[OTRO].documentos["opinion_sat"] is None
    assert any("opinion.pdf" in a for a in estado[CLIENTE].avisos)
    assert empresa.evidencias.guardar(CLI_ACTOR, leido).ya_estaba


def _alterar(archivo: Path, timbre: str, cambio: Callable[[bytes], bytes]) -> None:
    """The receipt's XML in the evidence archive rewritten with raw SQL, as the archive itself
    would hold it (a blob and its SHA-256): only the SHA-256 the store's row recorded tells."""
    import zlib
    from contextlib import closing

    from icsoe_desktop.services.evidencias import archivo as archivo_

    with closing(cifrado.conectar(archivo, isolation_level=None)) as conn:
        ((guardado,),) = conn.execute("SELECT sha256 FROM recibos WHERE timbre = ?", (timbre,))
        otro = cambio(zlib.decompress(archivo_.leer(conn, guardado)))
        huella = hashlib.sha256(otro).hexdigest()
        conn.execute("BEGIN IMMEDIATE")
        archivo_.agregar(conn, [(huella, len(otro), zlib.compress(otro))])
        conn.execute("UPDATE recibos SET sha256 = ? WHERE timbre = ?", (huella, timbre))
        conn.execute("COMMIT")


def test_a_receipt_altered_behind_the_apps_back_never_travels_as_evidence(
    empresa, tmp_path
) -> None:
    """Each receipt's XML is held to the SHA-256 its row recorded when the import verified it,
    its seals not verified again: one altered in the archive (a byte the seals do not even
    cover) is left out of the pack and named in its index and its list of SHA-256 (the
    command exits 1). A receipt stored before the SHA-256 was recorded is verified as every
    pack did (one altered, left out with the seal's reason), and its SHA-256 recorded then."""
    from contextlib import closing

    _todos_menos(empresa, tmp_path)
    with closing(cifrado.conectar(empresa.store.path)) as conn:
        filas = conn.execute(
            "SELECT r.uuid, r.xml_sha256 FROM nomina_recibos r JOIN nomina_subcontrataciones s "
            "ON s.recibo_id = r.id WHERE s.rfc = ? ORDER BY r.uuid",
            (CLIENTE,),
        ).fetchall()
    # What the import recorded: the SHA-256 of each file it read.
    for uuid, huella in filas:
        assert (
            huella
            == hashlib.sha256((tmp_path / "octubre" / f"{uuid.upper()}.xml").read_bytes()).digest()
        )
    alterado, antes, antes_alterado = (u for u, _ in filas[:3])
    archivo = ruta_de(empresa.store.path)
    _alterar(
        archivo, alterado, lambda xml: xml.replace(b"<?xml version='1.0'", b'<?xml version="1.0"')
    )
    _alterar(archivo, antes_alterado, lambda xml: xml.replace(b'Serie="N"', b'Serie="X"'))
    with closing(cifrado.conectar(empresa.store.path)) as conn:  # stored before it was recorded
        sumas.register(conn)  # the sync's triggers run on the rows written here
        conn.execute(
            "UPDATE nomina_recibos SET xml_sha256 = NULL WHERE uuid IN (?, ?)",
            (antes, antes_alterado),
        )
        conn.commit()

    hecho = empresa.evidencias.paquete(CLI_ACTOR, OCTUBRE, CLIENTE, tmp_path / "p.zip")
    fuera = {alterado.upper(), antes_alterado.upper()}
    assert {n for n in hecho.miembros if n.startswith("recibos/")} == {
        f"recibos/{u.upper()}.xml" for u, _ in filas if u.upper() not in fuera
    }
    faltan = [f for f in hecho.faltan if f.startswith("recibos/")]
    assert faltan == [
        f"recibos/{alterado.upper()}.xml: no se incluyó: el XML guardado ya no es el que se "
        "importó y verificó (su SHA-256 es otro). El archivo de evidencias de este equipo se "
        "alteró: avisa al área de sistemas (restaurar un respaldo anterior lo corrige).",
        f"recibos/{antes_alterado.upper()}.xml: no se incluyó: " + faltan[1].split(": ", 2)[2],
    ]
    assert "sello" in faltan[1]
    with zipfile.ZipFile(hecho.ruta) as zf:
        indice = _indice(zf)
        huellas = zf.read("huellas.sha256").decode()
    assert [f[0] for f in indice if alterado.upper() in f[0]] == [f"Falta: {faltan[0]}"]
    assert f"# falta: {faltan[0]}" in huellas
    # The SAT's seal of each receipt packed, as its row keeps it.
    assert {f[5] for f in indice if f[0] == "Recibos de nómina (CFDI)"} == {"verificado"}
    with closing(cifrado.conectar(empresa.store.path)) as conn:
        ahora = dict(
            conn.execute(
                "SELECT uuid, xml_sha256 FROM nomina_recibos WHERE uuid IN (?, ?)",
                (antes, antes_alterado),
            ).fetchall()
        )
    assert ahora == {antes: dict(filas)[antes], antes_alterado: None}


def test_what_a_receipt_is_held_to_without_the_import_s_checks_or_for_another_client(
    empresa, tmp_path
) -> None:
    """An empresa without RFC (a backup restored alone) has no emisor to verify receipts
    with: one whose row recorded no SHA-256 goes as it went before, one that is not what was
    verified does not. With the checks, a receipt that does not name the client is left out."""
    from icsoe_desktop.services.evidencias.revisar import DISTINTO, Revisor

    xml = next(
        x
        for x in (p.read_bytes() for p in sorted((tmp_path / "octubre").iterdir()))
        if CLIENTE.encode() in x and OTRO.encode() not in x
    )
    uuid, huella = "A" * 8, hashlib.sha256(xml).digest()
    sin_rfc = Revisor(CLIENTE, {uuid.lower(): (huella, True)}, lambda: None)
    assert sin_rfc(uuid, huella.hex(), xml) == Revision(None, SAT_VERIFICADO)
    assert sin_rfc(uuid, "00" * 32, xml) == Revision(DISTINTO)
    assert Revisor(CLIENTE, {}, lambda: None)(uuid, huella.hex(), xml) == Revision(
        None, SAT_SIN_VERIFICAR
    )
    otro = Revisor(OTRO, {}, lambda: empresa.verificador_nomina(nc.RFC_EMPRESA))
    problema = otro(_timbre(xml), huella.hex(), xml).problema
    assert problema is not None and f"no nombra a {OTRO} (RfcLabora)" in problema
    assert otro.verificados == []


def _timbre(xml: bytes) -> str:
    inicio = xml.index(b'UUID="') + len(b'UUID="')
    return xml[inicio : inicio + 36].decode()
