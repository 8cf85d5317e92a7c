"""*Firmar* through the real services: only the contratista, with its own valid e.firma, and
only an informativa without inconsistencies; the acuse verifies with the signer's .cer and
stops verifying once the informativa in the store changes; after signing nothing changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.modelo import CORRECCION, FIRMADA
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.informativa.captura import ContratoDatos
from tests import credentials_factory as cf
from tests import respaldos
from tests.conftest import services_copying
from tests.informativa_servicios import PERIODO, capturista_una_vez, contrato_con_trabajadores


def _lista(services, rfc: str, ana: str, _fiel: Path) -> tuple[str, str]:
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=6)
    assert services.informativa_firma.revisar(uuid, ana) == []
    return uuid, contrato


@pytest.fixture(scope="module")
def _lista_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory, _lista)


services = services_copying(lista="_lista_una_vez")


@pytest.fixture
def lista(_lista_una_vez, services, tmp_path, smtp_configured):
    """An informativa captured by Ana and checked: (rfc, ana, uuid, contrato, cer, key)."""
    rfc, ana, (uuid, contrato) = _lista_una_vez[1]
    # The persona moral's pair, copied there with the store (credentials_factory's names).
    cer, key = tmp_path / "fiel" / f"{rfc}.cer", tmp_path / "fiel" / f"{rfc}.key"
    return rfc, ana, uuid, contrato, cer, key


def test_only_the_contratista_signs_with_its_own_efirma(services, lista, tmp_path):
    rfc, ana, uuid, _contrato, cer, key = lista
    firma = services.informativa_firma
    with pytest.raises(PermisoDenegado):
        firma.firmar(uuid, ana, cer, key, cf.PASSWORD)  # a capturista captures, never signs
    with pytest.raises(DomainError) as error:
        firma.firmar(uuid, rfc, cer, key, "otra-contraseña")
    assert error.value.field == "llave" or "contraseña" in error.value.message
    otra_cer, otra_key = cf.fiel_fisica().write(tmp_path / "otra")
    with pytest.raises(ValidationError) as error:
        firma.firmar(uuid, rfc, otra_cer, otra_key, cf.PASSWORD)
    assert "persona moral" in error.value.message or error.value.code == "efirma_otro_rfc"
    assert services.informativas.fila(uuid, ana).estado != FIRMADA


def test_an_informativa_with_problems_cannot_be_signed(services, lista):
    rfc, ana, uuid, contrato, cer, key = lista
    datos = services.informativas.contrato(contrato, ana)
    services.informativas.guardar_contrato(
        uuid, ana, ContratoDatos(datos.contratante, datos.objeto), uuid=contrato
    )
    with pytest.raises(ValidationError) as error:
        services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    assert error.value.code == "informativa_con_problemas"
    assert "2 inconsistencias" in error.value.message


def test_a_signed_informativa_has_an_acuse_that_verifies_and_nothing_changes(
    services, lista, tmp_path
):
    rfc, ana, uuid, contrato, cer, key = lista
    firma = services.informativa_firma
    acuse = firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    assert acuse.startswith(b"%PDF") and firma.acuse(uuid, ana) == acuse
    fila = services.informativas.fila(uuid, ana)
    assert fila.estado == FIRMADA and fila.firmada_at is not None
    assert firma.verificar(acuse, cer.read_bytes()).ok

    otra_cer, _ = cf.fiel_fisica().write(tmp_path / "otra")
    ajena = firma.verificar(acuse, otra_cer.read_bytes())
    assert not ajena.ok and ajena.motivo == ("La constancia no fue firmada con este certificado.",)

    # Signed: nothing may be added, changed or removed, by anyone.
    (t,) = services.informativa_trabajadores.pagina(contrato, ana, 0, 1)
    for intento in (
        lambda: services.informativa_trabajadores.quitar(contrato, ana, [t.id]),
        lambda: services.informativas.eliminar_contrato(contrato, rfc),
        lambda: services.informativas.eliminar(uuid, ana),
        lambda: firma.firmar(uuid, rfc, cer, key, cf.PASSWORD),
    ):
        with pytest.raises(ValidationError) as error:
            intento()
        assert error.value.code == "informativa_firmada"
    # The remedy is a complementaria of the signed one.
    services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)

    # The live rows are no longer what the signed informativa says: a worker's SBC changed
    # behind the app's back changes nothing signed.
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE icsoe_contrato_trabajadores SET sbc = sbc + 1 WHERE id = :i"), {"i": t.id}
        )
    assert firma.verificar(acuse, cer.read_bytes()).ok
    # Anyone changing the signed informativa kept in the store breaks the acuse: any value of
    # any worker or contract, a worker more or less, or a value of the wrong type.
    with services.store.engine.begin() as conn:
        genuina = conn.execute(
            text("SELECT congelada FROM icsoe_informativas WHERE uuid = :u"), {"u": uuid}
        ).scalar_one()
    primero = ("contratos", 0, "trabajadores", 0)
    for cambio in (
        lambda inf: _en(inf, *primero).update(sbc=1),
        lambda inf: _en(inf, *primero).update(nss="99999999999"),
        lambda inf: _en(inf, *primero).update(curp="GARB850101HJCRZT07"),
        lambda inf: _en(inf, *primero).update(sbc=str(_en(inf, *primero)["sbc"])),
        lambda inf: _en(inf, *primero).pop("nombre"),
        lambda inf: _en(inf, "contratos", 0, "trabajadores").pop(),
        lambda inf: _en(inf, "contratos", 0, "trabajadores").append(_en(inf, *primero)),
        lambda inf: _en(inf, "contratos", 0).update(objeto="Otro objeto"),
        lambda inf: _en(inf, "contratista").update(nombre="Otra"),
    ):
        with services.store.engine.begin() as conn:
            conn.execute(_REPONER, {"d": genuina, "u": uuid})
        _alterar_congelada(services, uuid, lambda d, cambio=cambio: cambio(d["informativa"]))
        cambiada = firma.verificar(acuse, cer.read_bytes())
        assert not cambiada.ok
        assert cambiada.motivo == (MSG_CAMBIO,)
    # Spelt otherwise but the same once normalised, as the cadena writes it: still the same.
    with services.store.engine.begin() as conn:
        conn.execute(_REPONER, {"d": genuina, "u": uuid})
    _alterar_congelada(
        services,
        uuid,
        lambda d: _en(d["informativa"], *primero).update(
            nss=f" {_en(d['informativa'], *primero)['nss']}"
        ),
    )
    assert firma.verificar(acuse, cer.read_bytes()).ok
    # Its signing time, which its exports write, is the sealed one too (same instant or not).
    for hora in ("2026-11-22T03:00:01-06:00", "2026-11-22T09:00:00+00:00"):
        with services.store.engine.begin() as conn:
            conn.execute(_REPONER, {"d": genuina, "u": uuid})
        _alterar_congelada(services, uuid, lambda d, hora=hora: d.update(firmada=hora))
        assert firma.verificar(acuse, cer.read_bytes()).motivo == (MSG_CAMBIO,)


_REPONER = text("UPDATE icsoe_informativas SET congelada = :d WHERE uuid = :u")
MSG_CAMBIO = (
    "La informativa guardada en esta empresa cambió después de firmarse: ya no es la firmada."
)
MSG_CABECERA = (
    "El encabezado de la informativa guardada en esta empresa (la contratista, sus contratos y "
    "contratantes) cambió después de firmarse: ya no es el de la informativa firmada."
)


def _en(datos, *camino):
    for paso in camino:
        datos = datos[paso]
    return datos


def _alterar_congelada(services, uuid: str, cambio, columna: str = "congelada") -> None:
    """What another program could do to the frozen informativa (or its header copy) of a
    signed row: ``cambio`` gets what it holds, read as JSON."""
    import json
    import zlib

    with services.store.engine.begin() as conn:
        datos = conn.execute(
            text(f"SELECT {columna} FROM icsoe_informativas WHERE uuid = :u"), {"u": uuid}
        ).scalar_one()
        leido = json.loads(zlib.decompress(datos))
        cambio(leido)
        _guardar(conn, uuid, columna, zlib.compress(json.dumps(leido).encode()))


def _guardar(conn, uuid: str, columna: str, datos: bytes | None) -> None:
    conn.execute(
        text(f"UPDATE icsoe_informativas SET {columna} = :d WHERE uuid = :u"),
        {"d": datos, "u": uuid},
    )


def _columna(services, uuid: str, columna: str) -> bytes:
    with services.store.engine.connect() as conn:
        return conn.execute(
            text(f"SELECT {columna} FROM icsoe_informativas WHERE uuid = :u"), {"u": uuid}
        ).scalar_one()


def test_an_edited_header_copy_is_refused_as_a_change_after_signing(services, lista):
    """What the signed informativa's window shows comes from its header copy: edited there
    (the store's own SQLite file), the verification refuses it, whatever was changed."""
    from icsoe_desktop.domain.informativa.firmada import congelar, descongelar

    rfc, ana, uuid, _contrato, cer, key = lista
    firma = services.informativa_firma
    acuse = firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    genuina = _columna(services, uuid, "congelada_cabecera")
    completa = _columna(services, uuid, "congelada")
    primero = ("informativa", "contratos", 0)
    otra = descongelar(completa)
    for cambio in (
        lambda d: _en(d, *primero).update(objeto="Otro objeto"),
        lambda d: _en(d, *primero, "contratante").update(nombre="OTRA SA"),
        lambda d: _en(d, *primero, "contratante", "domicilio").update(calle="Otra"),
        lambda d: _en(d, *primero).update(fecha_final="2026-08-30"),
        lambda d: _en(d, *primero).update(trabajadores_declarados=999),
        lambda d: _en(d, *primero).update(extra="x"),
        lambda d: _en(d, "informativa", "contratista").update(nombre="OTRA SA DE CV"),
        lambda d: _en(d, "informativa", "periodo").update(anio="2026"),  # a number as text
        lambda d: _en(d, "informativa", "contratos").pop(),
        lambda d: _en(d, "informativa", "contratos").append(_en(d, *primero)),
        lambda d: d.update(firmada="2026-11-22T04:00:00-06:00"),
    ):
        with services.store.engine.begin() as conn:
            _guardar(conn, uuid, "congelada_cabecera", genuina)
        _alterar_congelada(services, uuid, cambio, "congelada_cabecera")
        alterada = firma.verificar(acuse, cer.read_bytes())
        assert alterada.motivo == (MSG_CABECERA,)
    # What the window shows is what the header copy says: the edit, which verifying refuses.
    _alterar_congelada(
        services,
        uuid,
        lambda d: _en(d, *primero).update(objeto="Otro objeto"),
        "congelada_cabecera",
    )
    assert services.informativas.cabecera(uuid, ana).contratos[0].objeto == "Otro objeto"
    for datos in (
        b"no es zlib",
        completa,  # the whole copy, workers included, as its header
        congelar(replace(otra.informativa, complementa="otra"), otra.firmada),
    ):
        with services.store.engine.begin() as conn:
            _guardar(conn, uuid, "congelada_cabecera", datos)
        assert firma.verificar(acuse, cer.read_bytes()).motivo == (MSG_CABECERA,)
    # The header copy alone, without the whole one it comes from, was not written by the app.
    with services.store.engine.begin() as conn:
        _guardar(conn, uuid, "congelada", None)
        _guardar(conn, uuid, "congelada_cabecera", genuina)
    assert firma.verificar(acuse, cer.read_bytes()).motivo == (MSG_CABECERA,)
    # Put back as signed, or left out (the window then reads the whole copy): the same.
    with services.store.engine.begin() as conn:
        _guardar(conn, uuid, "congelada", completa)
    assert firma.verificar(acuse, cer.read_bytes()).ok
    with services.store.engine.begin() as conn:
        _guardar(conn, uuid, "congelada_cabecera", None)
    assert firma.verificar(acuse, cer.read_bytes()).ok


def test_a_backup_keeps_the_signed_informativa_and_its_acuse(services, lista, tmp_path):
    from icsoe_desktop.domain.roles import CLI_ACTOR

    rfc, ana, uuid, _contrato, cer, key = lista
    acuse = services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    firmada = services.informativas.informativa(uuid, ana)
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=CLI_ACTOR)
    services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)
    services.backup.restore(respaldo, actor=CLI_ACTOR)
    # The store as it was at the backup: the signed informativa, no complementaria yet.
    (fila,) = [f for f in services.informativas.tablero(rfc, ana) if f.uuid]
    assert (fila.uuid, fila.estado) == (uuid, FIRMADA)
    assert services.informativa_firma.acuse(uuid, ana) == acuse
    assert services.informativa_firma.verificar(acuse, cer.read_bytes()).ok
    # With the informativa frozen when it was signed, not one read back from its cadena.
    with services.store.engine.connect() as conn:
        assert conn.execute(text("SELECT congelada IS NOT NULL FROM icsoe_informativas")).all() == [
            (1,)
        ]
    assert services.informativas.informativa(uuid, ana) == firmada


def _exportados(services, uuid: str, actor: str, carpeta) -> dict[str, bytes]:
    carpeta.mkdir()
    return {
        p.name: p.read_bytes() for p in services.informativa_firma.exportar(uuid, actor, carpeta)
    }


def test_after_signing_edits_of_the_contratante_and_datos_generales_change_only_capture(
    services, lista, tmp_path
):
    """The contratante is shared with an informativa still in capture; both it and the
    contratista's Teléfono fijo change after signing: the signed informativa exports the same
    bytes and its acuse stays valid; the one in capture takes the new data; both edits say so."""
    from dataclasses import replace

    from icsoe_desktop.services.contratistas import DatosGenerales
    from tests.informativa_servicios import CLIENTE

    rfc, ana, uuid, contrato, cer, key = lista
    firma = services.informativa_firma
    acuse = firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    antes = _exportados(services, uuid, ana, tmp_path / "antes")
    firmada = services.informativas.informativa(uuid, ana)
    abierta = services.informativas.crear(rfc, ana, PERIODO, CORRECCION, complementa=uuid)
    contrato_con_trabajadores(services, rfc, ana, abierta, trabajadores=2)
    contratante = services.informativas.contrato(contrato, ana).contratante

    nuevo = replace(
        CLIENTE,
        nombre="Cliente Uno Renombrado, S.A. de C.V.",
        domicilio=replace(CLIENTE.domicilio, calle="Insurgentes Sur"),
    )
    _, avisos = services.informativas.guardar_contratante(rfc, ana, nuevo, uuid=contratante)
    assert avisos == [
        "Este contratante también está en 1 informativa firmada, que no cambia: el cambio sólo "
        "se aplica a las informativas que aún no se firman."
    ]
    sesion = services.contratistas.guardar_datos_generales(
        rfc,
        DatosGenerales(
            "contacto@empresa.com.mx", "5512345678", "5599887766", domicilio_igual_fiscal=True
        ),
    )
    assert sesion.aviso == (
        "Los datos generales también están en 1 informativa firmada, que no cambia: el cambio "
        "sólo se aplica a las informativas que aún no se firman."
    )

    assert _exportados(services, uuid, ana, tmp_path / "despues") == antes
    # The capture sheet opens, and says it was made when the informativa was signed.
    (hoja,) = (tmp_path / "despues").glob("*.xlsx")
    assert load_workbook(hoja).properties.created == datetime(2026, 11, 22, 9, 0)
    # The same informativa (the other declarations of its period are the period's, now).
    assert replace(services.informativas.informativa(uuid, ana), otras=()) == firmada
    assert firma.verificar(acuse, cer.read_bytes()).ok
    # What is still in capture says the new data.
    en_captura = services.informativas.informativa(abierta, ana)
    assert en_captura.contratos[0].contratante.domicilio.calle == "Insurgentes Sur"
    assert services.informativas.contratos(abierta, ana)[0].contratante_nombre == nuevo.nombre
    assert en_captura.contratista.telefono_fijo == "5599887766"
    assert firmada.contratista.telefono_fijo == ""
    # The list of contracts of the signed informativa names the contratante as signed.
    (resumen,) = services.informativas.contratos(uuid, ana)
    assert resumen.contratante_nombre == CLIENTE.nombre

    # Saving again with nothing changed, or a contratante in no signed informativa: no notice.
    _, avisos = services.informativas.guardar_contratante(rfc, ana, nuevo, uuid=contratante)
    assert avisos == []
    otro = replace(CLIENTE, rfc="OTR010101AB2", nombre="Otro Cliente, S.A.")
    nuevo_uuid, _ = services.informativas.guardar_contratante(rfc, ana, otro)
    _, avisos = services.informativas.guardar_contratante(
        rfc, ana, replace(otro, correo="otro@cliente.mx"), uuid=nuevo_uuid
    )
    assert avisos == []


def test_a_store_signed_before_the_frozen_copy_upgrades_and_reads_its_cadena(
    services, lista, data_dir, clock, tmp_path
):
    """An informativa signed by a version without the frozen copy (the store taken back to
    that schema) keeps only its cadena original: after the upgrade it exports and verifies
    from it, whatever the live rows say now."""
    from dataclasses import replace

    from alembic import command
    from alembic.config import Config

    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.store.db import make_engine
    from icsoe_desktop.store.migrations import MIGRATIONS_DIR
    from tests.informativa_servicios import CLIENTE

    rfc, ana, uuid, contrato, cer, key = lista
    acuse = services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    antes = _exportados(services, uuid, ana, tmp_path / "antes")
    path = services.store.path
    services.close()
    engine = make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0023_estado_tipo")
        columnas = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(icsoe_informativas)")]
        assert "congelada" not in columnas and "cadena" in columnas
    engine.dispose()

    services = open_services(data_dir, clock)  # brought to head again
    try:
        firma = services.informativa_firma
        with services.store.engine.connect() as conn:
            assert conn.execute(text("SELECT congelada FROM icsoe_informativas")).all() == [(None,)]
        contratante = services.informativas.contrato(contrato, ana).contratante
        services.informativas.guardar_contratante(
            rfc, ana, replace(CLIENTE, correo="nuevo@cliente.mx"), uuid=contratante
        )
        assert firma.acuse(uuid, ana) == acuse
        assert firma.verificar(acuse, cer.read_bytes()).ok
        despues = _exportados(services, uuid, ana, tmp_path / "despues")
        csv = next(n for n in antes if n.endswith(".csv"))
        # The workers as signed (the cadena lists them by NSS, not in the order captured).
        assert sorted(despues[csv].splitlines()) == sorted(antes[csv].splitlines())
        informativa = services.informativas.informativa(uuid, ana)
        assert informativa.contratos[0].contratante.correo == CLIENTE.correo

        # A cadena that cannot be read back: a clear message, and the constancia is no longer
        # the stored informativa's.
        with services.store.engine.begin() as conn:
            conn.execute(text("UPDATE icsoe_informativas SET cadena = 'no es una cadena'"))
        with pytest.raises(ValidationError) as error:
            firma.exportar(uuid, ana, tmp_path)
        assert error.value.code == "informativa_firmada_ilegible"
        (motivo,) = firma.verificar(acuse).motivo
        assert motivo.startswith("No es la constancia de esta informativa: la informativa ")
    finally:
        services.close()


def test_the_lists_of_informativas_never_read_the_signed_copies(services, lista):
    """The pantalla de inicio and the command line's listar read many rows: the acuse and the
    frozen informativa (megabytes for a big one) are read only when asked for."""
    from sqlalchemy import event

    rfc, ana, uuid, _contrato, cer, key = lista
    services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    leidas: list[str] = []

    def anotar(_conn, _cursor, statement, *_args) -> None:
        leidas.append(statement)

    event.listen(services.store.engine, "before_cursor_execute", anotar)
    try:
        (fila,) = [f for f in services.informativas.tablero(rfc, ana) if f.uuid]
        services.informativas.fila(uuid, ana)
        assert fila.estado == FIRMADA
        assert leidas and not any("congelada" in s or "acuse_pdf" in s for s in leidas)
        services.informativa_firma.acuse(uuid, ana)
        assert any("acuse_pdf" in s for s in leidas)
    finally:
        event.remove(services.store.engine, "before_cursor_execute", anotar)


def test_a_backup_whose_signed_informativa_was_edited_is_refused(services, lista, tmp_path):
    """Restore checks what a signed informativa says, not only the schema: its sello over its
    cadena, its frozen copy giving that cadena, and its header copy being that frozen copy
    without the workers. The genuine backup goes back in."""
    import shutil

    from icsoe_desktop.domain.informativa.firmada import congelar, descongelar, sin_trabajadores
    from icsoe_desktop.services.empresas.servicio import CLI_ACTOR
    from icsoe_desktop.services.respaldo.backup import BackupError
    from icsoe_desktop.store import plain

    rfc, _ana, uuid, _contrato, cer, key = lista
    services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    genuino = services.backup.backup(tmp_path / "genuino.icsoe-respaldo", actor=CLI_ACTOR)
    services.backup.restore(genuino, actor=CLI_ACTOR)

    def editado(nombre: str, editar) -> Path:
        copia = tmp_path / f"{nombre}.icsoe-respaldo"
        shutil.copyfile(genuino, copia)
        conn = respaldos.abrir(copia)
        plain.register_functions(conn)  # what the synced tables' triggers call, as the app's
        editar(conn)
        conn.commit()
        conn.close()
        return copia

    def sbc_cambiado(conn) -> None:  # a worker's SBC in the frozen copy, the cadena untouched
        (datos,) = conn.execute("SELECT congelada FROM icsoe_informativas").fetchone()
        firmada = descongelar(datos)
        inf = firmada.informativa
        primero = inf.contratos[0]
        trabajador = replace(primero.trabajadores[0], sbc=primero.trabajadores[0].sbc + 100)
        contrato = replace(primero, trabajadores=(trabajador, *primero.trabajadores[1:]))
        otra = replace(inf, contratos=(contrato, *inf.contratos[1:]))
        conn.execute(
            "UPDATE icsoe_informativas SET congelada = ?", (congelar(otra, firmada.firmada),)
        )

    def encabezado_cambiado(conn) -> None:  # what the window shows, the whole copy untouched
        (datos,) = conn.execute("SELECT congelada FROM icsoe_informativas").fetchone()
        firmada = descongelar(datos)
        primero = replace(firmada.informativa.contratos[0], objeto="Otro objeto")
        otra = replace(firmada.informativa, contratos=(primero, *firmada.informativa.contratos[1:]))
        conn.execute(
            "UPDATE icsoe_informativas SET congelada_cabecera = ?",
            (congelar(sin_trabajadores(otra), firmada.firmada),),
        )

    encabezado = "su encabezado guardado ya no es el de la informativa que se firmó"
    casos = {
        "encabezado": (encabezado_cambiado, encabezado),
        # The header copy kept, the whole copy it comes from taken away.
        "encabezado-solo": (
            lambda conn: conn.execute("UPDATE icsoe_informativas SET congelada = NULL"),
            encabezado,
        ),
        "sello": (
            lambda conn: conn.execute(
                "UPDATE icsoe_informativas SET cadena = replace(cadena, '|', '||')"
            ),
            "su sello no corresponde a su cadena original",
        ),
        "datos": (sbc_cambiado, "sus datos ya no son los que se firmaron"),
    }
    for nombre, (editar, motivo) in casos.items():
        with pytest.raises(BackupError) as refused:
            services.backup.restore(editado(nombre, editar), actor=CLI_ACTOR)
        assert refused.value.code == "respaldo_firmada_alterada"
        assert refused.value.message == (
            f"El respaldo «{nombre}.icsoe-respaldo» tiene alterada la informativa firmada del "
            f"periodo {PERIODO.clave} de {rfc}: {motivo}. No se restauró nada."
        )
    assert services.informativas.fila(uuid, rfc).estado == FIRMADA


def test_the_constancia_saved_to_a_file_is_the_signed_one_and_audited(services, lista, tmp_path):
    rfc, ana, uuid, _contrato, cer, key = lista
    firma = services.informativa_firma
    acuse = firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)
    destino = firma.guardar_constancia(uuid, ana, tmp_path / "constancia.pdf")
    assert destino.read_bytes() == acuse
    assert firma.verificar(destino.read_bytes(), cer.read_bytes()).ok
    (entrada,) = [e for e in services.audit.recent() if e.action == "icsoe_constancia_guardada"]
    assert entrada.detail == (
        f"constancia de firma ({len(acuse):,} bytes) en «{destino.resolve()}»"
    )
    # A folder that refuses it: the error reaches the window, nothing half written.
    with pytest.raises(OSError):
        firma.guardar_constancia(uuid, ana, tmp_path / "no-existe" / "constancia.pdf")
    assert not (tmp_path / "no-existe").exists()
