"""Real-shaped CFDI de nómina for tests: CFDI 4.0 or 3.3 with the Nómina 1.2 complement, sealed
with a test CSD issued by a test AC of the SAT (``credentials_factory.sat_ac``, under the test
Banco de México root ``arc_root``) and stamped with a Timbre Fiscal Digital sealed by a test
certificate of the SAT. Made-up people only: names from common surnames, NSS with their Luhn
digit, CURP and RFC with their check digits.

Typical use::

    from tests import nomina_cfdi as nc

    emisor = nc.Emisor()                                   # the empresa and its CSD
    gente = nc.trabajadores(5, seed=1)
    xml = nc.recibo(emisor, gente[0], nc.Periodo.semana(date(2026, 3, 2)),
                    subcontrataciones=(("CLI010101AB1", "60.000"), ("CLU020202CD2", "40.000")))
    nc.confiar(data_dir)                                   # the test root as an emisor confiable
"""

from __future__ import annotations

import base64
import functools
import io
import random
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree
from stdnum.mx import rfc as stdnum_rfc

from icsoe_desktop.demo.movimientos import _curp
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.nomina.recibo import NS_CFDI, NS_NOMINA, NS_TFD
from icsoe_desktop.domain.nomina.sello import XSLT_TFD, _xslt, cadena_original
from tests import credentials_factory as cf

REPO = Path(__file__).resolve().parent.parent
XSLT_DIR = REPO / "resources" / "cfdi"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

RFC_EMPRESA = "SEM980701STA"
NOMBRE_EMPRESA = "SERVICIOS ESPECIALIZADOS DEL MAYAB"
REGISTRO_PATRONAL = "Y5412345105"
CLIENTES = ("CLI010101AB1", "CMA050505KL3", "TRA991231QR7")
NO_CSD = "00001000000512345678"
NO_SAT = "00001000000509846663"

_NOMBRES = ("ANA", "LUIS", "MARIA", "JOSE", "ROSA", "JUAN", "LAURA", "PEDRO", "SOFIA", "JORGE")
_APELLIDOS = (
    "GARCIA",
    "LOPEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "PEREZ",
    "SANCHEZ",
    "RAMIREZ",
    "TORRES",
    "FLORES",
    "RIVERA",
)


# --- certificates ---------------------------------------------------------------------------------


def csd(
    rfc: str = RFC_EMPRESA,
    nombre: str = NOMBRE_EMPRESA,
    *,
    issuer: cf.Issuer | None = None,
    no_certificado: str = NO_CSD,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    key_slot: int = 4,
) -> cf.Generated:
    """A CSD as the SAT issues them (the sucursal in OU, the RFC in x500UniqueIdentifier),
    under the test AC of the SAT unless ``issuer`` says otherwise."""
    subject = cf.name(
        (cf.OID_CN, cf.UTF8, nombre.encode()),
        (cf.OID_NAME, cf.UTF8, nombre.encode()),
        (cf.OID_O, cf.UTF8, nombre.encode()),
        (cf.OID_OU, cf.UTF8, b"MATRIZ"),
        (cf.OID_UNIQUE_ID, cf.PRINTABLE, f"{rfc} / {cf.RFC_FISICA}".encode()),
        (cf.OID_SERIAL_NUMBER, cf.PRINTABLE, f" / {cf.CURP_FISICA}".encode()),
    )
    return cf._generated(
        subject,
        key_slot,
        issuer or cf.sat_ac(),
        no_certificado.encode(),
        valid_from or datetime(2024, 1, 1, tzinfo=cf.UTC),
        valid_to or datetime(2028, 1, 1, tzinfo=cf.UTC),
        (cf.key_usage(0xC0),),
        rfc=rfc,
    )


@functools.cache
def certificado_sat() -> cf.Generated:
    """Stands for the SAT's certificate that seals timbres (NoCertificadoSAT)."""
    return csd(
        "SAT970701NN3", "SERVICIO DE ADMINISTRACION TRIBUTARIA", no_certificado=NO_SAT, key_slot=8
    )


@functools.cache
def ac_falsa() -> cf.Issuer:
    """An AC with the SAT's name that nobody trusts."""
    subject = cf.name(
        (cf.OID_CN, cf.UTF8, b"AC DEL SAT PRUEBAS"),
        (cf.OID_O, cf.UTF8, b"SERVICIO DE ADMINISTRACION TRIBUTARIA"),
    )
    return cf.self_signed_ca(subject, cf.rsa_key(9))


def confiar(data_dir: Path, sat: bool = True) -> None:
    """The test root (Banco de México's stand-in) and the test AC of the SAT as emisores
    confiables of ``data_dir``, the way IT adds them: files in its «emisores_confiables»
    folder; with ``sat``, the SAT's test timbre certificate in its «certificados_sat»."""
    folder = data_dir / "emisores_confiables"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "arc_pruebas.cer").write_bytes(cf.arc_root().certificate_der)
    (folder / "ac_sat_pruebas.cer").write_bytes(cf.sat_ac().certificate_der)
    if sat:
        timbres = data_dir / "certificados_sat"
        timbres.mkdir(parents=True, exist_ok=True)
        (timbres / f"{NO_SAT}.cer").write_bytes(certificado_sat().cer)


def escribir(carpeta: Path, archivos: Iterable[tuple[str, bytes]]) -> Path:
    carpeta.mkdir(parents=True, exist_ok=True)
    for nombre, datos in archivos:
        (carpeta / nombre).write_bytes(datos)
    return carpeta


# --- people and periods ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Trabajador:
    nombre: str
    nss: str
    curp: str
    rfc: str
    sbc: Decimal
    numero: str


def _rfc_de(curp: str, rng: random.Random) -> str:
    base = curp[:10] + "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ123456789") for _ in range(2))
    return base + stdnum_rfc.calc_check_digit(base)


def trabajadores(n: int, seed: int = 2026) -> list[Trabajador]:
    """``n`` distinct made-up workers (NSS, CURP and RFC distinct, check digits right)."""
    rng = random.Random(seed)
    gente: list[Trabajador] = []
    vistos: set[str] = set()
    while len(gente) < n:
        primero, segundo, nombre = (
            rng.choice(_APELLIDOS),
            rng.choice(_APELLIDOS),
            rng.choice(_NOMBRES),
        )
        nacido = date(1970, 1, 1) + timedelta(days=rng.randrange(35 * 365))
        curp = _curp(rng, primero, segundo, nombre, nacido, rng.choice("HM"))
        nss10 = f"{rng.randrange(1, 100):02d}{rng.randrange(10**8):08d}"
        nss = nss10 + nss_check_digit(nss10)
        if curp in vistos or nss in vistos:
            continue
        vistos.update((curp, nss))
        sbc = Decimal(rng.randrange(30_000, 150_000)) / 100
        gente.append(
            Trabajador(
                f"{nombre} {primero} {segundo}",
                nss,
                curp,
                _rfc_de(curp, rng),
                sbc,
                f"{len(gente) + 1:05d}",
            )
        )
    return gente


@dataclass(frozen=True)
class Periodo:
    inicio: date
    fin: date
    periodicidad: str  # 02 semanal, 04 quincenal

    @classmethod
    def semana(cls, lunes: date) -> Periodo:
        return cls(lunes, lunes + timedelta(days=6), "02")

    @classmethod
    def quincena(cls, anio: int, mes: int, segunda: bool = False) -> Periodo:
        inicio = date(anio, mes, 16 if segunda else 1)
        fin = (
            (date(anio + mes // 12, mes % 12 + 1, 1) - timedelta(days=1))
            if segunda
            else date(anio, mes, 15)
        )
        return cls(inicio, fin, "04")

    @property
    def dias(self) -> int:
        return (self.fin - self.inicio).days + 1


def semanas(desde: date, cuantas: int) -> list[Periodo]:
    lunes = desde - timedelta(days=desde.weekday())
    return [Periodo.semana(lunes + timedelta(weeks=i)) for i in range(cuantas)]


# --- the XML --------------------------------------------------------------------------------------


@dataclass
class Emisor:
    """The empresa that pays, with the CSD it seals its receipts with."""

    rfc: str = RFC_EMPRESA
    nombre: str = NOMBRE_EMPRESA
    registro_patronal: str = REGISTRO_PATRONAL
    certificado: cf.Generated = field(default_factory=csd)


def _d(value: Decimal) -> str:
    return f"{value:.2f}"


def recibo(
    emisor: Emisor,
    trabajador: Trabajador,
    periodo: Periodo,
    *,
    version: str = "4.0",
    subcontrataciones: Sequence[tuple[str, str]] = (),
    incapacidades: Sequence[tuple[int, str, Decimal]] = (),
    extra: Sequence[tuple[str, str, Decimal, Decimal]] = (),
    uuid_timbre: str | None = None,
    fecha: datetime | None = None,
    sellar_sat: bool = True,
    sustituye: Sequence[str] = (),
    vivienda: Decimal = Decimal(0),
    faltas: int = 0,
    asimilado: bool = False,
) -> bytes:
    """One receipt, sealed and stamped. ``asimilado``: paid as asimilado a salarios
    (TipoRegimen 09, honorarios): no NSS, no SBC, no registro patronal, as the SAT's rules ask. ``extra``: more perceptions (type, concept, gravado,
    exento) beside the sueldo; ``incapacidades``: (days, type, amount); ``vivienda``: a
    deducción 010 «Pago por crédito de vivienda»; ``faltas``: days of the period not paid
    (NumDiasPagados and the sueldo are the rest)."""
    ns = NS_CFDI[version]
    c = f"{{{ns}}}"
    n = f"{{{NS_NOMINA}}}"
    sueldo = (trabajador.sbc * (periodo.dias - faltas)).quantize(Decimal("0.01"))
    percepciones = [("001", "Sueldos, Salarios Rayas y Jornales", sueldo, Decimal(0)), *extra]
    gravado = sum((p[2] for p in percepciones), Decimal(0))
    exento = sum((p[3] for p in percepciones), Decimal(0))
    total_percepciones = gravado + exento
    isr = (gravado * Decimal("0.08")).quantize(Decimal("0.01"))
    imss = (sueldo * Decimal("0.025")).quantize(Decimal("0.01"))
    deducciones = isr + imss + vivienda
    total = total_percepciones - deducciones
    fecha = fecha or datetime.combine(periodo.fin + timedelta(days=1), datetime.min.time()).replace(
        hour=10
    )
    root = etree.Element(
        f"{c}Comprobante",
        nsmap={"cfdi": ns, "nomina12": NS_NOMINA, "xsi": NS_XSI},
    )
    root.set(
        f"{{{NS_XSI}}}schemaLocation",
        f"{ns} http://www.sat.gob.mx/sitio_internet/cfd/{version[0]}/cfdv{version.replace('.', '')}.xsd "
        f"{NS_NOMINA} http://www.sat.gob.mx/sitio_internet/cfd/nomina/nomina12.xsd",
    )
    attrs = {
        "Version": version,
        "Serie": "N",
        "Folio": trabajador.numero,
        "Fecha": fecha.strftime("%Y-%m-%dT%H:%M:%S"),
        "NoCertificado": emisor.certificado.expected.get("no_certificado", NO_CSD),
        "Certificado": base64.b64encode(emisor.certificado.cer).decode(),
        "SubTotal": _d(total_percepciones),
        "Descuento": _d(deducciones),
        "Moneda": "MXN",
        "Total": _d(total),
        "TipoDeComprobante": "N",
        "MetodoPago": "PUE",
        "LugarExpedicion": "97000",
    }
    if version == "4.0":
        attrs["Exportacion"] = "01"
    for key, value in attrs.items():
        root.set(key, value)
    if sustituye:
        relacionados = etree.SubElement(root, f"{c}CfdiRelacionados", TipoRelacion="04")
        for uuid_previo in sustituye:
            etree.SubElement(relacionados, f"{c}CfdiRelacionado", UUID=uuid_previo)
    e = etree.SubElement(root, f"{c}Emisor", Rfc=emisor.rfc, Nombre=emisor.nombre)
    e.set("RegimenFiscal", "601")
    r = etree.SubElement(root, f"{c}Receptor", Rfc=trabajador.rfc, Nombre=trabajador.nombre)
    if version == "4.0":
        r.set("DomicilioFiscalReceptor", "97000")
        r.set("RegimenFiscalReceptor", "605")
        r.set("UsoCFDI", "CN01")
    else:
        r.set("UsoCFDI", "P01")
    conceptos = etree.SubElement(root, f"{c}Conceptos")
    concepto = etree.SubElement(
        conceptos,
        f"{c}Concepto",
        ClaveProdServ="84111505",
        Cantidad="1",
        ClaveUnidad="ACT",
        Descripcion="Pago de nómina",
        ValorUnitario=_d(total_percepciones),
        Importe=_d(total_percepciones),
        Descuento=_d(deducciones),
    )
    if version == "4.0":
        concepto.set("ObjetoImp", "01")
    complemento = etree.SubElement(root, f"{c}Complemento")
    nomina = etree.SubElement(complemento, f"{n}Nomina", Version="1.2", TipoNomina="O")
    nomina.set("FechaPago", (periodo.fin + timedelta(days=1)).isoformat())
    nomina.set("FechaInicialPago", periodo.inicio.isoformat())
    nomina.set("FechaFinalPago", periodo.fin.isoformat())
    nomina.set("NumDiasPagados", f"{periodo.dias - faltas}.000")
    nomina.set("TotalPercepciones", _d(total_percepciones))
    nomina.set("TotalDeducciones", _d(deducciones))
    if asimilado:
        etree.SubElement(nomina, f"{n}Emisor")
    else:
        etree.SubElement(nomina, f"{n}Emisor", RegistroPatronal=emisor.registro_patronal)
    nr = etree.SubElement(nomina, f"{n}Receptor")
    del_imss = (
        ("NumSeguridadSocial", trabajador.nss),
        ("FechaInicioRelLaboral", "2023-01-09"),
        ("Antigüedad", "P150W"),
    )
    for key, value in (
        ("Curp", trabajador.curp),
        *(() if asimilado else del_imss),
        ("TipoContrato", "09" if asimilado else "01"),
        ("TipoRegimen", "09" if asimilado else "02"),
        ("NumEmpleado", trabajador.numero),
        ("PeriodicidadPago", periodo.periodicidad),
        *(() if asimilado else (("RiesgoPuesto", "2"),)),
        *(() if asimilado else (("SalarioBaseCotApor", _d(trabajador.sbc)),)),
        *(() if asimilado else (("SalarioDiarioIntegrado", _d(trabajador.sbc)),)),
        ("ClaveEntFed", "YUC"),
    ):
        nr.set(key, value)
    for rfc, porcentaje in subcontrataciones:
        etree.SubElement(nr, f"{n}SubContratacion", RfcLabora=rfc, PorcentajeTiempo=porcentaje)
    ps = etree.SubElement(
        nomina,
        f"{n}Percepciones",
        TotalSueldos=_d(total_percepciones),
        TotalGravado=_d(gravado),
        TotalExento=_d(exento),
    )
    for i, (tipo, concepto_p, g, x) in enumerate(percepciones, 1):
        etree.SubElement(
            ps,
            f"{n}Percepcion",
            TipoPercepcion=tipo,
            Clave=f"P{i:03d}",
            Concepto=concepto_p,
            ImporteGravado=_d(g),
            ImporteExento=_d(x),
        )
    ds = etree.SubElement(
        nomina,
        f"{n}Deducciones",
        TotalOtrasDeducciones=_d(imss + vivienda),
        TotalImpuestosRetenidos=_d(isr),
    )
    if vivienda:
        etree.SubElement(
            ds,
            f"{n}Deduccion",
            TipoDeduccion="010",
            Clave="D010",
            Concepto="Pago por crédito de vivienda",
            Importe=_d(vivienda),
        )
    etree.SubElement(
        ds, f"{n}Deduccion", TipoDeduccion="001", Clave="D001", Concepto="IMSS", Importe=_d(imss)
    )
    etree.SubElement(
        ds, f"{n}Deduccion", TipoDeduccion="002", Clave="D002", Concepto="ISR", Importe=_d(isr)
    )
    if incapacidades:
        inc = etree.SubElement(nomina, f"{n}Incapacidades")
        for dias, tipo, importe in incapacidades:
            etree.SubElement(
                inc,
                f"{n}Incapacidad",
                DiasIncapacidad=str(dias),
                TipoIncapacidad=tipo,
                ImporteMonetario=_d(importe),
            )
    sello = sellar(root, version, emisor.certificado.private_key)
    root.set("Sello", sello)
    timbrar(root, version, sello, uuid_timbre or str(uuid.uuid4()).upper(), fecha, sellar_sat)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def sellar(root: Any, version: str, key: Any) -> str:
    cadena = cadena_original(XSLT_DIR, root, version)
    return base64.b64encode(key.sign(cadena, padding.PKCS1v15(), hashes.SHA256())).decode()


def timbrar(
    root: Any, version: str, sello: str, uuid_timbre: str, fecha: datetime, sellar_sat: bool
) -> None:
    complemento = root.find(f"{{{NS_CFDI[version]}}}Complemento")
    tfd = etree.SubElement(
        complemento,
        f"{{{NS_TFD}}}TimbreFiscalDigital",
        nsmap={"tfd": NS_TFD},
        Version="1.1",
        UUID=uuid_timbre,
        FechaTimbrado=(fecha + timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%S"),
        RfcProvCertif="SAT970701NN3",
        SelloCFD=sello,
        NoCertificadoSAT=NO_SAT,
    )
    tfd.set("SelloSAT", "")
    cadena = bytes(_xslt(XSLT_DIR / XSLT_TFD)(tfd))
    key = certificado_sat().private_key if sellar_sat else cf.rsa_key(3)
    tfd.set(
        "SelloSAT",
        base64.b64encode(key.sign(cadena, padding.PKCS1v15(), hashes.SHA256())).decode(),
    )


def sat_certificados() -> dict[str, bytes]:
    return {NO_SAT: certificado_sat().cer}


# --- sets of receipts -----------------------------------------------------------------------------


def nomina(
    emisor: Emisor,
    gente: Sequence[Trabajador],
    periodos: Iterable[Periodo],
    *,
    seed: int = 7,
    version: str = "4.0",
) -> Iterable[tuple[str, bytes]]:
    """(file name, XML) of every worker's receipt of every period: each worker serves one or
    two of ``CLIENTES`` with percentages adding to 100, some have an incapacidad, some overtime.
    """
    rng = random.Random(seed)
    asignados = {t.curp: rng.sample(CLIENTES, rng.choice((1, 1, 2))) for t in gente}
    for periodo in periodos:
        for t in gente:
            clientes = asignados[t.curp]
            reparto = (
                [(clientes[0], "100.000")]
                if len(clientes) == 1
                else [(clientes[0], "60.000"), (clientes[1], "40.000")]
            )
            incapacidad = [(2, "02", Decimal(0))] if rng.random() < 0.1 else []
            extra = (
                [("019", "Horas extra", Decimal("350.00"), Decimal("350.00"))]
                if rng.random() < 0.3
                else []
            )
            uuid_timbre = str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()
            xml = recibo(
                emisor,
                t,
                periodo,
                version=version,
                subcontrataciones=reparto,
                incapacidades=incapacidad,
                extra=extra,
                uuid_timbre=uuid_timbre,
            )
            yield f"{uuid_timbre}.xml", xml


def zip_de(archivos: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in archivos:
            archive.writestr(name, data)
    return buffer.getvalue()
