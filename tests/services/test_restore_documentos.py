"""Restore checks every stored document against what it is stored as (services/respaldo/
documentos.py): a presentada's IMSS acuse swapped in a backup (its SHA-256 left, or recomputed
for another folio's acuse) and a constancia de firma edited or taken from another informativa
are refused, naming the informativa; a backup of a store whose acuse does not match its SHA-256
is written marked, with a warning, and its restore refused too."""

from __future__ import annotations

import hashlib
import shutil
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.empresas.respaldo import RespaldoMarcado
from icsoe_desktop.services.respaldo.backup import BackupError
from icsoe_desktop.store import cifrado, plain
from tests import credentials_factory as cf
from tests import respaldos
from tests.conftest import services_copying
from tests.informativa_servicios import acuse_del_imss, firmada_una_vez

# Filed on the portal the day after the signing (the tests' clock: 22/11/2026 09:00 UTC).
FECHA = datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO)
FOLIO, OTRO_FOLIO = "N262253432", "N262299999"


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(3, 4)])


services = services_copying(presentada="_firmada_una_vez")


def _acuse(folio: str = FOLIO) -> bytes:
    return acuse_del_imss(cf.RFC_MORAL, folio=folio, fecha="22/11/2026 10:15:30")


@pytest.fixture
def presentada(_firmada_una_vez, services, smtp_configured, tmp_path, clock):
    """The informativa filed (its acuse registered) and a whole backup of it: (backup, rfc)."""
    rfc, _ana, uuid, (contrato,), _constancia = _firmada_una_vez[1]
    clock.now = datetime(2026, 11, 23, 12, 0)
    services.informativa_presentacion.registrar(
        uuid, rfc, _acuse(), "acuse.pdf", FOLIO, FECHA, {contrato: "A26P3662382"}
    )
    return services.backup.backup(tmp_path / "bueno.icsoe-respaldo", CLI_ACTOR), rfc


def _editar(path: Path, sql: str, *params: object) -> None:
    with closing(respaldos.abrir(path)) as conn:
        plain.register_functions(conn)
        conn.execute(sql, params)
        conn.commit()


def _copia(backup: Path, nombre: str) -> Path:
    copia = backup.with_name(nombre)
    shutil.copyfile(backup, copia)
    return copia


def _rechazo(services, copia: Path) -> BackupError:
    with pytest.raises(BackupError) as refused:
        services.backup.restore(copia, CLI_ACTOR)
    return refused.value


def _de_otro_contratista() -> bytes:
    """Another contratista's acuse of the same folio, date and period."""
    return acuse_del_imss("TRA120305P31", folio=FOLIO, fecha="22/11/2026 10:15:30")


def _constancia(backup: Path) -> bytes:
    """The constancia de firma the backup keeps."""
    with closing(respaldos.abrir(backup)) as conn:
        (pdf,) = conn.execute("SELECT acuse_pdf FROM icsoe_informativas WHERE acuse_pdf != ''")
        return pdf[0]


def test_a_whole_backup_of_a_presentada_is_restored(services, presentada) -> None:
    backup, _rfc = presentada
    services.backup.restore(backup, CLI_ACTOR)


@pytest.mark.parametrize(
    ("cambio", "motivo"),
    [
        ("sha_dejado", "su acuse de presentación del IMSS no es el que se registró (su SHA-256 no "
         "coincide)"),
        ("sha_recalculado", f"su acuse de presentación del IMSS es del folio {OTRO_FOLIO}, no del "
         f"folio {FOLIO} registrado"),
        ("otro_contratista", "su acuse de presentación del IMSS no es de esta informativa: es del "
         f"contratista con RFC TRA120305P31, no de {cf.NOMBRE_MORAL} (RFC {cf.RFC_MORAL})"),
    ],
)  # fmt: skip
def test_a_swapped_acuse_is_refused_naming_the_informativa(
    services, presentada, cambio: str, motivo: str
) -> None:
    backup, rfc = presentada
    copia = _copia(backup, f"{cambio}.icsoe-respaldo")
    otro = _acuse(OTRO_FOLIO) if cambio != "otro_contratista" else _de_otro_contratista()
    _editar(copia, "UPDATE icsoe_informativas SET acuse_imss_pdf = ? WHERE folio_imss != ''", otro)
    if cambio != "sha_dejado":
        _editar(
            copia,
            "UPDATE icsoe_informativas SET acuse_imss_sha256 = ? WHERE folio_imss != ''",
            hashlib.sha256(otro).hexdigest(),
        )
    error = _rechazo(services, copia)
    assert error.code == "respaldo_documento_alterado"
    assert error.message == (
        f"El respaldo «{copia.name}» tiene alterado un documento guardado: la informativa del "
        f"periodo 2026-2 de {rfc}: {motivo}. No se restauró nada."
    )


@pytest.mark.parametrize("cambio", ["byte", "otra"])
def test_an_edited_constancia_is_refused(services, presentada, cambio: str) -> None:
    backup, rfc = presentada
    copia = _copia(backup, f"constancia-{cambio}.icsoe-respaldo")
    pdf = _constancia(backup)
    if cambio == "byte":  # one character of its pages changed
        i = pdf.index(b"ICSOE")
        alterada = pdf[:i] + b"ICSOF" + pdf[i + 5 :]
    else:  # a PDF that is no constancia at all in its place
        alterada = _acuse()
    _editar(copia, "UPDATE icsoe_informativas SET acuse_pdf = ? WHERE acuse_pdf != ''", alterada)
    error = _rechazo(services, copia)
    assert error.code == "respaldo_documento_alterado"
    assert f"la informativa del periodo 2026-2 de {rfc}: su constancia de firma no es válida (" in (
        error.message
    )


def test_a_store_whose_acuse_differs_is_backed_up_marked_and_never_restored(
    services, presentada, tmp_path: Path
) -> None:
    _backup, _rfc = presentada
    _editar(
        services.store.path,
        "UPDATE icsoe_informativas SET acuse_imss_pdf = ? WHERE folio_imss != ''",
        _acuse(OTRO_FOLIO),
    )
    with pytest.raises(RespaldoMarcado) as warned:
        services.backup.backup(tmp_path / "marcado.icsoe-respaldo", CLI_ACTOR)
    assert "no es el que se registró (su SHA-256 no coincide)" in warned.value.message
    assert "El respaldo quedó marcado" in warned.value.message
    assert services.audit.recent()[0].action == "respaldo_marcado"
    error = _rechazo(services, tmp_path / "marcado.icsoe-respaldo")
    assert error.code == "respaldo_de_base_alterada"


@pytest.mark.parametrize(
    ("otro_contratista", "motivo"),
    [(True, "es del contratista con RFC TRA120305P31"),
     (False, f"es del folio {OTRO_FOLIO}, no del folio {FOLIO} registrado")],
    ids=["otro_contratista", "otro_folio"],
)  # fmt: skip
def test_a_store_whose_acuse_and_sha256_were_swapped_is_backed_up_marked(
    services, presentada, tmp_path: Path, otro_contratista: bool, motivo: str
) -> None:
    _backup, _rfc = presentada
    otro = _de_otro_contratista() if otro_contratista else _acuse(OTRO_FOLIO)
    _editar(
        services.store.path,
        "UPDATE icsoe_informativas SET acuse_imss_pdf = ?, acuse_imss_sha256 = ? "
        "WHERE folio_imss != ''",
        otro,
        hashlib.sha256(otro).hexdigest(),
    )
    with pytest.raises(RespaldoMarcado) as warned:
        services.backup.backup(tmp_path / "marcado.icsoe-respaldo", CLI_ACTOR)
    assert motivo in warned.value.message
    assert "El respaldo quedó marcado" in warned.value.message
    error = _rechazo(services, tmp_path / "marcado.icsoe-respaldo")
    assert error.code == "respaldo_de_base_alterada"


def _autofirmada(genuina: bytes, rfc: str) -> bytes:
    """The genuine pages and data (cadena, sello) signed again by a self-signed certificate."""
    from tests import constancia_falsa as falsa

    return falsa.firmar(falsa.paginas(genuina), falsa.autofirmado(rfc), [], falsa.datos(genuina))


def test_a_constancia_re_signed_by_a_self_signed_certificate_is_refused(
    services, presentada
) -> None:
    backup, rfc = presentada
    copia = _copia(backup, "constancia-autofirmada.icsoe-respaldo")
    forjada = _autofirmada(_constancia(backup), rfc)
    _editar(copia, "UPDATE icsoe_informativas SET acuse_pdf = ? WHERE acuse_pdf != ''", forjada)
    error = _rechazo(services, copia)
    assert error.code == "respaldo_documento_alterado"
    assert f"la informativa del periodo 2026-2 de {rfc}: su constancia de firma no es válida (" in (
        error.message
    )
    # The backup of the genuine constancia is still restored.
    services.backup.restore(backup, CLI_ACTOR)


def test_a_frozen_copy_written_again_is_not_the_one_its_constancia_signs(
    services, presentada
) -> None:
    """The same informativa compressed again: it still says what the cadena seals, but it is
    not, byte for byte, the copy whose SHA-256 the constancia's signature covers."""
    import zlib

    backup, rfc = presentada
    copia = _copia(backup, "congelada.icsoe-respaldo")
    with closing(respaldos.abrir(backup)) as conn:
        (congelada,) = conn.execute(
            "SELECT congelada FROM icsoe_informativas WHERE acuse_pdf != ''"
        ).fetchone()
    otra = zlib.compress(zlib.decompress(congelada), 9)
    assert otra != congelada
    _editar(copia, "UPDATE icsoe_informativas SET congelada = ? WHERE acuse_pdf != ''", otra)
    error = _rechazo(services, copia)
    assert error.code == "respaldo_documento_alterado"
    assert error.message == (
        f"El respaldo «{copia.name}» tiene alterado un documento guardado: la informativa del "
        f"periodo 2026-2 de {rfc}: su copia congelada no es la que firma su constancia de firma. "
        "No se restauró nada."
    )


def test_a_backup_whose_constancia_this_pc_cannot_check_restores_naming_the_emisor(
    _firmada_una_vez, services, presentada, tmp_path: Path
) -> None:
    """Another PC that lacks the authority of the contratista's e.firma (its data folder has
    no emisores confiables added): the genuine backup is restored there, with a warning that
    names the emisor to add; nothing calls it altered."""
    from icsoe_desktop.domain.informativa.modelo import PRESENTADA
    from icsoe_desktop.services import recuperacion_almacen
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.informativa.constancia import NO_CONFIABLE
    from tests.conftest import FakeClock, build_isolated

    backup, rfc = presentada
    uuid = _firmada_una_vez[1][2]
    codigo = recuperacion_almacen.codigo_guardado()
    assert codigo is not None
    constancia, llave = _constancia(backup), cifrado.llave_instalacion()

    def restaurar_en_otro_equipo(data_dir: Path) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        otro = open_services(data_dir, FakeClock(datetime(2026, 11, 23, 12, 0)))
        try:
            hecha = otro.backup.restore(backup, CLI_ACTOR, codigo=codigo)
            verificacion = otro.informativa_firma.verificar(constancia)
            estado = otro.informativas.fila(uuid, CLI_ACTOR).estado or ""
            return hecha.avisos, verificacion.motivo, estado
        finally:
            otro.close()

    (tmp_path / "otro-pc").mkdir()
    avisos, motivos, estado = build_isolated(tmp_path / "otro-pc", restaurar_en_otro_equipo)
    cifrado.usar_llave(lambda: llave)  # this PC's stores, in this PC's key again
    assert motivos == (NO_CONFIABLE,)  # this PC cannot check it: it lacks that authority
    assert estado == PRESENTADA  # the informativa came with the backup, as it was
    (aviso,) = avisos
    assert aviso == (
        f"La informativa del periodo 2026-2 de {rfc}: su constancia de firma la firmó una "
        "e.firma emitida por «AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA», una autoridad "
        "certificadora que no está entre los emisores confiables de este equipo, así que aquí "
        "no se puede comprobar; nada indica que esté alterada. Para comprobarla, un "
        "administrador agrega esa autoridad en Configuración › Emisores confiables… (guía de "
        "administración, «Emisores confiables»)."
    )
    assert "alterado" not in aviso
