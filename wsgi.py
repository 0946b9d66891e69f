"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from actiontool import create_app

app = create_app()
