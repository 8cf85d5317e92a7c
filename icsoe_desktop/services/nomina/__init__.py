"""Recibos de nómina: the CFDI de nómina brought in from a folder, a ZIP or several files
(``fuentes``: streamed, ZIPs bounded), each verified (domain/nomina) and stored once by its
timbre's UUID in batches (``importar``), and listed per period and client (``consulta``)."""
