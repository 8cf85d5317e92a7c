"""Each receipt's stored XML checked as it is packed (``paquete.escribir``'s ``revisar``).

The import verified its seals (the CFDI's and the timbre's) and recorded the SHA-256 of the
bytes it verified on the receipt's row (``nomina_recibos.xml_sha256``): the pack holds the
archive's bytes to that SHA-256 instead of verifying the seals again, and says of the timbre's
SAT seal what the row keeps. Bytes that are not those (the archive altered behind the app's
back) are left out and listed as missing, with what verifying them finds (else that they are
not those), never shipped as the receipt. Verified here, they
are the XML read when the row was written, under the timbre UUID that XML carries: the UUID and
the clients (``RfcLabora``) the row was written from.

A receipt stored before that SHA-256 was recorded (or whose row came from another desktop and
whose XML was not imported here since) is verified as the import verifies, as every pack did
before: its seals, its UUID the row's, naming the client; its SHA-256 is then recorded
(``verificados``) so that the next pack only compares it."""

from __future__ import annotations

from collections.abc import Callable

from icsoe_desktop.domain.nomina import SAT_VERIFICADO as SAT_OK
from icsoe_desktop.domain.nomina import ReciboRechazado, Verificador
from icsoe_desktop.services.evidencias.paquete import SAT_SIN_VERIFICAR, SAT_VERIFICADO, Revision

# A kept UUID is never replaced by an import: only a restore puts the archive right again.
ALTERADO = (
    "El archivo de evidencias de este equipo se alteró: avisa al área de sistemas (restaurar un "
    "respaldo anterior lo corrige)."
)
# Bytes other than those the import verified, whose seals say nothing against them.
DISTINTO = (
    "no se incluyó: el XML guardado ya no es el que se importó y verificó (su SHA-256 es otro). "
    f"{ALTERADO}"
)


class Revisor:
    """``revisar`` of one client's pack: ``registrados`` by row UUID (lower case), the SHA-256
    recorded (None: none yet) and whether the SAT seal was verified; ``verificador()``: the
    import's checks, built at the first receipt that needs them (None: an empresa without RFC,
    whose receipts without a SHA-256 go as they are, as they went before)."""

    def __init__(
        self,
        cliente: str,
        registrados: dict[str, tuple[bytes | None, bool]],
        verificador: Callable[[], Verificador | None],
    ) -> None:
        self._cliente = cliente
        self._registrados = registrados
        self._hacer_verificador: Callable[[], Verificador | None] | None = verificador
        self._verificador: Verificador | None = None
        # (SHA-256, row UUID) of the receipts verified in full by this pack, to record.
        self.verificados: list[tuple[bytes, str]] = []

    def __call__(self, uuid: str, sha256: str, datos: bytes) -> Revision:
        """``sha256``: what ``datos`` were read back against from the archive (a blob that is
        not what its SHA-256 says is never read: ``ArchivoEvidencias.leer_varios``)."""
        huella = bytes.fromhex(sha256)
        registrado, sat = self._registrados.get(uuid.lower(), (None, False))
        if huella == registrado:
            return Revision(None, SAT_VERIFICADO if sat else SAT_SIN_VERIFICAR)
        verificador = self._el_verificador()
        if verificador is None:
            if registrado is None:
                return Revision(None, SAT_VERIFICADO if sat else SAT_SIN_VERIFICAR)
            return Revision(DISTINTO)
        # Not what was verified, or never recorded: verified in full (an altered one is told
        # by what the seals find in it, when they find something).
        try:
            hecho = verificador.verificar(datos)
        except ReciboRechazado as exc:
            return Revision(f"no se incluyó: {exc.message}")
        timbre = hecho.recibo.timbre.uuid
        if timbre.upper() != uuid.upper():
            return Revision(
                f"no se incluyó: el XML guardado con ese UUID es de otro recibo ({timbre}). "
                f"{ALTERADO}"
            )
        if self._cliente not in {s.rfc for s in hecho.recibo.subcontrataciones}:
            return Revision(
                f"no se incluyó: el XML guardado no nombra a {self._cliente} (RfcLabora). "
                f"{ALTERADO}"
            )
        if registrado is not None:
            return Revision(DISTINTO)
        self.verificados.append((huella, uuid.lower()))
        return Revision(None, SAT_VERIFICADO if hecho.sello_sat == SAT_OK else SAT_SIN_VERIFICAR)

    def _el_verificador(self) -> Verificador | None:
        if self._hacer_verificador is not None:
            self._verificador, self._hacer_verificador = self._hacer_verificador(), None
        return self._verificador


__all__ = ["ALTERADO", "DISTINTO", "Revisor"]
