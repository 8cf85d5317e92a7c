"""The informativa cuatrimestral: its start page, the informativa window with its contracts, contratantes and workers, signing, and the deadline board."""
