"""Outgoing mail: the outbox and its delivery, the queues of several empresas sent as one, and the text of every mail."""
