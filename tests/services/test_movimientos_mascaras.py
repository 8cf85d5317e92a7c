"""The find box's byte marks read by C loops (services/movimientos/mascaras.py): the same items
and places as reading them one by one, whatever the runs of the mask."""

from __future__ import annotations

from array import array
from itertools import compress, pairwise

from hypothesis import given
from hypothesis import strategies as st

from icsoe_desktop.services.movimientos import mascaras

_MASCARAS = st.one_of(
    st.binary(max_size=600).map(lambda b: bytes(x & 1 for x in b)),  # many short runs
    st.lists(st.tuples(st.booleans(), st.integers(1, 300)), max_size=8).map(
        lambda runs: b"".join(bytes([int(uno)]) * n for uno, n in runs)  # a few long ones
    ),
)


@given(_MASCARAS)
def test_a_masked_slice_keeps_the_items_compress_keeps(mascara: bytes) -> None:
    origen = array("I", range(1_000, 1_000 + len(mascara)))
    bytes_ = bytearray(x % 256 for x in origen)
    for destino, de in ((array("I", [7]), origen), (bytearray([7]), bytes_), ([7], origen)):
        mascaras.extender(destino, de, mascara)
        assert list(destino) == [7, *compress(de, mascara)]
    todos: list[int] = []
    mascaras.extender(todos, origen, None)
    assert todos == list(origen)


@given(_MASCARAS)
def test_the_runs_and_places_are_where_the_bytes_are(mascara: bytes) -> None:
    unos = [k for k, b in enumerate(mascara) if b == 1]
    assert [k for de, a in mascaras.tramos_de_unos(mascara) for k in range(de, a)] == unos
    tramos = list(mascaras.tramos_de_unos(mascara))
    assert all(a < de for (_d, a), (de, _a) in pairwise(tramos))
    assert mascaras.lugares(mascara, 1) == unos
    assert mascaras.lugares(mascara, 0) == [k for k, b in enumerate(mascara) if b == 0]
