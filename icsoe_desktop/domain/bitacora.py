"""The audit log's chain: each entry's link is a hash of the entry and of the previous link, so
an entry edited, removed or slipped in by hand breaks every link after it.

The links are kept beside the entries (``audit_cadena``), written by a trigger of the store as
each entry is inserted (store/plain.py registers ``ESLABON`` on every connection of the app),
and checked by services/audit.py. A hash without a key: whoever rewrites the whole chain can
make it whole again, which is why the installation's catalog keeps each empresa's last link.
"""

from __future__ import annotations

import hashlib
import json

ESLABON = "bitacora_eslabon"  # the SQL function the trigger calls
ORIGEN = ""  # the link before the first entry


def eslabon(
    previo: str | None,
    uuid: str | None,
    at: str | None,
    actor: str | None,
    action: str | None,
    target: str | None,
    detail: str | None,
) -> str:
    """The link of one entry (its columns as the store keeps them: ``at`` as text) after
    ``previo``; the JSON list keeps the fields apart (no «a|b» equal to «a|» + «b»)."""
    datos = json.dumps(
        [previo or ORIGEN, uuid, at, actor, action, target, detail], ensure_ascii=False
    )
    return hashlib.sha256(datos.encode("utf-8")).hexdigest()


__all__ = ["ESLABON", "ORIGEN", "eslabon"]
