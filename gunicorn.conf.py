"""gunicorn settings for production: `gunicorn wsgi:app` picks this file up.

No access log: request lines carry supporters' addresses (in /api/lookup's
query string), letters' secret tokens (in their URLs) and client IPs, none of
which we keep. Errors still go to the error log. See actiontool/privacy.py for
the same rule in the development server.
"""

bind = "127.0.0.1:8000"
workers = 2
accesslog = None
errorlog = "-"
