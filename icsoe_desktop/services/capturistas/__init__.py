"""ICSOE capturistas, one module per actor and one for the files:

- ``administracion``: the contratista registers, consults, edits, re-invites, deactivates and
  reactivates its capturistas (guía Alta de usuarios).
- ``acceso``: the capturista creates its password with the mailed code, signs in with CURP and
  password, recovers it and chooses the contratista (guía Ingreso del capturista).
- ``excel``: the Excel export and the alta masiva (bulk import from an .xlsx).
- ``formulario``: the rules of the alta form (shared by the alta and the alta masiva);
  ``common``: the Consulta row, the code purposes and the lookups both actors use.
"""
