"""The informativa travels between two desktops of one company through the real server: the
contratantes, the informativa, its contracts and its workers arrive whole, and an edit on the
other desktop comes back; a signed one travels with what was frozen when it was signed."""

from __future__ import annotations

import base64
from contextlib import closing
from dataclasses import replace

import pytest
from sqlalchemy import text

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.informativa.captura import ContratoDatos
from tests.icsoe_helpers import enter_contratista, trust_sat
from tests.informativa_servicios import (
    CLIENTE,
    PERIODO,
    acuse_del_imss,
    contrato_con_trabajadores,
)
from tests.sync.conftest import connected


def test_an_informativa_with_its_contracts_and_workers_travels_and_edits_come_back(
    sync_server, desktops, tmp_path
) -> None:
    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=250)
    a.sync.synchronize()
    b.sync.synchronize()
    assert b.informativas.informativa(uuid, CLI_ACTOR) == a.informativas.informativa(
        uuid, CLI_ACTOR
    )
    assert b.informativa_trabajadores.contar(contrato, CLI_ACTOR) == 250

    # B completes the contract's dates and removes a worker; A sees both.
    datos = b.informativas.contrato(contrato, CLI_ACTOR)
    b.informativas.guardar_contrato(
        uuid,
        CLI_ACTOR,
        ContratoDatos(datos.contratante, "Objeto corregido en B", datos.folio_repse),
        uuid=contrato,
    )
    primero = b.informativa_trabajadores.pagina(contrato, CLI_ACTOR, 0, 1)[0]
    b.informativa_trabajadores.quitar(contrato, CLI_ACTOR, [primero.id])
    b.sync.synchronize()
    a.sync.synchronize()
    assert a.informativas.contrato(contrato, CLI_ACTOR).objeto == "Objeto corregido en B"
    assert a.informativa_trabajadores.contar(contrato, CLI_ACTOR) == 249
    assert a.informativas.informativa(uuid, CLI_ACTOR) == b.informativas.informativa(
        uuid, CLI_ACTOR
    )


def test_a_signed_informativa_and_its_acuse_travel_and_verify_on_the_other_desktop(
    sync_server, desktops, tmp_path
) -> None:
    from icsoe_desktop.domain.informativa.modelo import FIRMADA
    from tests import credentials_factory as cf

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=5)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    acuse = a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    firmada = a.informativas.informativa(uuid, CLI_ACTOR)
    exportado = _exportados(a, uuid, tmp_path / "a")
    a.sync.synchronize()
    b.sync.synchronize()
    assert b.informativas.fila(uuid, CLI_ACTOR).estado == FIRMADA
    assert b.informativa_firma.acuse(uuid, CLI_ACTOR) == acuse
    # Verifying trusts this desktop's authorities: B proves nothing before it trusts the SAT's.
    assert not b.informativa_firma.verificar(acuse, cer.read_bytes()).ok
    trust_sat(b.data_dir)
    assert b.informativa_firma.verificar(acuse, cer.read_bytes()).ok
    # The informativa frozen at signing travels with its row.
    assert _congelada(b, uuid) == _congelada(a, uuid) is not None

    # B renames the contratante after signing: on both desktops the signed informativa says,
    # exports and verifies as signed.
    contratante = b.informativas.contrato(contrato, CLI_ACTOR).contratante
    b.informativas.guardar_contratante(
        rfc, CLI_ACTOR, replace(CLIENTE, nombre="Cliente Renombrado, S.A."), uuid=contratante
    )
    b.sync.synchronize()
    a.sync.synchronize()
    for desktop in (a, b):
        assert desktop.informativas.informativa(uuid, CLI_ACTOR) == firmada
        assert desktop.informativa_firma.verificar(acuse, cer.read_bytes()).ok
    assert _exportados(b, uuid, tmp_path / "b") == exportado


def _exportados(desktop, uuid: str, carpeta) -> dict[str, bytes]:
    carpeta.mkdir()
    archivos = desktop.informativa_firma.exportar(uuid, CLI_ACTOR, carpeta)
    return {p.name: p.read_bytes() for p in archivos}


def _congelada(desktop, uuid: str) -> bytes | None:
    with desktop.store.engine.connect() as conn:
        return conn.execute(
            text("SELECT congelada FROM icsoe_informativas WHERE uuid = :u"), {"u": uuid}
        ).scalar_one()


def test_the_portals_rejections_travel_and_the_signed_informativa_still_verifies(
    sync_server, desktops, tmp_path
) -> None:
    from tests import credentials_factory as cf
    from tests.services.test_informativa_rechazos import MOTIVO_NSS, portal_xlsx

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=4)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    acuse = a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    a.sync.synchronize()
    b.sync.synchronize()
    t = b.informativa_trabajadores.pagina(contrato, CLI_ACTOR, 0, 4)[2]
    archivo = portal_xlsx(tmp_path / "rechazos.xlsx", [(1, t.nss, t.curp, 1, MOTIVO_NSS)])
    assert b.informativa_rechazos.importar(uuid, CLI_ACTOR, archivo).problemas == []
    b.sync.synchronize()
    a.sync.synchronize()
    (marcado,) = a.informativa_trabajadores.pagina(contrato, CLI_ACTOR, 0, 4, rechazados=True)
    assert (marcado.nss, marcado.rechazo, marcado.corregido) == (t.nss, MOTIVO_NSS, False)
    trust_sat(a.data_dir)
    assert a.informativa_firma.verificar(acuse, cer.read_bytes()).ok


@pytest.mark.parametrize("corregida", [False, True])
def test_the_imss_acuse_registered_travels_and_the_other_desktop_sees_it_filed(
    sync_server, desktops, tmp_path, clock, corregida
) -> None:
    """Registered as read, or with its date corrected by the clerk (a misread hour): sent,
    received and held to the registro on the other desktop, the correction with it."""
    import hashlib
    from datetime import datetime

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from icsoe_desktop.domain.informativa.modelo import PRESENTADA
    from tests import credentials_factory as cf

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=2)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    a.sync.synchronize()
    b.sync.synchronize()
    trust_sat(b.data_dir)  # B verifies the constancia before it files
    # B registers the IMSS acuse (filed on the portal after the signing); A receives it whole.
    clock.advance(hours=3)
    pdf = acuse_del_imss(rfc, fecha="22/11/2026 05:45:10")
    fecha = datetime(2026, 11, 22, 5 - corregida, 45, 10, tzinfo=HORA_DEL_CENTRO)
    b.informativa_presentacion.registrar(
        uuid, CLI_ACTOR, pdf, "acuse.pdf", "N262253432", fecha, {contrato: "A26P3662382"},
        corregir=corregida,
    )  # fmt: skip
    b.sync.synchronize()
    a.sync.synchronize()
    fila = a.informativas.fila(uuid, CLI_ACTOR)
    assert (fila.estado, fila.folio_imss) == (PRESENTADA, "N262253432")
    assert a.informativa_presentacion.acuse_imss(uuid, CLI_ACTOR) == pdf
    registro = a.informativa_presentacion.registro(uuid, CLI_ACTOR)
    assert (registro.presentada, registro.sha256) == (fecha, hashlib.sha256(pdf).hexdigest())
    assert registro.corregido == (
        "fecha corregida por el usuario (el acuse dice 22/11/2026 05:45:10)" if corregida else ""
    )
    assert [c.folio_imss for c in registro.contratos] == ["A26P3662382"]
    assert {f.uuid for f in a.informativa_presentacion.por_presentar(CLI_ACTOR)} == set()


def test_an_imss_acuse_swapped_in_the_store_before_its_first_sync_is_never_sent(
    sync_server, desktops, tmp_path, clock
) -> None:
    from datetime import datetime

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.store import plain
    from tests import credentials_factory as cf

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=2)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    clock.advance(hours=3)
    a.informativa_presentacion.registrar(
        uuid,
        CLI_ACTOR,
        acuse_del_imss(rfc, fecha="22/11/2026 05:45:10"),
        "acuse.pdf",
        "N262253432",
        datetime(2026, 11, 22, 5, 45, 10, tzinfo=HORA_DEL_CENTRO),
        {},
    )
    # Swapped with another SQLite program before the desktop's first sync.
    with closing(plain.connect(a.empresas.ruta(a.empresa))) as conn:
        conn.execute(
            "UPDATE icsoe_informativas SET acuse_imss_pdf = ? WHERE uuid = ?",
            (acuse_del_imss("TRA120305P31"), uuid),
        )
    with pytest.raises(ValidationError) as error:
        a.sync.synchronize()
    assert error.value.code == "acuse_imss_alterado"
    assert "No se envió nada al servidor" in error.value.message
    b.sync.synchronize()
    with closing(plain.connect(b.empresas.ruta(b.empresa))) as conn:
        assert conn.execute("SELECT count(*) FROM icsoe_informativas").fetchone() == (0,)


def _presentada_en(a, rfc: str, tmp_path, clock) -> str:
    """An informativa of ``rfc`` signed and filed on desktop ``a``: its uuid."""
    from datetime import datetime

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from tests import credentials_factory as cf

    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=2)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    clock.advance(hours=3)
    a.informativa_presentacion.registrar(
        uuid,
        CLI_ACTOR,
        acuse_del_imss(rfc, fecha="22/11/2026 05:45:10"),
        "acuse.pdf",
        "N262253432",
        datetime(2026, 11, 22, 5, 45, 10, tzinfo=HORA_DEL_CENTRO),
        {},
    )
    return uuid


# Another contratista's acuse of the same folio and date; this one's of another folio.
AJENOS = {
    "otro_contratista": (
        lambda _rfc: acuse_del_imss("TRA120305P31", fecha="22/11/2026 05:45:10"),
        "es del contratista con RFC TRA120305P31",
    ),
    "otro_folio": (
        lambda rfc: acuse_del_imss(rfc, fecha="22/11/2026 05:45:10", folio="N262299999"),
        "es del folio N262299999, no del folio N262253432 registrado",
    ),
}


@pytest.mark.parametrize("ajeno", sorted(AJENOS))
def test_an_acuse_swapped_with_its_sha256_is_never_sent(
    sync_server, desktops, tmp_path, clock, ajeno
) -> None:
    import hashlib

    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.store import plain

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = _presentada_en(a, rfc, tmp_path, clock)
    hacer, motivo = AJENOS[ajeno]
    otro = hacer(rfc)
    with closing(plain.connect(a.empresas.ruta(a.empresa))) as conn:
        conn.execute(
            "UPDATE icsoe_informativas SET acuse_imss_pdf = ?, acuse_imss_sha256 = ? "
            "WHERE uuid = ?",
            (otro, hashlib.sha256(otro).hexdigest(), uuid),
        )
    with pytest.raises(ValidationError) as error:
        a.sync.synchronize()
    assert error.value.code == "acuse_imss_ajeno"
    assert motivo in error.value.message
    assert "No se envió nada al servidor" in error.value.message
    b.sync.synchronize()
    with closing(plain.connect(b.empresas.ruta(b.empresa))) as conn:
        assert conn.execute("SELECT count(*) FROM icsoe_informativas").fetchone() == (0,)


@pytest.mark.parametrize("ajeno", sorted(AJENOS))
def test_an_acuse_swapped_with_its_sha256_on_the_server_is_not_applied(
    sync_server, desktops, tmp_path, clock, ajeno
) -> None:
    import hashlib

    a, b = connected(sync_server, desktops)
    trust_sat(b.data_dir)  # B verifies the constancia of what arrives presentada
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = _presentada_en(a, rfc, tmp_path, clock)
    a.sync.synchronize()
    b.sync.synchronize()
    genuino = b.informativa_presentacion.acuse_imss(uuid, CLI_ACTOR)
    hacer, motivo = AJENOS[ajeno]
    otro = hacer(rfc)
    OtroPrograma(sync_server, uuid).enviar(
        acuse_imss_pdf=otro, acuse_imss_sha256=hashlib.sha256(otro).hexdigest()
    )
    mensaje = (
        f"La informativa presentada del periodo {PERIODO.clave} de {rfc} que llegó del "
        "servidor trae un acuse del IMSS que no es el que se registró: no se aplicó."
    )
    for desktop in (b, a):
        resultado = desktop.sync.synchronize()
        assert mensaje in resultado.texto
        assert desktop.informativa_presentacion.acuse_imss(uuid, CLI_ACTOR) == genuino
        (entrada,) = [e for e in desktop.audit.recent() if e.action == "sincronizacion_rechazada"]
        assert motivo in entrada.detail


def _constancia(desktop, uuid: str) -> bytes:
    with desktop.store.engine.connect() as conn:
        return conn.execute(
            text("SELECT acuse_pdf FROM icsoe_informativas WHERE uuid = :u"), {"u": uuid}
        ).scalar_one()


def test_a_presentada_whose_constancia_was_forged_on_the_server_is_not_applied(
    sync_server, desktops, tmp_path, clock
) -> None:
    from icsoe_desktop.domain.informativa.modelo import PRESENTADA
    from tests import constancia_falsa as falsa

    a, b = connected(sync_server, desktops)
    trust_sat(b.data_dir)  # B verifies the constancias that arrive presentada
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = _presentada_en(a, rfc, tmp_path, clock)
    a.sync.synchronize()
    # The genuine one, never held by B, is verified there and applied.
    b.sync.synchronize()
    genuina = _constancia(b, uuid)
    assert b.informativas.fila(uuid, CLI_ACTOR).estado == PRESENTADA
    # The same pages, cadena and sello, signed again by a self-signed certificate.
    forjada = falsa.firmar(falsa.paginas(genuina), falsa.autofirmado(rfc), [], falsa.datos(genuina))
    OtroPrograma(sync_server, uuid).enviar(acuse_pdf=forjada)
    resultado = b.sync.synchronize()
    assert (
        f"La informativa presentada del periodo {PERIODO.clave} de {rfc} que llegó del "
        "servidor trae una constancia de firma que no es válida: no se aplicó."
    ) in resultado.texto
    assert _constancia(b, uuid) == genuina
    (entrada,) = [e for e in b.audit.recent() if e.action == "sincronizacion_rechazada"]
    assert "El sello y la firma del PDF no son del mismo certificado." in entrada.detail


def test_one_imss_folio_registered_on_two_desktops_for_two_informativas_is_a_conflict(
    sync_server, desktops, tmp_path, clock
) -> None:
    """Two clerks register the same acuse's folio, each for another informativa, before
    syncing: no desktop ends with two presentadas of one folio; each is told."""
    from datetime import datetime

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.domain.informativa.modelo import FIRMADA, PRESENTADA
    from tests import credentials_factory as cf

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    normal = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(a, rfc, CLI_ACTOR, normal, trabajadores=1)
    a.informativa_firma.firmar(normal, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    correccion = a.informativas.crear(rfc, CLI_ACTOR, PERIODO, "correccion", complementa=normal)
    a.informativa_firma.firmar(correccion, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    a.sync.synchronize()
    b.sync.synchronize()
    trust_sat(b.data_dir)  # B verifies the constancia before it files
    clock.advance(hours=3)
    fecha = datetime(2026, 11, 22, 5, 45, 10, tzinfo=HORA_DEL_CENTRO)
    for desktop, uuid, tipo in ((a, normal, "Normal"),
                                (b, correccion, "Complementaria de Corrección")):  # fmt: skip
        desktop.informativa_presentacion.registrar(
            uuid,
            CLI_ACTOR,
            acuse_del_imss(rfc, fecha="22/11/2026 05:45:10", tipo=tipo),
            "acuse.pdf",
            "N262253432",
            fecha,
            {},
        )
    a.sync.synchronize()
    resultado = b.sync.synchronize()
    assert "ya es de otra informativa: no se aplicó" in resultado.texto
    a.sync.synchronize()
    for desktop in (a, b):
        estados = [desktop.informativas.fila(u, CLI_ACTOR).estado for u in (normal, correccion)]
        assert sorted(estados) == [FIRMADA, PRESENTADA]
        (conflicto,) = desktop.conflictos.conflicts()
        assert conflicto.kind == "rechazado"
        # «Conservar la otra» would make two presentadas of one folio: refused too.
        with pytest.raises(ValidationError) as negado:
            desktop.conflictos.resolve(conflicto.id, "otra", CLI_ACTOR)
        assert "ya es de otra informativa" in negado.value.message


def test_a_signed_informativa_altered_on_the_server_is_not_applied_and_the_user_is_told(
    sync_server, desktops, tmp_path, clock
) -> None:
    """Someone holding the e.firma, with their own software, sends a signed informativa whose
    cadena and sello are genuine but whose frozen copy (or header copy) says something else:
    no desktop writes it, each says so, keeps it as a conflict, logs and audits it."""
    from icsoe_desktop.domain.errors import ValidationError
    from icsoe_desktop.domain.informativa.modelo import FIRMADA
    from icsoe_desktop.services.container import open_services
    from tests import credentials_factory as cf
    from tests.sync.conftest import connect

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=5)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    acuse = a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    firmada = a.informativas.informativa(uuid, CLI_ACTOR)
    a.sync.synchronize()
    b.sync.synchronize()
    # A genuine signed informativa arrives whole and verifies.
    assert b.informativas.informativa(uuid, CLI_ACTOR) == firmada
    assert copias(b, uuid) == copias(a, uuid)
    trust_sat(b.data_dir)
    assert b.informativa_firma.verificar(acuse, cer.read_bytes()).ok
    genuinas = copias(b, uuid)

    otro = OtroPrograma(sync_server, uuid)
    enviar = otro.enviar
    mensaje = alterada(PERIODO.clave, rfc)

    congelada, cabecera = genuinas
    enviar(congelada=sbc_cambiado(congelada))
    for desktop in (b, a):  # B and A hold the row: each keeps its own
        resultado = desktop.sync.synchronize()
        assert mensaje in resultado.texto
        assert "Hay 1 conflicto" in resultado.texto
        assert copias(desktop, uuid) == genuinas
        assert desktop.informativas.fila(uuid, CLI_ACTOR).estado == FIRMADA
        assert desktop.informativas.informativa(uuid, CLI_ACTOR) == firmada
        (conflicto,) = desktop.conflictos.conflicts()
        assert (conflicto.kind, conflicto.tabla) == ("rechazado", "icsoe_informativas")
        # «Conservar la otra» would write it: refused with the same words.
        with pytest.raises(ValidationError) as negado:
            desktop.conflictos.resolve(conflicto.id, "otra", CLI_ACTOR)
        assert negado.value.message == mensaje
        assert copias(desktop, uuid) == genuinas
        (entrada,) = [e for e in desktop.audit.recent() if e.action == "sincronizacion_rechazada"]
        assert (entrada.target, entrada.detail) == (
            f"{rfc} {PERIODO.clave}",
            "sus datos ya no son los que se firmaron",
        )
    assert b.informativa_firma.verificar(acuse, cer.read_bytes()).ok

    # The header copy (what the window shows) altered, the whole copy genuine: refused too,
    # the open conflict renewed rather than a second one.
    enviar(congelada=congelada, congelada_cabecera=_objeto_cambiado(cabecera))
    resultado = b.sync.synchronize()
    assert mensaje in resultado.texto
    assert copias(b, uuid) == genuinas
    assert [c.kind for c in b.conflictos.conflicts()] == ["rechazado"]
    ultima = next(e for e in b.audit.recent() if e.action == "sincronizacion_rechazada")
    assert ultima.detail == "su encabezado guardado ya no es el de la informativa que se firmó"

    # A desktop joining the company never had the row: it does not get it, and its contract
    # and workers wait for a genuine one (not one «invalido» conflict each).
    folder = tmp_path / "escritorio_c"
    folder.mkdir()
    c = open_services(folder, clock)
    try:
        connect(c, sync_server.url, sync_server.token(nombre="C"))
        resultado = c.sync.synchronize()
        assert mensaje in resultado.texto
        assert copias(c, uuid) is None
        assert [conflicto.kind for conflicto in c.conflictos.conflicts()] == ["rechazado"]
        # The next sync brings nothing new: the conflict stays, nothing is received again.
        resultado = c.sync.synchronize()
        assert (resultado.recibidos, resultado.rechazados) == (0, ())
        assert (c.sync.status().conflicts, c.sync.status().reparacion) == (1, "")

        # The genuine copies sent again: every desktop applies them as before, and the
        # joining one the contract and workers that waited.
        enviar(congelada=congelada, congelada_cabecera=cabecera)
        for desktop in (a, b, c):
            resultado = desktop.sync.synchronize()
            assert "no se aplicó" not in resultado.texto
            assert copias(desktop, uuid) == genuinas
            assert desktop.informativas.informativa(uuid, CLI_ACTOR) == firmada
        trust_sat(c.data_dir)
        assert c.informativa_firma.verificar(acuse, cer.read_bytes()).ok
        assert c.informativa_trabajadores.contar(contrato, CLI_ACTOR) == 5
    finally:
        c.close()


def alterada(periodo: str, rfc: str) -> str:
    """What a desktop says of a signed informativa received altered."""
    return (
        f"La informativa firmada del periodo {periodo} de {rfc} que llegó del servidor no "
        "coincide con lo que se firmó: no se aplicó."
    )


class OtroPrograma:
    """Other software holding a token of the company: it sends the signed informativa
    ``uuid`` as the server holds it with other copies (genuine cadena and sello)."""

    def __init__(self, sync_server, uuid: str) -> None:
        from tests.sync.test_server import call

        self._server, self._uuid = sync_server, uuid
        self._token = sync_server.token(nombre="Otro programa")
        page = call(sync_server, self._token, "GET", "/v1/pull", params={"since": 0}).json()
        (self._fila,) = [r for r in page["rows"] if r["uuid"] == uuid]

    def enviar(self, **cambios: bytes | str) -> None:
        from tests.sync.test_server import push

        anterior = self._fila
        data = dict(anterior["data"])
        data.update(
            {
                k: v if isinstance(v, str) else base64.b64encode(v).decode("ascii")
                for k, v in cambios.items()
            }
        )
        fila = {
            "table": "icsoe_informativas",
            "uuid": self._uuid,
            "version": anterior["version"] + 1,
            "updated_at": anterior["updated_at"],
            "deleted": False,
            "base_seq": anterior["seq"],
            "data": data,
        }
        (resultado,) = push(self._server, self._token, [fila]).json()["results"]
        self._fila = {**fila, "seq": resultado["seq"]}


def copias(desktop, uuid: str) -> tuple[bytes | None, bytes | None] | None:
    """The row's two frozen copies; None: no such row."""
    with desktop.store.engine.connect() as conn:
        found = conn.execute(
            text("SELECT congelada, congelada_cabecera FROM icsoe_informativas WHERE uuid = :u"),
            {"u": uuid},
        ).one_or_none()
    return None if found is None else (found[0], found[1])


def sbc_cambiado(congelada: bytes) -> bytes:
    """The frozen copy with its first worker's SBC raised, compressed again."""
    from icsoe_desktop.domain.informativa.firmada import congelar, descongelar

    leida = descongelar(congelada)
    primero = leida.informativa.contratos[0]
    trabajador = replace(primero.trabajadores[0], sbc=primero.trabajadores[0].sbc + 100)
    contrato = replace(primero, trabajadores=(trabajador, *primero.trabajadores[1:]))
    otra = replace(leida.informativa, contratos=(contrato, *leida.informativa.contratos[1:]))
    return congelar(otra, leida.firmada)


def _objeto_cambiado(cabecera: bytes) -> bytes:
    """The header copy with its first contract's objeto changed, compressed again."""
    from icsoe_desktop.domain.informativa.firmada import congelar, descongelar

    leida = descongelar(cabecera)
    primero = replace(leida.informativa.contratos[0], objeto="Otro objeto")
    otra = replace(leida.informativa, contratos=(primero, *leida.informativa.contratos[1:]))
    return congelar(otra, leida.firmada)


def test_two_desktops_capturing_the_same_period_offline_end_with_one_normal(
    sync_server, desktops, tmp_path
) -> None:
    """Both desktops know the contratista; each captures the mayo–agosto Normal offline, with
    the same contract (one worker's SBC typed otherwise on B). The one that syncs second
    receives before it sends: its Normal, contract and workers are the first one's, and the
    worker that differs is one conflict there; the server and both desktops hold one."""
    from sqlalchemy import func, select

    from icsoe_desktop.store.models import ContratoTrabajador, InformativaRow
    from icsoe_desktop.sync_server.models import SyncedRow

    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    a.sync.synchronize()
    b.sync.synchronize()
    contratos = {}
    for desktop in (a, b):
        uuid = desktop.informativas.crear(rfc, CLI_ACTOR, PERIODO)
        contratos[desktop] = contrato_con_trabajadores(desktop, rfc, CLI_ACTOR, uuid, 10)
    w = b.informativa_trabajadores.pagina(contratos[b], CLI_ACTOR, 0, 1)[0]
    b.informativa_trabajadores.corregir(contratos[b], CLI_ACTOR, w.id, w.nss, w.curp, "999.99")

    assert a.sync.synchronize().conflictos == 0
    assert b.sync.synchronize().conflictos == 1
    (conflict,) = b.conflictos.conflicts()
    assert (conflict.kind, conflict.renglon) == ("recapturado", w.nss)
    assert a.sync.synchronize().conflictos == 0 and a.conflictos.conflicts() == []

    with sync_server.engine.connect() as conn:
        held = dict(
            conn.execute(
                select(SyncedRow.tabla, func.count())
                .where(SyncedRow.tabla.like("icsoe_%"))
                .group_by(SyncedRow.tabla)
            ).all()
        )
    assert held["icsoe_informativas"] == held["icsoe_contratos"] == 1
    assert held["icsoe_contrato_trabajadores"] == 10
    for desktop in (a, b):
        with desktop.store.session() as session:
            assert session.scalar(select(func.count()).select_from(InformativaRow)) == 1
            assert session.scalar(select(func.count()).select_from(ContratoTrabajador)) == 10


def test_a_presentada_stored_before_its_constancia_was_checked_is_verified_at_the_next_sync(
    sync_server, desktops, tmp_path, clock
) -> None:
    """A row that arrived presentada on a desktop whose release did not verify what a pull
    brings (no verifier: the older release's) is verified at its next sync by the current
    checks, told and audited as a refused pulled row is; once, until the checks change."""
    import hashlib
    import json

    from icsoe_desktop.services.informativa.constancia_comprobaciones import (
        VERSION_COMPROBACIONES,
    )
    from icsoe_desktop.services.informativa.constancias_guardadas import CLAVE
    from tests import constancia_falsa as falsa

    a, b = connected(sync_server, desktops)
    trust_sat(b.data_dir)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = _presentada_en(a, rfc, tmp_path, clock)
    a.sync.synchronize()
    genuina = _constancia(a, uuid)
    forjada = falsa.firmar(falsa.paginas(genuina), falsa.autofirmado(rfc), [], falsa.datos(genuina))
    OtroPrograma(sync_server, uuid).enviar(acuse_pdf=forjada)
    verificar, b.store.verificar_constancia = b.store.verificar_constancia, None
    b.sync.synchronize()  # as the older release: written unverified
    assert _constancia(b, uuid) == forjada

    b.store.verificar_constancia = verificar
    resultado = b.sync.synchronize()
    (mensaje,) = resultado.rechazados
    assert mensaje.startswith(
        f"La informativa presentada del periodo {PERIODO.clave} de {rfc} guardada en este "
        "equipo tiene una constancia de firma que no es válida (El sello y la firma del PDF no "
        "son del mismo certificado. "
    )
    assert mensaje.endswith("); revísala con Verificar constancia.")
    assert mensaje in resultado.texto
    (entrada,) = [e for e in b.audit.recent() if e.action == "constancia_guardada_no_valida"]
    assert entrada.target == f"{rfc} {PERIODO.clave}"
    assert "El sello y la firma del PDF no son del mismo certificado." in entrada.detail
    nota = json.loads(b.sync.estado.leer(CLAVE))
    assert nota[uuid][0] == VERSION_COMPROBACIONES
    # Verified by these checks: not again at the next sync.
    assert mensaje not in b.sync.synchronize().texto
    # The genuine one on A verifies: nothing told there, and noted as verified.
    assert "guardada en este equipo" not in a.sync.synchronize().texto
    assert json.loads(a.sync.estado.leer(CLAVE))[uuid] == [
        VERSION_COMPROBACIONES,
        hashlib.sha256(genuina).hexdigest(),
    ]
