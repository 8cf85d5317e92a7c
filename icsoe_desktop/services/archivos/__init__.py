"""Files a clerk brings and takes: tables read from CSV or .xlsx, the one Excel writer of every
export, and the export of a table as its name says (salida: .xlsx or CSV)."""
