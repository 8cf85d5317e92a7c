"""The registro patronal of the SISUB's «Sujeto obligado» file: the app keeps no mark of the
empresa's main one, so the rule picks the contratista's registro most of the period's workers
are tied by, the first in order when they tie or none is used."""

from __future__ import annotations

from icsoe_desktop.domain.sisub.archivos import registro_principal

A, B, C = "B1234567105", "Y5412345105", "Y5412345106"


def test_the_contratistas_registro_with_most_workers() -> None:
    assert registro_principal([C, A, B], {B: 40, A: 3, C: 12}) == B
    # One of another RFC's (a sister company's) with more workers is not the contratista's own.
    assert registro_principal([A, C], {B: 90, A: 3, C: 12}) == C


def test_a_tie_or_no_worker_goes_to_the_first_in_order() -> None:
    assert registro_principal([C, B], {B: 5, C: 5}) == B
    assert registro_principal([C, A], {}) == A


def test_without_registros_of_its_own_the_one_its_workers_carry() -> None:
    assert registro_principal([], {C: 2, B: 7}) == B
    assert registro_principal([], {}) == ""
