import pytest

from app import create_app
from app.config import Config, database_uri


def test_refuses_to_start_without_a_secret_key_when_debug_is_off(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DEBUG", "0")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_settings_come_from_the_environment(tmp_path):
    config = Config(
        str(tmp_path), environ={"DEBUG": "1", "DATABASE_URL": "postgresql://u:p@db:5432/posts"}
    )
    assert config.DEBUG is True
    assert config.SECRET_KEY  # a development key, with DEBUG on only
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u:p@db:5432/posts"
    assert Config(str(tmp_path), environ={}).DEBUG is False


def test_the_default_database_is_an_sqlite_file_in_the_instance_folder(tmp_path):
    assert database_uri(None, str(tmp_path)) == f"sqlite:///{tmp_path}/posts.sqlite3"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    from app.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 20000


@pytest.mark.parametrize(("method", "locked"), [("POST", True), ("GET", False)])
def test_sqlite_requests_that_write_take_the_write_lock_when_they_begin(
    app, database, method, locked
):
    import sqlite3

    from app.extensions import db

    other = sqlite3.connect(database, timeout=0, isolation_level=None)
    with app.test_request_context("/", method=method):
        db.session.execute(db.select(1))  # a read: the transaction has begun
        if locked:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        else:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        db.session.rollback()
    other.close()
