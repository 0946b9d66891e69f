"""The `actiontool` command (also `python -m actiontool`): the app's operator commands and Flask's own."""

import click
from flask.cli import FlaskGroup

from actiontool import create_app
from actiontool.config import ConfigurationError


def _create_app():
    try:
        return create_app()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app)
def main():
    """Manage the actiontool letter tool."""


if __name__ == "__main__":
    main()
