"""The letter itself: its wording in each language (content.py, pure) and its storage (store.py: the one
place a Letter row is made)."""
