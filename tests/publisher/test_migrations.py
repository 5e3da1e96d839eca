from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from publisher.db import make_engine
from publisher.migrate import VERSIONS, alembic_config, head_revision, is_current, upgrade
from publisher.models import Base


def test_migrations_bring_an_empty_database_to_head(db_engine):
    # db_engine was migrated by the fixture; migrating again must be a no-op.
    upgrade(db_engine)
    assert is_current(db_engine)
    tables = set(inspect(db_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_the_migrations_are_one_numbered_line_so_the_highest_number_is_alembics_head(db_engine):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_heads() == [head_revision()]
    files = sorted(path.name.split("_", 1)[0] for path in VERSIONS.glob("[0-9]*_*.py"))
    assert [revision.revision for revision in reversed(list(script.walk_revisions()))] == files


def test_a_database_behind_the_newest_migration_is_not_current(db_engine, tmp_path):
    with db_engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    try:
        assert not is_current(db_engine)
    finally:  # on PostgreSQL the tests share one migrated database
        with db_engine.begin() as connection:
            connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head_revision()}'")
    assert is_current(db_engine)
    never_migrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert not is_current(never_migrated)
    never_migrated.dispose()


def test_models_and_migrations_agree(db_engine):
    with db_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_every_migration_downgrades_and_upgrades_again(db_engine):
    from alembic import command

    config = alembic_config(db_engine.url.render_as_string(hide_password=False))
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(db_engine).get_table_names()) <= {"alembic_version"}
    upgrade(db_engine)
    assert is_current(db_engine)
    assert set(Base.metadata.tables) <= set(inspect(db_engine).get_table_names())
