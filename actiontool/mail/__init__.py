"""Email: the outbox and its delivery (outbox.py), confirming a supporter's address (confirmation.py), the
messages (emails.py), the links in them (links.py), the SMTP or file transport (transport.py), and the letters
staff must decide on (held.py: the only place outside the outbox that moves outbox rows)."""
