"""The capturista's pantalla de inicio and its capture: the contratista's informativas by
period (with their deadlines), a new one (Normal, Sin información, complementaria), the
register of contratantes, and the contracts of an informativa (new, edited, copied)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, ScalarSelect, func, insert, select
from sqlalchemy.orm import Session

from icsoe_desktop.config import InformativaSettings
from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.contacto import check_codigo_postal, check_telefono, required_text
from icsoe_desktop.domain.emails import check_email
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_rfc, rfc_digito_no_corresponde
from icsoe_desktop.domain.informativa import acuse_corregido
from icsoe_desktop.domain.informativa.lineamientos import (
    actualizacion_permitida,
    cuenta_para_el_limite,
    meses_actualizacion_texto,
    vence_texto,
)
from icsoe_desktop.domain.informativa.modelo import (
    ACTUALIZACION,
    COMPLEMENTARIAS,
    CORRECCION,
    EN_CAPTURA,
    ESTADOS,
    FIRMADAS,
    LISTA_PARA_FIRMA,
    NORMAL,
    PRESENTADA,
    SIN_INFORMACION,
    TIPOS,
    Informativa,
    Parte,
    Periodo,
)
from icsoe_desktop.domain.informativa.periodos import fecha_limite
from icsoe_desktop.domain.informativa.presentacion import dias_fuera_de_plazo, texto_presentada
from icsoe_desktop.domain.roles import Accion, Rol
from icsoe_desktop.domain.texts import check_caracteres, plural
from icsoe_desktop.services.informativa import fecha_firma
from icsoe_desktop.services.informativa.base import (
    InformativaBase,
    aviso_firmadas,
    del_periodo,
    firmadas,
    parte_de,
)
from icsoe_desktop.services.informativa.repse import autorizado_en
from icsoe_desktop.store.models import (
    Contratante,
    Contratista,
    ContratoRow,
    ContratoTrabajador,
    InformativaRow,
)


@dataclass(frozen=True)
class FilaInformativa:
    """A row of the pantalla de inicio: an informativa, or a period still without one."""

    uuid: str | None
    periodo: Periodo
    tipo: str | None
    estado: str | None
    contratos: int
    trabajadores: int
    fecha_limite: date
    dias_restantes: int  # negative once past due
    complementa: str | None = None
    firmada_at: datetime | None = None  # the signature, in Central Mexico time
    folio_imss: str = ""  # the IMSS acuse de presentación's folio, once filed
    dias_tarde: int = 0  # filed after the fecha límite
    presentada_at: datetime | None = None  # the filing, in Central Mexico time
    acuse_declarado: bool = False  # its acuse did not state whose it is: the clerk stated it
    acuse_corregido: str = ""  # «fecha corregida por el usuario (el acuse dice …)», or ""
    # A time-stamp trusted here proves when its constancia was signed (fecha_firma.py).
    firma_probada: bool = False

    @property
    def tipo_texto(self) -> str:
        return TIPOS[self.tipo] if self.tipo else "—"

    @property
    def estado_texto(self) -> str:
        if self.estado == PRESENTADA:
            return texto_presentada(self.dias_tarde, self.firma_probada)
        return ESTADOS[self.estado] if self.estado else "Sin presentar"

    @property
    def vencida(self) -> bool:
        """Past its period's deadline and not filed; a complementaria has no deadline of its
        own (Lineamientos 5.6)."""
        return (
            self.estado != PRESENTADA
            and self.tipo not in COMPLEMENTARIAS
            and self.dias_restantes < 0
        )

    @property
    def dias_texto(self) -> str:
        """«Faltan 12 días», «Vence hoy a las 23:59, hora del centro», «Vencida hace 3 días»;
        «Sin plazo (complementaria)»; nothing once filed."""
        if self.estado == PRESENTADA:
            return "—"
        if self.tipo in COMPLEMENTARIAS:
            return "Sin plazo (complementaria)"
        return texto_dias(self.dias_restantes)


def texto_dias(dias: int) -> str:
    """The days left to a deadline as every list says them: «Faltan 12 días», «Vence hoy a las
    23:59, hora del centro», «Vencida hace 3 días»."""
    if dias < 0:
        return f"Vencida hace {plural(-dias, 'día')}"
    if dias == 0:
        return f"Vence hoy {vence_texto()}"
    return f"{'Falta' if dias == 1 else 'Faltan'} {plural(dias, 'día')}"


@dataclass(frozen=True)
class ContratanteFila:
    uuid: str
    parte: Parte
    extranjero: bool = False  # sin establecimiento permanente: its contracts are not reported


@dataclass(frozen=True)
class ContratoDatos:
    """What the contract form edits. ``contratante``: the contratante's uuid."""

    contratante: str
    objeto: str = ""
    folio_repse: str = ""
    descripcion_servicio: str = ""
    fecha_inicial: date | None = None
    fecha_final: date | None = None


@dataclass(frozen=True)
class ContratoResumen:
    uuid: str
    informativa: str
    periodo: Periodo
    contratante_rfc: str
    contratante_nombre: str
    objeto: str
    folio_repse: str
    fecha_inicial: date | None
    fecha_final: date | None
    trabajadores: int


class InformativasService(InformativaBase):
    # The IMSS's limit of complementarias per period is not published in a source we could
    # read: settings.toml [informativa] max_complementarias (config.InformativaSettings).
    max_complementarias = InformativaSettings.max_complementarias
    # The time-stamp authorities trusted now (FirmaInformativaService.autoridades_sello),
    # set by the container: which signing dates noted as proven still are (fecha_firma.py).
    autoridades_sello: Callable[[], str] = str

    # --- pantalla de inicio --------------------------------------------------------------------

    def tablero(
        self, rfc: str, actor: str | None, hoy: date | None = None
    ) -> list[FilaInformativa]:
        """Every informativa of the contratista, newest period first, and the periods that
        still have none: the last one due and the one in course (days counted in Central
        Mexico time, the deadlines')."""
        hoy = hoy or self._hoy()
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor)
            rows = session.scalars(
                select(InformativaRow)
                .where(
                    InformativaRow.contratista_id == contratista.id,
                    InformativaRow.deleted.is_(False),
                )
                .order_by(InformativaRow.id)
            ).all()
            cuentas = _cuentas(session, [r.id for r in rows])
            probadas = self._probadas(session, rows)
        actual = Periodo.de_fecha(hoy)
        filas = [
            replace(
                _fila(Periodo.de_clave(r.periodo), hoy, r, *cuentas.get(r.id, (0, 0))),
                firma_probada=r.uuid in probadas,
            )
            for r in rows
        ]
        con_informativa = {f.periodo for f in filas}
        for periodo in (actual.anterior(), actual):
            if periodo not in con_informativa:
                filas.append(_fila(periodo, hoy))
        return sorted(filas, key=lambda f: (f.periodo, f.uuid is not None), reverse=True)

    def constancias_guardadas(self, rfc: str, actor: str | None) -> tuple[str, ...]:
        """The stored constancias of the contratista's Presentada informativas not verified yet
        by the current checks, verified now as a sync does (constancias_guardadas.py): what to
        tell of those refused, each audited once. The pantalla de inicio runs it in the
        background, so that a desktop without sync verifies them too."""
        from icsoe_desktop.services.informativa.constancias_guardadas import comprobar

        with self._store.session() as session:
            self._contratista(session, rfc, actor)  # the tablero's own check of the actor
        return comprobar(self._store, self._clock(), rfc, self.autoridades_sello())

    def contratistas(self, actor: str | None) -> list[tuple[str, str]]:
        """(RFC, nombre) of the contratistas ``actor`` may capture for (the command line: all)."""
        rol = self._permisos.exigir(actor, Accion.CAPTURAR_INFORMATIVA)
        with self._store.session() as session:
            rows = session.scalars(
                select(Contratista)
                .where(Contratista.deleted.is_(False))
                .order_by(Contratista.nombre)
            ).all()
            return [
                (r.rfc, r.nombre)
                for r in rows
                if rol is Rol.LINEA_DE_COMANDOS
                or (rol is Rol.CONTRATISTA and r.rfc == actor)
                or (rol is Rol.CAPTURISTA and self._activa(session, r.id, actor or ""))
            ]

    def buscar(
        self, rfc: str, actor: str | None, periodo: Periodo, tipo: str | None = None
    ) -> str | None:
        """The period's latest informativa (a complementaria after the one it corrects), or
        its latest of ``tipo``."""
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor)
            rows = [
                r
                for r in del_periodo(session, contratista.id, periodo.clave)
                if tipo is None or r.tipo == tipo
            ]
            return rows[-1].uuid if rows else None

    # --- a new informativa ---------------------------------------------------------------------

    @anuncia(ICSOE)
    def crear(
        self,
        rfc: str,
        actor: str | None,
        periodo: Periodo,
        tipo: str = NORMAL,
        complementa: str | None = None,
    ) -> str:
        if tipo not in TIPOS:
            raise ValidationError("tipo_invalido", "Elige el tipo de informativa.", "tipo")
        hoy = self._hoy()
        if periodo.inicio > hoy:
            raise ValidationError(
                "periodo_futuro",
                f"El periodo {periodo.texto} aún no comienza: no se puede presentar su "
                "informativa.",
                "periodo",
            )
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor)
            existentes = del_periodo(session, contratista.id, periodo.clave)
            if tipo in COMPLEMENTARIAS:
                complementa = self._complementada(existentes, periodo, complementa, tipo, hoy)
            else:
                complementa = ""
                for otra in existentes:
                    if otra.tipo not in COMPLEMENTARIAS:
                        raise ValidationError(
                            "varias_declaraciones",
                            f"Ya existe una informativa {TIPOS[otra.tipo]} del periodo "
                            f"{periodo.texto} ({ESTADOS[otra.estado].lower()}). El IMSS marca "
                            "como inconsistencia presentar varias declaraciones del mismo "
                            "periodo: para corregir una informativa firmada, presenta una "
                            "complementaria.",
                            "tipo",
                        )
            row = InformativaRow(
                contratista_id=contratista.id,
                periodo=periodo.clave,
                tipo=tipo,
                estado=LISTA_PARA_FIRMA if tipo == SIN_INFORMACION else EN_CAPTURA,
                complementa=complementa,
                capturada_por=(actor or "")[:18],
            )
            session.add(row)
            session.flush()
            if tipo == CORRECCION:
                _copiar_contratos(session, existentes, complementa, row)
            self._audit.record(
                session, actor, "icsoe_informativa_alta", rfc, f"{periodo.clave} {TIPOS[tipo]}"
            )
            return row.uuid

    @anuncia(ICSOE)
    def sin_informacion(self, rfc: str, actor: str | None, periodo: Periodo) -> str:
        """A period without any contract started: filed as such in one step (lista para
        firma, nothing to capture)."""
        return self.crear(rfc, actor, periodo, SIN_INFORMACION)

    def _complementada(
        self,
        existentes: list[InformativaRow],
        periodo: Periodo,
        complementa: str | None,
        tipo: str,
        hoy: date,
    ) -> str:
        """The signed informativa a complementaria of ``tipo`` corrects, when the Lineamientos
        allow one on ``hoy`` (domain/informativa/lineamientos.py)."""
        firmadas = {r.uuid for r in existentes if r.estado in FIRMADAS}
        if not complementa or complementa not in firmadas:
            raise ValidationError(
                "complementaria_sin_original",
                "Una complementaria corrige una informativa firmada del mismo periodo "
                f"({periodo.texto}): elige cuál corrige."
                + ("" if firmadas else " Este periodo aún no tiene una informativa firmada."),
                "complementa",
            )
        if tipo == ACTUALIZACION and not actualizacion_permitida(periodo, hoy):
            raise ValidationError(
                "actualizacion_fuera_de_plazo",
                "Una complementaria de Actualización se presenta sólo en "
                f"{meses_actualizacion_texto()}, por el cuatrimestre anterior: hoy no "
                f"se puede presentar una de {periodo.texto}.",
                "tipo",
            )
        cuantas = sum(
            1 for r in existentes if r.tipo in COMPLEMENTARIAS and cuenta_para_el_limite(r.tipo)
        )
        if cuenta_para_el_limite(tipo) and cuantas >= self.max_complementarias:
            raise ValidationError(
                "demasiadas_complementarias",
                f"El periodo {periodo.texto} ya tiene {plural(cuantas, 'complementaria')} de Corrección o "
                f"Sin efectos: el máximo es {self.max_complementarias} (las de Actualización no "
                "cuentan).",
                "tipo",
            )
        return complementa

    def _hoy(self) -> date:
        """Today in Central Mexico, the time the ICSOE's deadlines run on."""
        return hora_del_centro(self._clock()).date()

    @anuncia(ICSOE)
    def eliminar(self, uuid: str, actor: str | None) -> None:
        """Discard an informativa not yet signed, with its contracts and workers."""
        with self._store.session() as session:
            row, contratista = self._informativa(session, uuid, actor, editable=True)
            row.deleted = True
            for contrato in session.scalars(
                select(ContratoRow).where(ContratoRow.informativa_id == row.id)
            ):
                _borrar_contrato(session, contrato)
            self._audit.record(
                session, actor, "icsoe_informativa_baja", contratista.rfc, row.periodo
            )

    def informativa(self, uuid: str, actor: str | None) -> Informativa:
        with self._store.session() as session:
            row, contratista = self._informativa(session, uuid, actor)
            return self._snapshot(session, row, contratista)

    def cabecera(self, uuid: str, actor: str | None) -> Informativa:
        """The informativa without its workers (its contracts with none): a window's header,
        read in a few KB at any size."""
        with self._store.session() as session:
            row, contratista = self._informativa(session, uuid, actor)
            return self._cabecera(session, row, contratista)

    def fila(self, uuid: str, actor: str | None) -> FilaInformativa:
        with self._store.session() as session:
            row, _ = self._informativa(session, uuid, actor)
            cuentas = _cuentas(session, [row.id]).get(row.id, (0, 0))
            probada = row.uuid in self._probadas(session, [row])
        fila = _fila(Periodo.de_clave(row.periodo), self._hoy(), row, *cuentas)
        return replace(fila, firma_probada=probada)

    def _probadas(self, session: Session, rows: Sequence[InformativaRow]) -> set[str]:
        """The uuids of the Presentada ``rows`` whose signing date a time-stamp trusted here
        proves, as their constancia's last verification found (fecha_firma.py)."""
        presentadas = [r.uuid for r in rows if r.estado == PRESENTADA]
        if not presentadas:
            return set()
        return fecha_firma.probadas(session, self.autoridades_sello(), presentadas)

    # --- contratantes --------------------------------------------------------------------------

    def contratantes(self, rfc: str, actor: str | None) -> list[ContratanteFila]:
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor)
            rows = session.scalars(
                select(Contratante)
                .where(Contratante.contratista_id == contratista.id, Contratante.deleted.is_(False))
                .order_by(Contratante.nombre)
            )
            return [ContratanteFila(r.uuid, parte_de(r), r.extranjero_sin_ep) for r in rows]

    @anuncia(ICSOE)
    def guardar_contratante(
        self,
        rfc: str,
        actor: str | None,
        parte: Parte,
        uuid: str | None = None,
        extranjero: bool = False,
    ) -> tuple[str, list[str]]:
        """Save a contratante (new, or ``uuid``); returns its uuid and what to tell after
        saving: an RFC whose check digit does not match (saved all the same: the SAT has issued
        such RFCs), and, when a contratante already in signed informativas changed, that those
        keep the data they were signed with (``aviso_firmadas``). ``extranjero``: a foreign firm
        without a permanent establishment in Mexico, whose contracts are not reported."""
        parte, avisos = check_contratante(parte)
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor)
            mismo_rfc = session.scalar(
                select(Contratante).where(
                    Contratante.contratista_id == contratista.id,
                    Contratante.rfc == parte.rfc,
                    Contratante.deleted.is_(False),
                )
            )
            if uuid is None:
                row = mismo_rfc or Contratante(contratista_id=contratista.id)
                if row.id is None:
                    session.add(row)
            else:
                found = session.scalar(select(Contratante).where(Contratante.uuid == uuid))
                if found is None or found.contratista_id != contratista.id:
                    raise ValidationError("contratante_inexistente", "El contratante ya no existe.")
                row = found
                if mismo_rfc is not None and mismo_rfc.id != row.id:
                    raise ValidationError(
                        "contratante_duplicado",
                        f"Ya existe el contratante con RFC {parte.rfc}: {mismo_rfc.nombre}.",
                        "rfc",
                    )
            antes = parte_de(row) if row.id is not None else None
            _poner_parte(row, parte)
            row.extranjero_sin_ep = extranjero
            session.flush()
            if antes is not None and antes != parte_de(row):
                cuantas = firmadas(session, contratista_id=contratista.id, contratante_id=row.id)
                if cuantas:
                    avisos = [*avisos, aviso_firmadas("Este contratante", "está", cuantas)]
            self._audit.record(session, actor, "icsoe_contratante_guardado", rfc, parte.rfc)
            return row.uuid, avisos

    # --- contracts -----------------------------------------------------------------------------

    def contratos(self, informativa: str, actor: str | None) -> list[ContratoResumen]:
        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, actor)
            resumenes = _resumenes(session, ContratoRow.informativa_id == row.id)
            if row.estado not in FIRMADAS:
                return resumenes
            # Signed: each contratante as it was signed, not as it may have been edited since.
            cabecera = self._cabecera(session, row, contratista)
            firmados = {c.uuid: c.contratante for c in cabecera.contratos}
        return [
            replace(r, contratante_rfc=p.rfc, contratante_nombre=p.nombre)
            if (p := firmados.get(r.uuid))
            else r
            for r in resumenes
        ]

    def contrato(self, uuid: str, actor: str | None) -> ContratoDatos:
        with self._store.session() as session:
            contrato, _ = self._contrato(session, uuid, actor)
            contratante = session.get(Contratante, contrato.contratante_id)
            assert contratante is not None
            return ContratoDatos(
                contratante.uuid,
                contrato.objeto,
                contrato.folio_repse,
                contrato.descripcion_servicio,
                contrato.fecha_inicial,
                contrato.fecha_final,
            )

    @anuncia(ICSOE)
    def guardar_contrato(
        self, informativa: str, actor: str | None, datos: ContratoDatos, uuid: str | None = None
    ) -> str:
        """Save a contract as typed: what is missing or inconsistent is for *Revisar* to say,
        so a half-captured contract is never lost."""
        datos = _limpiar(datos)
        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, actor, editable=True)
            if row.tipo == SIN_INFORMACION:
                raise ValidationError(
                    "sin_informacion_con_contratos",
                    "Una informativa «Sin información» no lleva contratos: si en el periodo se "
                    "celebró alguno, elimínala y crea una Normal.",
                )
            contratante = session.scalar(
                select(Contratante).where(
                    Contratante.uuid == datos.contratante, Contratante.deleted.is_(False)
                )
            )
            if contratante is None or contratante.contratista_id != contratista.id:
                raise ValidationError(
                    "campo_obligatorio", "Elige el contratante del contrato.", "contratante"
                )
            # The service must be one the contratista's REPSE registration authorised.
            folio, servicio = autorizado_en(
                session, contratista.id, datos.folio_repse, datos.descripcion_servicio
            )
            if uuid is None:
                contrato = ContratoRow(informativa_id=row.id)
                session.add(contrato)
            else:
                contrato, _ = self._contrato(session, uuid, actor, editable=True)
            contrato.contratante_id = contratante.id
            contrato.objeto = datos.objeto
            contrato.folio_repse = folio
            contrato.descripcion_servicio = servicio
            contrato.fecha_inicial = datos.fecha_inicial
            contrato.fecha_final = datos.fecha_final
            session.flush()
            self._audit.record(
                session, actor, "icsoe_contrato_guardado", contratista.rfc, contratante.rfc
            )
            return contrato.uuid

    @anuncia(ICSOE)
    def eliminar_contrato(self, uuid: str, actor: str | None) -> None:
        with self._store.session() as session:
            contrato, _ = self._contrato(session, uuid, actor, editable=True)
            _borrar_contrato(session, contrato)
            self._audit.record(session, actor, "icsoe_contrato_baja", uuid)

    def contratos_anteriores(
        self, rfc: str, actor: str | None, excepto: str | None = None
    ) -> list[ContratoResumen]:
        """The contratista's contracts of its other informativas, to copy into a new one."""
        with self._store.session() as session:
            contratista = self._contratista(session, rfc, actor)
            ids = select(InformativaRow.id).where(
                InformativaRow.contratista_id == contratista.id,
                InformativaRow.deleted.is_(False),
                InformativaRow.uuid != (excepto or ""),
            )
            return _resumenes(session, ContratoRow.informativa_id.in_(ids))

    @anuncia(ICSOE)
    def copiar_contrato(
        self, origen: str, destino: str, actor: str | None, con_trabajadores: bool = True
    ) -> str:
        """A contract of a previous period copied into ``destino`` (its dates left for the
        clerk: a contract belongs to the period in which it started)."""
        with self._store.session() as session:
            fuente, _ = self._contrato(session, origen, actor)
            datos = ContratoDatos(
                session.get(Contratante, fuente.contratante_id).uuid,  # type: ignore[union-attr]  # kept: the contrato names it
                fuente.objeto,
                fuente.folio_repse,
                fuente.descripcion_servicio,
            )
            trabajadores = _trabajadores_de(session, fuente.id) if con_trabajadores else []
        nuevo = self.guardar_contrato(destino, actor, datos)
        if trabajadores:
            with self._store.session() as session:
                contrato, _ = self._contrato(session, nuevo, actor, editable=True)
                session.add_all(
                    ContratoTrabajador(contrato_id=contrato.id, nss=n, curp=c, sbc=s, nombre=nm)
                    for n, c, s, nm, *_rechazo in trabajadores  # another period's
                )
        return nuevo


def check_contratante(parte: Parte) -> tuple[Parte, list[str]]:
    """The contratante's fields checked; an RFC whose check digit fails is only a warning."""
    if not parte.rfc.strip():
        raise ValidationError("campo_obligatorio", "Captura el RFC del contratante.", "rfc")
    rfc = check_rfc(parte.rfc)
    avisos = []
    if rfc_digito_no_corresponde(rfc):
        avisos.append(
            f"El dígito verificador del RFC {rfc} no corresponde: revísalo con el contratante "
            "(se guardó de todos modos)."
        )
    nombre = required_text(parte.nombre, "Nombre, denominación o razón social", "nombre", 254)
    correo = (
        check_email(parte.correo, "correo", "El correo electrónico no es válido.")
        if parte.correo.strip()
        else ""
    )
    fijo = check_telefono(parte.telefono_fijo, "teléfono fijo", "telefonoFijo", required=False)
    movil = check_telefono(parte.telefono_movil, "teléfono móvil", "telefonoMovil", required=False)
    d = parte.domicilio
    cp = check_codigo_postal(d.codigo_postal) if d.codigo_postal.strip() else ""
    domicilio = replace(
        d,
        **{
            k: " ".join(check_caracteres(getattr(d, k), etiqueta, k).split())
            for k, etiqueta in (
                ("calle", "Calle"),
                ("numero_exterior", "Número exterior"),
                ("numero_interior", "Número interior"),
                ("colonia", "Colonia"),
                ("municipio", "Municipio o alcaldía"),
                ("entidad", "Entidad"),
            )
        },
        codigo_postal=cp,
    )
    return Parte(rfc, nombre, domicilio, correo, fijo, movil), avisos


def _poner_parte(row: Contratante, parte: Parte) -> None:
    row.rfc, row.nombre, row.correo = parte.rfc, parte.nombre, parte.correo
    row.telefono_fijo, row.telefono_movil = parte.telefono_fijo, parte.telefono_movil
    d = parte.domicilio
    row.calle, row.numero_exterior, row.numero_interior = (
        d.calle,
        d.numero_exterior,
        d.numero_interior,
    )
    row.colonia, row.codigo_postal = d.colonia, d.codigo_postal
    row.municipio, row.entidad = d.municipio, d.entidad


def _limpiar(datos: ContratoDatos) -> ContratoDatos:
    def texto(value: str, label: str, limite: int) -> str:
        value = " ".join(check_caracteres(value or "", label, label, libre=True).split())
        if len(value) > limite:
            raise ValidationError(
                "campo_largo", f"El campo «{label}» admite hasta {limite} caracteres.", label
            )
        return value

    return replace(
        datos,
        objeto=texto(datos.objeto, "Objeto del contrato", 1000),
        folio_repse=texto(datos.folio_repse, "Folio REPSE", 40),
        descripcion_servicio=texto(datos.descripcion_servicio, "Descripción del servicio", 1000),
    )


def _copiar_contratos(
    session: Session, existentes: list[InformativaRow], origen: str, destino: InformativaRow
) -> None:
    """A Corrección is substitutive: it starts as a copy of every contract and worker of the
    informativa it replaces, for the clerk to correct."""
    fuente = next(r for r in existentes if r.uuid == origen)
    for c in session.scalars(
        select(ContratoRow)
        .where(ContratoRow.informativa_id == fuente.id, ContratoRow.deleted.is_(False))
        .order_by(ContratoRow.id)
    ).all():
        copia = ContratoRow(
            informativa_id=destino.id,
            contratante_id=c.contratante_id,
            objeto=c.objeto,
            folio_repse=c.folio_repse,
            descripcion_servicio=c.descripcion_servicio,
            fecha_inicial=c.fecha_inicial,
            fecha_final=c.fecha_final,
        )
        session.add(copia)
        session.flush()
        trabajadores = _trabajadores_de(session, c.id)
        if trabajadores:
            session.execute(
                insert(ContratoTrabajador),
                [
                    {
                        "contrato_id": copia.id,
                        "nss": n,
                        "curp": cu,
                        "sbc": sbc,
                        "nombre": nm,
                        # The portal's rejections go along, to be corrected here.
                        "rechazo_portal": rechazo,
                        "rechazo_corregido": corregido,
                    }
                    for n, cu, sbc, nm, rechazo, corregido in trabajadores
                ],
            )


def _trabajadores_de(
    session: Session, contrato_id: int
) -> list[tuple[str, str, int, str, str, bool]]:
    """A contract's live workers as a copy takes them: (nss, curp, sbc, nombre, rechazo del
    portal, corregido), in order."""
    return [
        (r.nss, r.curp, r.sbc, r.nombre, r.rechazo_portal, r.rechazo_corregido)
        for r in session.execute(
            select(
                ContratoTrabajador.nss,
                ContratoTrabajador.curp,
                ContratoTrabajador.sbc,
                ContratoTrabajador.nombre,
                ContratoTrabajador.rechazo_portal,
                ContratoTrabajador.rechazo_corregido,
            )
            .where(
                ContratoTrabajador.contrato_id == contrato_id,
                ContratoTrabajador.deleted.is_(False),
            )
            .order_by(ContratoTrabajador.id)
        )
    ]


def _borrar_contrato(session: Session, contrato: ContratoRow) -> None:
    contrato.deleted = True
    for trabajador in session.scalars(
        select(ContratoTrabajador).where(
            ContratoTrabajador.contrato_id == contrato.id, ContratoTrabajador.deleted.is_(False)
        )
    ):
        trabajador.deleted = True


def _cuentas(session: Session, informativas: list[int]) -> dict[int, tuple[int, int]]:
    """Per informativa: its contracts and its workers (each contract's counted from an index
    alone: no row of 600,000 workers is read, nothing is sorted)."""
    if not informativas:
        return {}
    rows = session.execute(
        select(
            ContratoRow.informativa_id,
            func.count(ContratoRow.id),
            func.sum(_trabajadores_del_contrato()),
        )
        .where(ContratoRow.informativa_id.in_(informativas), ContratoRow.deleted.is_(False))
        .group_by(ContratoRow.informativa_id)
    )
    return {i: (c, t or 0) for i, c, t in rows}


def _trabajadores_del_contrato() -> ScalarSelect[int]:
    """The live workers of the contract of the enclosing query's row."""
    return (
        select(func.count())
        .where(
            ContratoTrabajador.contrato_id == ContratoRow.id,
            ContratoTrabajador.deleted.is_(False),
        )
        .scalar_subquery()
    )


def _resumenes(session: Session, condicion: ColumnElement[bool]) -> list[ContratoResumen]:
    cuenta = _trabajadores_del_contrato()
    rows = session.execute(
        select(ContratoRow, Contratante.rfc, Contratante.nombre, cuenta)
        .join(Contratante, Contratante.id == ContratoRow.contratante_id)
        .where(condicion, ContratoRow.deleted.is_(False))
        .order_by(ContratoRow.id)
    ).all()
    # Each informativa's uuid and periodo read once, not joined to each contract: its row holds
    # its cadena, PDFs and frozen copy before its uuid, tens of MB that SQLite walks to reach it.
    informativas = {
        i: (uuid, periodo)
        for i, uuid, periodo in session.execute(
            select(InformativaRow.id, InformativaRow.uuid, InformativaRow.periodo).where(
                InformativaRow.id.in_({c.informativa_id for c, *_ in rows})
            )
        )
    }
    por_periodo = sorted(rows, key=lambda r: informativas[r[0].informativa_id][1], reverse=True)
    return [
        ContratoResumen(
            c.uuid,
            informativas[c.informativa_id][0],
            Periodo.de_clave(informativas[c.informativa_id][1]),
            rfc,
            nombre,
            c.objeto,
            c.folio_repse,
            c.fecha_inicial,
            c.fecha_final,
            n,
        )
        for c, rfc, nombre, n in por_periodo
    ]


def _fila(
    periodo: Periodo,
    hoy: date,
    row: InformativaRow | None = None,
    contratos: int = 0,
    trabajadores: int = 0,
) -> FilaInformativa:
    limite = fecha_limite(periodo)
    presentada = (
        hora_del_centro(row.presentada_at) if row is not None and row.presentada_at else None
    )
    return FilaInformativa(
        uuid=row.uuid if row else None,
        periodo=periodo,
        tipo=row.tipo if row else None,
        estado=row.estado if row else None,
        contratos=contratos,
        trabajadores=trabajadores,
        fecha_limite=limite,
        dias_restantes=(limite - hoy).days,
        complementa=(row.complementa or None) if row else None,
        firmada_at=hora_del_centro(row.firmada_at) if row is not None and row.firmada_at else None,
        folio_imss=row.folio_imss if row else "",
        dias_tarde=dias_fuera_de_plazo(periodo, row.tipo, presentada) if row and presentada else 0,
        presentada_at=presentada,
        acuse_declarado=bool(row.acuse_imss_declarado) if row else False,
        acuse_corregido=acuse_corregido.leer(row.acuse_imss_corregido).texto() if row else "",
    )


__all__ = [
    "ContratanteFila",
    "ContratoDatos",
    "ContratoResumen",
    "FilaInformativa",
    "InformativasService",
    "check_contratante",
]
