"""An informativa to sign in the tests (two contracts, accents, ñ, a razón social with a comma)
and the changes a user could make to it, one per field the cadena original covers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from icsoe_desktop.domain.informativa.modelo import (
    CORRECCION,
    LISTA_PARA_FIRMA,
    NORMAL,
    Contrato,
    Domicilio,
    Informativa,
    Parte,
    Periodo,
    Trabajador,
)
from tests import credentials_factory as cf
from tests.icsoe_helpers import CURP_ANA, CURP_BETO, CURP_CARLA

UUID_INFORMATIVA = "0196a4c2-1f00-7000-8000-0000000000aa"
UUID_A = "0196a4c2-1f00-7000-8000-000000000001"
UUID_B = "0196a4c2-1f00-7000-8000-000000000002"

DOMICILIO = Domicilio(
    "Av. Insurgentes Sur",
    "1234",
    "Piso 5",
    "Del Valle",
    "03100",
    "Benito Juárez",
    "Ciudad de México",
)
CONTRATISTA = Parte(
    cf.RFC_MORAL, cf.NOMBRE_MORAL, DOMICILIO, "contacto@empresa.com.mx", "5555555555", "5511111111"
)
CONTRATANTE_A = Parte(
    "SCO050505QR2",
    "Señora Peña y Compañía (Ñandú), S.A. de C.V.",
    Domicilio("Calle Niños Héroes", "7", "", "Centro", "44100", "Guadalajara", "Jalisco"),
    "pagos@pena.com.mx",
    "3333333333",
    "",
)
CONTRATANTE_B = Parte("CNO0101012Z3", cf.NOMBRE_CON_COMA)

ANA = Trabajador("12345678903", CURP_ANA, 45_678, "ANA LÓPEZ")
BETO = Trabajador("23456789014", CURP_BETO, 123_456, "ALBERTO GARCÍA")
CARLA = Trabajador("34567890125", CURP_CARLA, 99_999_99, "CARLA PÉREZ")


def informativa(**cambios: object) -> Informativa:
    """The informativa to sign: its contracts and workers in no particular order."""
    contrato_a = Contrato(
        UUID_A,
        CONTRATANTE_A,
        "Mantenimiento de áreas verdes y jardinería en las instalaciones del cliente",
        "STPS/REPSE/2024/12345",
        "Servicios de jardinería especializados",
        date(2026, 2, 1),
        date(2026, 12, 31),
        (BETO, ANA),
    )
    contrato_b = Contrato(
        UUID_B,
        CONTRATANTE_B,
        "Obra civil: ampliación de la nave industrial",
        "STPS/REPSE/2023/00077",
        "Construcción especializada",
        date(2026, 3, 15),
        None,
        (CARLA,),
        trabajadores_declarados=1,
    )
    valores: dict[str, object] = {
        "uuid": UUID_INFORMATIVA,
        "contratista": CONTRATISTA,
        "periodo": Periodo(2026, 1),
        "tipo": NORMAL,
        "estado": LISTA_PARA_FIRMA,
        "contratos": (contrato_b, contrato_a),
    }
    valores.update(cambios)
    return Informativa(**valores)  # type: ignore[arg-type]


def _en_contrato(uuid: str, cambio: Callable[[Contrato], Contrato]) -> Callable[..., Informativa]:
    def aplicar(inf: Informativa) -> Informativa:
        contratos = tuple(cambio(c) if c.uuid == uuid else c for c in inf.contratos)
        return dataclasses.replace(inf, contratos=contratos)

    return aplicar


def _contrato(uuid: str, /, **valores: object) -> Callable[..., Informativa]:
    return _en_contrato(uuid, lambda c: dataclasses.replace(c, **valores))


def _contratante(uuid: str, /, **valores: object) -> Callable[..., Informativa]:
    return _en_contrato(
        uuid,
        lambda c: dataclasses.replace(c, contratante=dataclasses.replace(c.contratante, **valores)),
    )


def _trabajador(uuid: str, indice: int, /, **valores: object) -> Callable[..., Informativa]:
    def cambio(c: Contrato) -> Contrato:
        trabajadores = list(c.trabajadores)
        trabajadores[indice] = dataclasses.replace(trabajadores[indice], **valores)
        return dataclasses.replace(c, trabajadores=tuple(trabajadores))

    return _en_contrato(uuid, cambio)


def _contratista(**valores: object) -> Callable[..., Informativa]:
    return lambda inf: dataclasses.replace(
        inf, contratista=dataclasses.replace(inf.contratista, **valores)
    )


def _domicilio(**valores: object) -> Callable[..., Informativa]:
    return _contratista(domicilio=dataclasses.replace(DOMICILIO, **valores))


def _mover_trabajador(inf: Informativa) -> Informativa:
    """ANA leaves contract A for contract B: same workers, same total, other contract."""
    quitar = _en_contrato(UUID_A, lambda c: dataclasses.replace(c, trabajadores=(BETO,)))
    poner = _en_contrato(UUID_B, lambda c: dataclasses.replace(c, trabajadores=(CARLA, ANA)))
    return poner(quitar(inf))


# Every change a user could make after signing; each must change the cadena original.
CAMBIOS: dict[str, Callable[[Informativa], Informativa]] = {
    "sbc de un trabajador (un centavo)": _trabajador(UUID_A, 0, sbc=BETO.sbc + 1),
    "nss de un trabajador": _trabajador(UUID_A, 1, nss="12345678911"),
    "curp de un trabajador": _trabajador(UUID_B, 0, curp=CURP_BETO),
    "un trabajador menos": _en_contrato(
        UUID_A, lambda c: dataclasses.replace(c, trabajadores=(ANA,))
    ),
    "un trabajador más": _en_contrato(
        UUID_B, lambda c: dataclasses.replace(c, trabajadores=(CARLA, ANA))
    ),
    "un trabajador cambia de contrato": _mover_trabajador,
    "trabajadores declarados": _contrato(UUID_B, trabajadores_declarados=2),
    "fecha inicial": _contrato(UUID_A, fecha_inicial=date(2026, 2, 2)),
    "fecha final": _contrato(UUID_A, fecha_final=date(2027, 1, 1)),
    "fecha final capturada": _contrato(UUID_B, fecha_final=date(2026, 12, 31)),
    "objeto": _contrato(UUID_A, objeto="Mantenimiento de áreas verdes"),
    "folio REPSE": _contrato(UUID_B, folio_repse="STPS/REPSE/2023/00078"),
    "descripción del servicio": _contrato(UUID_B, descripcion_servicio="Construcción"),
    "uuid del contrato": _contrato(UUID_B, uuid="0196a4c2-1f00-7000-8000-000000000003"),
    "rfc del contratante": _contratante(UUID_A, rfc="SCO050505QR3"),
    "nombre del contratante": _contratante(UUID_B, nombre="CONSTRUCTORA DEL SUR, S.A. DE C.V."),
    "correo del contratante": _contratante(UUID_A, correo="otro@pena.com.mx"),
    "teléfono del contratante": _contratante(UUID_A, telefono_movil="3312345678"),
    "un contrato menos": lambda inf: dataclasses.replace(inf, contratos=inf.contratos[:1]),
    "rfc de la contratista": _contratista(rfc="EDE0101018A3"),
    "nombre de la contratista": _contratista(nombre="EMPRESA DEMO S DE RL"),
    "correo de la contratista": _contratista(correo="otro@empresa.com.mx"),
    "teléfono fijo de la contratista": _contratista(telefono_fijo="5555555556"),
    "calle de la contratista": _domicilio(calle="Av. Reforma"),
    "número interior de la contratista": _domicilio(numero_interior="Piso 6"),
    "código postal de la contratista": _domicilio(codigo_postal="03101"),
    "entidad de la contratista": _domicilio(entidad="Jalisco"),
    "periodo": lambda inf: dataclasses.replace(inf, periodo=Periodo(2026, 2)),
    "tipo": lambda inf: dataclasses.replace(inf, tipo=CORRECCION, complementa=UUID_A),
    "complementa": lambda inf: dataclasses.replace(inf, complementa=UUID_B),
    "uuid de la informativa": lambda inf: dataclasses.replace(inf, uuid=UUID_B),
}
