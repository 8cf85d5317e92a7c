"""PDF signatures (PAdES B-B) with pyHanko: signing with a key held by ``cryptography``
(``firmar``) and checking a signature offline against this installation's trusted authorities
(``validar``). Import ``preparar`` first: it makes pyHanko read the SAT's certificates and lets
it run in a bundle without its network and image dependencies."""

from icsoe_desktop.services.pades import preparar as _preparar  # noqa: F401  (before pyHanko)
