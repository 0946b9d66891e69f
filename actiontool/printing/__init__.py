"""Paper: one letter as a PDF (pdf.py), many letters in one PDF sorted for delivery by hand (batch.py), and
print jobs the worker renders in the background (jobs.py)."""
