"""Pieces every window shares: loading the Designer forms, geometry, message boxes, mnemonics, the
«¿Guardar los cambios?» guard, date and código postal fields, small table models, the change
notifier (``notificador``), background operations with callbacks (``operaciones``), and small
widgets (password fields, file pickers)."""
