"""The SISUB report through the real services: the contracts in force (a contract of enero–abril
still in force in mayo–agosto although the ICSOE of that period is «Sin información»), its kind,
the workers per bimestre with the amounts from the CFDI de nómina (the share of time, overtime,
incapacidad), the clerk's number, work site and edits kept and audited, and who may do it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Domicilio, Periodo
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.modelo import (
    DATOS_CONTINUOS,
    SIN_ACTIVIDAD,
    Importes,
)
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.sisub.avance import PASOS
from icsoe_desktop.services.sisub.propuesta import SIN_RECIBOS
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.informativa_servicios import CLIENTE
from tests.sisub_datos import (
    ENERO_ABRIL,
    MAYO_AGOSTO,
    OTRO_CLIENTE,
    SITIO,
    con_repse,
    contrato,
    de_la_lista,
    importar,
)
from tests.sisub_fixtures import auditado

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, _firmada_una_vez = fx._quien_una_vez, fx._firmada_una_vez
services, quien, firmada = fx.services, fx.quien, fx.firmada


def _continuo(services, rfc, ana):
    """A contract of enero–abril 2026 with two workers, in force until 2027; mayo–agosto's
    ICSOE «Sin información»."""
    _inf, uuid = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), date(2027, 2, 9)
    )
    services.informativas.crear(rfc, ana, MAYO_AGOSTO, "sin_informacion")
    return uuid


def test_no_contract_in_force_is_sin_actividad(services, quien):
    rfc, ana = quien
    hecho = services.sisub.preparar(rfc, ana, "2026-2")
    reporte = services.sisub.reporte(hecho.uuid, ana)
    assert (reporte.tipo, reporte.tipo_texto, reporte.contratos) == (
        SIN_ACTIVIDAD,
        "Sin actividad",
        (),
    )
    assert reporte.periodo == MAYO_AGOSTO


def test_a_contract_of_an_earlier_period_is_in_force_and_continuous(services, quien, tmp_path):
    rfc, ana = quien
    continuo = _continuo(services, rfc, ana)
    uno, dos = de_la_lista(services, continuo, ana)
    emisor = nc.Emisor()
    recibos = []
    # uno: every fortnight of may–june for the client, overtime in the second one; july: an
    # incapacidad of 3 days. dos: 60 % for the client, 40 % for another.
    for n, periodo in enumerate((nc.Periodo.quincena(2026, 5), nc.Periodo.quincena(2026, 5, True))):
        extra = [("019", "Horas extra", Decimal("300.00"), Decimal("200.00"))] if n else []
        recibos.append(
            (
                f"uno{n}.xml",
                nc.recibo(
                    emisor, uno, periodo, subcontrataciones=((CLIENTE.rfc, "100"),), extra=extra
                ),
            )
        )
    julio = nc.Periodo.quincena(2026, 7)
    recibos.append(
        (
            "uno_julio.xml",
            nc.recibo(
                emisor,
                uno,
                julio,
                subcontrataciones=((CLIENTE.rfc, "100"),),
                incapacidades=((3, "02", Decimal(0)),),
                extra=[("029", "Vales de despensa", Decimal(0), Decimal("400.00"))],
            ),
        )
    )
    recibos.append(
        (
            "dos.xml",
            nc.recibo(
                emisor,
                dos,
                nc.Periodo.quincena(2026, 6),
                subcontrataciones=((CLIENTE.rfc, "60"), (OTRO_CLIENTE.rfc, "40")),
            ),
        )
    )
    importar(services, tmp_path / "nomina", recibos)

    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    assert (hecho.contratos, hecho.trabajadores, hecho.conservados) == (1, 3, 0)
    reporte = services.sisub.reporte(hecho.uuid, ana)
    assert reporte.tipo == DATOS_CONTINUOS
    (c,) = reporte.contratos
    assert (c.uuid, c.celebrado, c.contratante.rfc) == (continuo, False, CLIENTE.rfc)
    filas = {(t.nss, t.bimestre): t for t in c.trabajadores}
    assert set(filas) == {(uno.nss, 3), (uno.nss, 4), (dos.nss, 3)}
    dias_mayo = 31
    sueldo_uno = int(uno.sbc * 100) * dias_mayo
    mayo = filas[(uno.nss, 3)]
    assert mayo.importes.fijas == sueldo_uno
    assert mayo.importes.variables == 50_000
    assert mayo.registro_patronal == nc.REGISTRO_PATRONAL
    assert mayo.origen == "2 recibos CFDI"
    assert mayo.importes.no_excedente == int(uno.sbc * 100)
    julio_uno = filas[(uno.nss, 4)].importes
    assert (julio_uno.dias_incapacidad, julio_uno.no_integradas) == (3, 40_000)
    junio_dos = filas[(dos.nss, 3)].importes
    assert junio_dos.fijas == round(int(dos.sbc * 100) * 15 * 0.6)


def test_edits_are_kept_and_audited_and_the_site_is_kept_for_later(services, quien, tmp_path):
    rfc, ana = quien
    continuo = _continuo(services, rfc, ana)
    (uno, _dos) = de_la_lista(services, continuo, ana)
    recibo = nc.recibo(
        nc.Emisor(), uno, nc.Periodo.quincena(2026, 5), subcontrataciones=((CLIENTE.rfc, "100"),)
    )
    importar(services, tmp_path / "nomina", [("uno.xml", recibo)])
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    (fila,) = services.sisub.reporte(hecho.uuid, ana).contratos[0].trabajadores
    nuevos = Importes(123_456, 7_800, 2, 0, fila.importes.no_excedente)
    services.sisub.editar_trabajador(fila.uuid, ana, nuevos, "Y5412345105")
    (editada,) = services.sisub.reporte(hecho.uuid, ana).contratos[0].trabajadores
    assert (editada.importes, editada.editado) == (nuevos, True)
    assert editada.origen.startswith("Capturado por")
    (detalle,) = auditado(services, "sisub_trabajador_editado")
    assert "percepciones fijas: " in detalle and "→ 1,234.56" in detalle
    # Prepared again: the edit stays.
    assert services.sisub.preparar(rfc, ana, MAYO_AGOSTO).conservados == 1
    (otra_vez,) = services.sisub.reporte(hecho.uuid, ana).contratos[0].trabajadores
    assert otra_vez.importes == nuevos

    with pytest.raises(ValidationError) as error:
        services.sisub.guardar_contrato(
            hecho.uuid,
            continuo,
            ana,
            "SISUB-001",
            Domicilio(**{**SITIO.__dict__, "codigo_postal": "9728"}),
        )
    assert error.value.code == "codigo_postal_invalido"
    with pytest.raises(ValidationError) as error:
        services.sisub.guardar_contrato(hecho.uuid, continuo, ana, "  ", SITIO)
    assert error.value.field == "numero"
    services.sisub.guardar_contrato(hecho.uuid, continuo, ana, "SISUB-001", SITIO)
    (c,) = services.sisub.reporte(hecho.uuid, ana).contratos
    assert (c.numero, c.sitio) == ("SISUB-001", SITIO)
    assert auditado(services, "sisub_contrato_guardado")
    # The next period (the contract still in force): the number and site are already there.
    siguiente = services.sisub.preparar(rfc, ana, Periodo(2026, 3))
    (c,) = services.sisub.reporte(siguiente.uuid, ana).contratos
    assert (c.numero, c.sitio.calle) == ("SISUB-001", SITIO.calle)


def test_a_contract_started_in_the_period_proposes_its_listed_workers(services, quien):
    rfc, ana = quien
    _inf, nuevo = contrato(
        services, rfc, ana, MAYO_AGOSTO, CLIENTE, date(2026, 7, 6), None, trabajadores=2
    )
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    (c,) = services.sisub.reporte(hecho.uuid, ana).contratos
    assert (c.uuid, c.celebrado) == (nuevo, True)
    # Started in july: only the second bimestre, without receipts (for the clerk to complete).
    assert {t.bimestre for t in c.trabajadores} == {4}
    assert {t.origen for t in c.trabajadores} == {SIN_RECIBOS}
    assert hecho.trabajadores == 2


def test_preparar_tells_its_progress_as_the_rows_are_written(services, quien):
    """A bar a clerk watches: it moves with the work, never back, and ends full (also when
    there is nothing to report)."""
    rfc, ana = quien
    contrato(services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), date(2027, 2, 9))
    contrato(services, rfc, ana, MAYO_AGOSTO, OTRO_CLIENTE, date(2026, 5, 4), None, 6, seed=9)
    pasos: list[tuple[int, int]] = []
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO, avance=lambda *p: pasos.append(p))
    assert (hecho.contratos, hecho.trabajadores) == (2, 12)
    hechos = [n for n, _total in pasos]
    assert {total for _n, total in pasos} == {PASOS} and hechos[-1] == PASOS
    assert hechos == sorted(set(hechos)) and len(hechos) > hecho.trabajadores
    vacio: list[tuple[int, int]] = []
    services.sisub.preparar(rfc, ana, Periodo(2027, 3), avance=lambda *p: vacio.append(p))
    assert vacio[-1] == (PASOS, PASOS)


def test_an_ended_contract_and_a_bad_period_are_not_reported(services, quien):
    rfc, ana = quien
    contrato(services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 1, 5), date(2026, 4, 30))
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    assert services.sisub.reporte(hecho.uuid, ana).tipo == SIN_ACTIVIDAD
    for malo in ("2026-4", "mayo", ""):
        with pytest.raises(ValidationError) as error:
            services.sisub.preparar(rfc, ana, malo)
        assert error.value.code == "periodo_invalido"


def test_bad_amounts_are_refused_with_their_field(services, quien, tmp_path):
    rfc, ana = quien
    continuo = _continuo(services, rfc, ana)
    (uno, _dos) = de_la_lista(services, continuo, ana)
    recibo = nc.recibo(
        nc.Emisor(), uno, nc.Periodo.quincena(2026, 5), subcontrataciones=((CLIENTE.rfc, "100"),)
    )
    importar(services, tmp_path / "nomina", [("uno.xml", recibo)])
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    (fila,) = services.sisub.reporte(hecho.uuid, ana).contratos[0].trabajadores
    for importes, campo in (
        (Importes(fijas=-1), "fijas"),
        (Importes(dias_incapacidad=63), "dias_incapacidad"),
    ):
        with pytest.raises(ValidationError) as error:
            services.sisub.editar_trabajador(fila.uuid, ana, importes, nc.REGISTRO_PATRONAL)
        assert error.value.field == campo
    with pytest.raises(ValidationError):
        services.sisub.editar_trabajador(fila.uuid, ana, Importes(), "123")
    assert not auditado(services, "sisub_trabajador_editado")


def test_a_complementario_needs_a_filed_report(services, quien):
    rfc, ana = quien
    with pytest.raises(ValidationError) as error:
        services.sisub.preparar(rfc, ana, MAYO_AGOSTO, complementario=True, motivo="contrato")
    assert error.value.code == "sisub_sin_presentar"
    # Nor with the period's report in preparation: it is not filed, nothing to correct.
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    with pytest.raises(ValidationError) as error:
        services.sisub.preparar(rfc, ana, MAYO_AGOSTO, complementario=True, motivo="contrato")
    assert error.value.message == (
        "Un complementario corrige un SISUB ya presentado; el de mayo–agosto 2026 aún no se "
        "presenta."
    )
    assert services.sisub.reporte(hecho.uuid, ana).tipo == SIN_ACTIVIDAD


def test_who_may_prepare(services, quien):
    rfc, _ana = quien
    # The command line and the contratista itself prepare; another contratista's session not.
    assert services.sisub.preparar(rfc, CLI_ACTOR, MAYO_AGOSTO).uuid
    assert services.sisub.preparar(rfc, rfc, MAYO_AGOSTO).uuid
    with pytest.raises(PermisoDenegado):
        services.sisub.preparar(rfc, "XAXX010101000", MAYO_AGOSTO)
    assert auditado(services, "icsoe_informativa_rechazada")
    # An IDSE user may not (the matrix): refused and audited in the installation's log.
    with pytest.raises(PermisoDenegado):
        services.sisub.preparar(rfc, "nadie@empresa.com", MAYO_AGOSTO)
    (denegado,) = [r for r in services.audit_instalacion.recent() if r.action == "permiso_denegado"]
    assert denegado.target == "PREPARAR_SISUB"


def test_the_work_site_is_checked_against_sepomex_when_loaded(services, quien, tmp_path):
    from tests import sepomex_datos as sd

    rfc, ana = quien
    continuo = _continuo(services, rfc, ana)
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    services.codigos_postales.cargar(sd.escribir(tmp_path / "CPdescarga.txt"), actor=CLI_ACTOR)
    en_saltillo = Domicilio("Periférico", "10", "", "alamos", "25000", "Saltillo", "Coahuila")
    services.sisub.guardar_contrato(hecho.uuid, continuo, ana, "S-9", en_saltillo)
    (c,) = services.sisub.reporte(hecho.uuid, ana).contratos
    assert c.sitio.colonia == "Álamos"  # the catalogue's spelling
    with pytest.raises(ValidationError) as error:
        services.sisub.guardar_contrato(
            hecho.uuid,
            continuo,
            ana,
            "S-9",
            Domicilio(**{**en_saltillo.__dict__, "entidad": "Yucatán"}),
        )
    assert error.value.code == "cp_de_otra_entidad"
    for malo, campo in (
        ({"entidad": "Marte"}, "entidad"),
        ({"numero_interior": "x" * 31}, "numeroInterior"),
    ):
        with pytest.raises(ValidationError) as error:
            services.sisub.guardar_contrato(
                hecho.uuid, continuo, ana, "S-9", Domicilio(**{**SITIO.__dict__, **malo})
            )
        assert error.value.field == campo


def test_what_no_longer_exists_or_is_out_of_the_period(services, quien):
    rfc, ana = quien
    _inf, viejo = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 1, 5), date(2026, 4, 30)
    )
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    with pytest.raises(ValidationError) as error:
        services.sisub.guardar_contrato(hecho.uuid, viejo, ana, "S-1", SITIO)
    assert error.value.code == "contrato_fuera_del_periodo"
    with pytest.raises(ValidationError) as error:
        services.sisub.reporte("no-existe", ana)
    assert error.value.code == "sisub_inexistente"
    with pytest.raises(ValidationError) as error:
        services.sisub.editar_trabajador("no-existe", ana, Importes(), nc.REGISTRO_PATRONAL)
    assert error.value.code == "sisub_trabajador_inexistente"
    assert services.sisub.del_periodo(rfc, ana, "2026-2") == hecho.uuid
    assert services.sisub.del_periodo(rfc, ana, "2026-3") is None


def test_the_clerk_says_why_the_icsoe_differs(services, quien):
    rfc, ana = quien
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    services.sisub.anotar_icsoe(hecho.uuid, ana, "  El contrato   se firmó\ten agosto ")
    assert services.sisub.reporte(hecho.uuid, ana).nota_icsoe == "El contrato se firmó en agosto"
    services.sisub.anotar_icsoe(hecho.uuid, ana, "El contrato se firmó en agosto")
    assert len(auditado(services, "sisub_nota_icsoe")) == 1
    with pytest.raises(ValidationError) as error:
        services.sisub.anotar_icsoe(hecho.uuid, ana, "x" * 1001)
    assert error.value.code == "campo_largo"
    assert services.sisub.reporte(hecho.uuid, ana).nota_icsoe == "El contrato se firmó en agosto"


def test_the_note_is_preparing_who_may_not_prepare_may_not_write_it(services, quien):
    from tests.services.test_sisub_presentacion import _administrador

    rfc, ana = quien
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    # The role matrix: an administrator exports and files, never prepares; refused, audited.
    admin = _administrador(services)
    with pytest.raises(PermisoDenegado) as error:
        services.sisub.anotar_icsoe(hecho.uuid, admin, "Lo anota quien no prepara.")
    assert "preparar el SISUB del INFONAVIT" in error.value.message
    (denegado,) = [r for r in services.audit_instalacion.recent() if r.action == "permiso_denegado"]
    assert (denegado.actor, denegado.target) == (admin, "PREPARAR_SISUB")
    # Another contratista's session neither.
    with pytest.raises(PermisoDenegado):
        services.sisub.anotar_icsoe(hecho.uuid, "XAXX010101000", "Otro contratista.")
    assert services.sisub.reporte(hecho.uuid, ana).nota_icsoe == ""
    assert not auditado(services, "sisub_nota_icsoe")


def test_a_signed_correccion_replaces_the_contracts_it_corrects(services, firmada, clock, tmp_path):
    from datetime import datetime

    from tests import credentials_factory as cf

    rfc, ana, normal, (contrato_normal,), _ = firmada
    clock.now = datetime(2026, 11, 23, 12, 0)
    correccion = services.informativas.crear(
        rfc, ana, MAYO_AGOSTO, "correccion", complementa=normal
    )
    # In capture, the corrección is not in effect: the signed Normal's contract counts.
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    (c,) = services.sisub.reporte(hecho.uuid, ana).contratos
    assert c.uuid == contrato_normal
    (copiado,) = services.informativas.contratos(correccion, ana)
    fiel = tmp_path / "fiel"
    services.informativa_firma.firmar(
        correccion, rfc, fiel / f"{rfc}.cer", fiel / f"{rfc}.key", cf.PASSWORD
    )
    (c,) = services.sisub.reporte(hecho.uuid, ana).contratos
    assert c.uuid == copiado.uuid != contrato_normal


def test_a_filed_report_keeps_its_contracts_as_filed(services, firmada, clock, tmp_path):
    """A Corrección signed after the SISUB was filed, and the corrected contract's number and
    site typed in the complementario, change neither what the filed report shows nor what it
    exports."""
    from dataclasses import replace
    from datetime import datetime

    from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
    from icsoe_desktop.domain.sisub.layout import CONTRATOS, NOMBRES_CSV, TRABAJADORES
    from tests import credentials_factory as cf

    rfc, ana, normal, (contrato_normal,), _ = firmada
    con_repse(services, rfc)  # Revisar asks for it
    clock.now = datetime(2026, 11, 23, 12, 0)
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    services.sisub.guardar_contrato(hecho.uuid, contrato_normal, ana, "SISUB-1", SITIO)
    for t in services.sisub.reporte(hecho.uuid, ana).contratos[0].trabajadores:
        services.sisub.editar_trabajador(t.uuid, ana, Importes(fijas=1_500_000), "Y5412345105")
    pdf = acuse_infonavit_pdf(rfc=rfc)
    services.sisub_presentacion.registrar(hecho.uuid, rfc, pdf, "a.pdf", "SISUB-2026-0001234")
    presentado = services.sisub.reporte(hecho.uuid, ana)
    antes = services.sisub_archivos.exportar(hecho.uuid, rfc, tmp_path / "antes").ruta

    correccion = services.informativas.crear(
        rfc, ana, MAYO_AGOSTO, "correccion", complementa=normal
    )
    (copiado,) = services.informativas.contratos(correccion, ana)
    datos = services.informativas.contrato(copiado.uuid, ana)
    services.informativas.guardar_contrato(
        correccion, ana, replace(datos, objeto="Limpieza de la planta Sur"), copiado.uuid
    )
    fiel = tmp_path / "fiel"
    services.informativa_firma.firmar(
        correccion, rfc, fiel / f"{rfc}.cer", fiel / f"{rfc}.key", cf.PASSWORD
    )
    otro = services.sisub.preparar(rfc, ana, MAYO_AGOSTO, complementario=True, motivo="contrato")
    otro_sitio = replace(SITIO, calle="Calle 21", numero_exterior="5")
    services.sisub.guardar_contrato(otro.uuid, copiado.uuid, ana, "SISUB-2", otro_sitio)
    (ahora,) = services.sisub.reporte(otro.uuid, ana).contratos
    assert (ahora.objeto, ahora.numero, ahora.sitio) == (
        "Limpieza de la planta Sur",
        "SISUB-2",
        otro_sitio,
    )

    assert services.sisub.reporte(hecho.uuid, ana) == presentado
    (c,) = presentado.contratos
    assert (c.uuid, c.numero, c.sitio) == (contrato_normal, "SISUB-1", SITIO)
    assert c.objeto != "Limpieza de la planta Sur" and c.trabajadores
    despues = services.sisub_archivos.exportar(hecho.uuid, rfc, tmp_path / "despues").ruta
    for archivo in (CONTRATOS, TRABAJADORES):
        nombre = f"{NOMBRES_CSV[archivo]}.csv"
        assert (despues / nombre).read_bytes() == (antes / nombre).read_bytes()


def test_a_receipt_cancelled_and_issued_again_counts_once(services, quien, tmp_path):
    rfc, ana = quien
    continuo = _continuo(services, rfc, ana)
    uno, _dos = de_la_lista(services, continuo, ana)
    quincena = nc.Periodo.quincena(2026, 5)
    emisor = nc.Emisor()
    original = "AAAAAAAA-1111-4111-8111-111111111111"
    primero = nc.recibo(
        emisor, uno, quincena, subcontrataciones=((CLIENTE.rfc, "100"),), uuid_timbre=original
    )
    importar(services, tmp_path / "uno", [("original.xml", primero)])
    otra_vez = nc.recibo(
        emisor,
        uno,
        quincena,
        subcontrataciones=((CLIENTE.rfc, "100"),),
        extra=[("019", "Horas extra", Decimal("100.00"), Decimal(0))],
        sustituye=(original,),
    )
    importar(services, tmp_path / "dos", [("sustituto.xml", otra_vez)])
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    (fila,) = services.sisub.reporte(hecho.uuid, ana).contratos[0].trabajadores
    assert (fila.origen, fila.importes.variables) == ("1 recibo CFDI", 10_000)


def test_revisar_compares_the_contracts_with_the_repse_registration(services, quien):
    """A contract whose service the registration does not authorise, and a registration that
    lapsed within the period: both warnings (the files are still exported), as the
    informativa's Revisar says them; gone once the service is authorised and the registration
    renewed. Without a registration there is nothing to compare with."""
    from icsoe_desktop.domain.sisub.revision import REPSE_NO_AUTORIZADO, REPSE_VENCIDO

    rfc, ana = quien
    continuo = _continuo(services, rfc, ana)
    hecho = services.sisub.preparar(rfc, ana, "2026-2")

    def repse() -> dict[str, object]:
        return {
            p.codigo: p
            for p in services.sisub.revisar(hecho.uuid, ana)
            if p.codigo in (REPSE_NO_AUTORIZADO, REPSE_VENCIDO)
        }

    assert repse() == {}
    services.repse.registrar(rfc, rfc, "AR9/2023", date(2023, 6, 30), ["Mantenimiento de grúas"])
    problemas = repse()
    no_autorizado, vencido = problemas[REPSE_NO_AUTORIZADO], problemas[REPSE_VENCIDO]
    assert no_autorizado.aviso and no_autorizado.contrato == continuo
    assert no_autorizado.mensaje.startswith(
        f"El servicio del contrato con {CLIENTE.rfc} (Mantenimiento especializado para "
    )
    assert "no está entre los autorizados en el registro REPSE AR9/2023" in no_autorizado.mensaje
    assert (
        vencido.aviso
        and ("El registro REPSE AR9/2023 venció el 30/06/2026, dentro del periodo mayo–agosto 2026")
        in vencido.mensaje
    )

    # Lapsed before the period began: said so.
    services.repse.registrar(rfc, rfc, "AR9/2023", date(2023, 3, 1), ["Mantenimiento de grúas"])
    assert "venció el 01/03/2026, antes del periodo mayo–agosto 2026" in (
        repse()[REPSE_VENCIDO].mensaje
    )
    servicio = services.sisub.reporte(hecho.uuid, ana).contratos[0].servicio
    services.repse.registrar(rfc, rfc, "AR9/2023", date(2023, 9, 1), [servicio])
    assert repse() == {}
