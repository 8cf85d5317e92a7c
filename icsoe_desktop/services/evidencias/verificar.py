"""``evidencias verificar PAQUETE.zip``: what the client checks on its own PC, with only the
SAT's authorities this installation trusts: the contratista's e.firma over the pack's list of
SHA-256 (and that the signer is the contratista the list names), every member against that
list, every receipt's seals (the SAT's timbre where its certificate is at hand) and that each
receipt names the client (``RfcLabora``); then who served and what the pack says it lacks.

Each failure is a reason (``Verificacion.motivos``): any reason makes the pack not good (exit
2); with none, what it lacks makes it incomplete (exit 1)."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path, PurePosixPath

from icsoe_desktop.domain.credentials import CredentialError, load_certificate
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.nomina import SAT_VERIFICADO, ReciboRechazado, Verificador
from icsoe_desktop.domain.trust import USO_EFIRMA, TrustStore
from icsoe_desktop.services.evidencias import firma_paquete
from icsoe_desktop.services.evidencias.paquete import FIRMA, HUELLAS

_MAX_MIEMBRO = 64 * 1024 * 1024  # a receipt weighs KB, a document at most 2 MB
_MAX_MIEMBROS = 200_000
_MOTIVOS_LISTADOS = 50  # beyond, counted


@dataclass
class Verificacion:
    contratista: str = ""
    cliente: str = ""
    mes: str = ""
    firmante: str = ""  # the e.firma's holder, as its certificate names it
    miembros: int = 0
    recibos: int = 0
    sat_verificados: int = 0
    trabajadores: dict[str, str] = field(default_factory=dict)  # NSS or CURP → name
    faltan: list[str] = field(default_factory=list)
    avisos: list[str] = field(default_factory=list)
    motivos: list[str] = field(default_factory=list)
    mas_motivos: int = 0

    def motivo(self, texto: str) -> None:
        if len(self.motivos) < _MOTIVOS_LISTADOS:
            self.motivos.append(texto)
        else:
            self.mas_motivos += 1

    @property
    def codigo(self) -> int:
        """0 good, 1 good but lacking something, 2 not to be trusted."""
        if self.motivos:
            return 2
        return 1 if self.faltan else 0


def verificar(
    ruta: Path,
    confianza: TrustStore,
    verificador: Callable[[str], Verificador],
    cliente: str | None = None,
) -> Verificacion:
    """ValidationError only when ``ruta`` is no pack at all (unreadable, not a ZIP, no list of
    SHA-256); every other failure is a reason in the result."""
    try:
        zf = zipfile.ZipFile(ruta)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise ValidationError(
            "paquete_ilegible",
            f"«{ruta.name}» no se pudo abrir como ZIP: no es un paquete de evidencias o está "
            "dañado.",
        ) from exc
    with zf:
        infos = zf.infolist()
        nombres = [i.filename for i in infos]
        if HUELLAS not in nombres or len(infos) > _MAX_MIEMBROS:
            raise ValidationError(
                "paquete_sin_huellas",
                f"«{ruta.name}» no es un paquete de evidencias de icsoe-desktop: le falta su "
                f"lista de archivos ({HUELLAS}).",
            )
        resultado = Verificacion()
        huellas = _leer(zf, HUELLAS, resultado) or b""
        lista = _lista(huellas, resultado)
        if cliente and cliente.strip().upper() != resultado.cliente:
            resultado.motivo(
                f"El paquete es para el cliente {resultado.cliente or '(sin RFC)'}, no para "
                f"{cliente.strip().upper()}."
            )
        _firma(zf, nombres, huellas, confianza, resultado)
        _miembros(zf, infos, lista, verificador, resultado)
    return resultado


def _leer(zf: zipfile.ZipFile, miembro: str | zipfile.ZipInfo, r: Verificacion) -> bytes | None:
    """A member's bytes (by its entry: a name twice is two entries), or None with a reason."""
    info = miembro if isinstance(miembro, zipfile.ZipInfo) else zf.getinfo(miembro)
    nombre = info.filename
    try:
        if info.file_size > _MAX_MIEMBRO:  # a bomb: never inflated
            raise ValueError(info.file_size)
        return zf.read(info)
    except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError):
        r.motivo(f"«{nombre}» está dañado dentro del ZIP o es demasiado grande para ser evidencia.")
        return None


def _lista(huellas: bytes, r: Verificacion) -> dict[str, str]:
    """The members the list names, by name → SHA-256; its «# clave: valor» lines read into
    ``r``."""
    lista: dict[str, str] = {}
    # Bytes that are no UTF-8 make lines that do not read: each one is a reason.
    for linea in huellas.decode("utf-8", errors="replace").splitlines():
        if linea.startswith("# ") and ": " in linea:
            clave, valor = linea[2:].split(": ", 1)
            if clave == "contratista":
                r.contratista = valor.strip().upper()
            elif clave == "cliente":
                r.cliente = valor.strip().upper()
            elif clave == "mes":
                r.mes = valor.strip()
            elif clave == "falta":
                r.faltan.append(valor)
            elif clave == "aviso":
                r.avisos.append(valor)
        elif linea and not linea.startswith("#"):
            huella, _, nombre = linea.partition("  ")
            if len(huella) != 64 or not nombre or nombre in lista:
                r.motivo(f"{HUELLAS} tiene un renglón que no se entiende: «{linea[:80]}».")
                continue
            lista[nombre] = huella.lower()
    if not r.contratista or not r.cliente:
        r.motivo(f"{HUELLAS} no dice de qué contratista ni para qué cliente es.")
    return lista


def _firma(
    zf: zipfile.ZipFile,
    nombres: list[str],
    huellas: bytes,
    confianza: TrustStore,
    r: Verificacion,
) -> None:
    if FIRMA not in nombres:
        r.motivo(
            "El paquete no está firmado con la e.firma del contratista: no se puede saber "
            "quién lo armó ni si se cambió después."
        )
        return
    try:
        firmante = firma_paquete.verificar(_leer(zf, FIRMA, r) or b"", huellas)
        info = load_certificate(firmante.certificado_der)
    except (ValidationError, CredentialError) as exc:
        r.motivo(exc.message)
        return
    r.firmante = f"{info.nombre} ({info.rfc})"
    if info.tipo != "FIEL" or not confianza.para(USO_EFIRMA).verifies(
        info.certificado_der, firmante.incluidos
    ):
        r.motivo(
            f"La firma es de un certificado ({info.no_certificado}, {info.tipo}) que no es una "
            "e.firma emitida por el SAT: no se encadena a ninguna de las autoridades confiables "
            "de este equipo."
        )
    if info.rfc != r.contratista:
        r.motivo(f"El paquete dice ser de {r.contratista}, pero lo firmó la e.firma de {info.rfc}.")
    if firmante.fecha is not None:
        cuando = firmante.fecha.astimezone(UTC)
        if not info.valido_desde <= cuando <= info.valido_hasta:
            r.motivo(
                f"La e.firma que firmó no estaba vigente el {cuando:%d/%m/%Y}, la fecha que "
                "dice la firma."
            )


def _miembros(
    zf: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    lista: dict[str, str],
    verificador: Callable[[str], Verificador],
    r: Verificacion,
) -> None:
    presentes = {i.filename for i in infos} - {HUELLAS, FIRMA}
    if len({i.filename for i in infos}) < len(infos):  # a name twice: tools show either copy
        r.motivo("El paquete tiene archivos repetidos con el mismo nombre: se alteró.")
    for nombre in sorted(presentes - lista.keys()):
        r.motivo(f"«{nombre}» está en el paquete pero no en su lista firmada: se agregó después.")
    for nombre in sorted(lista.keys() - presentes):
        r.motivo(f"«{nombre}» está en la lista firmada pero no en el paquete: se quitó.")
    revisa = verificador(r.contratista) if r.contratista else None
    for info in infos:
        nombre = info.filename
        if nombre not in lista:
            continue
        datos = _leer(zf, info, r)
        if datos is None:
            continue
        r.miembros += 1
        if hashlib.sha256(datos).hexdigest() != lista[nombre]:
            r.motivo(
                f"«{nombre}» cambió: su SHA-256 no es el de la lista firmada (se reemplazó "
                "después de armar el paquete)."
            )
            continue
        if nombre.startswith("recibos/") and revisa is not None:
            _recibo(nombre, datos, revisa, r)


def _recibo(nombre: str, datos: bytes, revisa: Verificador, r: Verificacion) -> None:
    r.recibos += 1
    try:
        hecho = revisa.verificar(datos)
    except ReciboRechazado as exc:
        r.motivo(f"«{nombre}»: {exc.message}")
        return
    recibo = hecho.recibo
    if recibo.timbre.uuid.upper() != PurePosixPath(nombre).stem.upper():
        r.motivo(f"«{nombre}» es en realidad el recibo {recibo.timbre.uuid}.")
    if r.cliente not in {s.rfc for s in recibo.subcontrataciones}:
        otros = ", ".join(sorted({s.rfc for s in recibo.subcontrataciones})) or "ningún cliente"
        r.motivo(
            f"«{nombre}» no es de este cliente: el trabajador {recibo.nombre} sirvió a {otros} "
            f"(RfcLabora), no a {r.cliente}."
        )
        return
    if hecho.sello_sat == SAT_VERIFICADO:
        r.sat_verificados += 1
    r.trabajadores[recibo.nss or recibo.curp] = recibo.nombre


__all__ = ["Verificacion", "verificar"]
