"""Look-alike letters of other alphabets: folded to the Latin ones they imitate, and the words
that mix them with Latin letters or digits named (a forged RFC or folio), while Spanish text,
its accents and a word wholly of another alphabet are left alone."""

from icsoe_desktop.domain.parecidos import parecidos, plegar


def test_look_alikes_fold_and_mixed_words_are_named():
    # Cyrillic Е and А, Greek Ο, fullwidth digits and a mathematical bold A.
    assert plegar("ЕDЕ0101018А2 Ο１２ \U0001d400ño") == "EDE0101018A2 O12 Año"
    texto = "RFC: ЕDЕ0101018А2\nFоlio: N262253432\nMосква Москва\nRecepción: 15/09/2026"
    assert parecidos(texto) == ("ЕDЕ0101018А2", "Fоlio:", "Mосква")
    assert parecidos("Fecha de recepción: 15/09/2026, Mérida, Yucatán") == ()
