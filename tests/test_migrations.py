"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

import flask_migrate
import pytest
from sqlalchemy import Column, Integer, Table

from actiontool.config import MIGRATIONS
from actiontool.models import db


def test_the_migrated_database_matches_the_models(app):
    # Alembic's autogenerate compares the migrated test database with the models;
    # Flask-Migrate exits with an error when a model change has no migration.
    with app.app_context():
        flask_migrate.check(directory=str(MIGRATIONS))


def test_a_model_change_without_its_migration_is_caught(app):
    extra = Table("not_migrated", db.metadata, Column("id", Integer, primary_key=True))
    try:
        with app.app_context(), pytest.raises(SystemExit):
            flask_migrate.check(directory=str(MIGRATIONS))
    finally:
        db.metadata.remove(extra)
