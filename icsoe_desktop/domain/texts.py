"""Small Spanish text functions: «1 fila» / «2 filas», never «fila(s)»."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The count with the noun phrase that agrees with it («1 intento», «3 intentos»), the
    thousands separated as the app writes every number («1,600 trabajadores»)."""
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"


def verb(count: int, singular: str, plural_form: str) -> str:
    """«queda» / «quedan», «tiene» / «tienen»: the verb that agrees with the count."""
    return singular if count == 1 else plural_form
