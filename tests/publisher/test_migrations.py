from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from publisher.migrate import is_current, upgrade
from publisher.models import Base


def test_migrations_bring_an_empty_database_to_head(db_engine):
    # db_engine was migrated by the fixture; migrating again must be a no-op.
    upgrade(db_engine)
    assert is_current(db_engine)
    tables = set(inspect(db_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_and_migrations_agree(db_engine):
    with db_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_every_migration_downgrades_and_upgrades_again(db_engine):
    from alembic import command

    from publisher.migrate import alembic_config

    config = alembic_config(db_engine.url.render_as_string(hide_password=False))
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(db_engine).get_table_names()) <= {"alembic_version"}
    upgrade(db_engine)
    assert is_current(db_engine)
    assert set(Base.metadata.tables) <= set(inspect(db_engine).get_table_names())
