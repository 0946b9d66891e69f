"""Canvassing at community events: events and their witnessed letters (events.py), and sign-up sheets
(sheets.py: many signers from one CSV, each checked like the signer form)."""
