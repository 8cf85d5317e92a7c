"""The SISUB of the INFONAVIT (Ley del INFONAVIT art. 29 Bis): the cuatrimestral report of the
contracts in force, their work sites and the workers tied to them per bimestre, its kinds and
the amounts proposed from the CFDI de nómina. Pure: no files, no database."""
