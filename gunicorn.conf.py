"""gunicorn settings for production: `gunicorn wsgi:app` picks this file up.

The access log names neither the client's IP nor the query string (which can
hold a supporter's address); see actiontool/privacy.py for the same rule in the
development server.
"""

bind = "127.0.0.1:8000"
workers = 2
accesslog = "-"
access_log_format = '- %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
