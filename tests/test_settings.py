"""Settings come from environment variables with defaults that run out of the box."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

from minsheng import settings as s

ROOT = Path(__file__).resolve().parent.parent


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert s.env_bool("X_BOOL") is True
    assert s.env_bool("X_MISSING", True) is True
    assert s.env_int("X_INT", 1) == 42
    assert s.env_list("X_LIST") == ["a", "b", "c"]


def load_settings(tmp_path, **env):
    """Import the settings module in a clean interpreter with the given environment."""
    script = (
        "import json, minsheng.settings as s;"
        "print(json.dumps({'debug': s.DEBUG, 'https': s.HTTPS, 'secure': s.SESSION_COOKIE_SECURE,"
        " 'engine': s.DATABASES['default']['ENGINE'], 'key': s.SECRET_KEY,"
        " 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'hasher': s.PASSWORD_HASHERS[0],"
        " 'db_options': s.DATABASES['default'].get('OPTIONS', {}).get('options', '')}))"
    )
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG", "HTTPS", "PG_JIT")
    }
    full_env.update({"MINSHENG_VAR_DIR": str(tmp_path), **env})
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=full_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    import json

    return json.loads(out)


def test_defaults_sqlite_secure_and_chinese(tmp_path):
    conf = load_settings(tmp_path)
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["debug"] is False
    assert conf["secure"] is True  # DEBUG off: secure cookies
    assert conf["lang"] == "zh-hans" and conf["tz"] == "Asia/Shanghai"
    assert "Argon2" in conf["hasher"]


def test_secret_key_is_generated_once_into_var(tmp_path):
    first = load_settings(tmp_path)["key"]
    assert (tmp_path / "secret_key").read_text() == first
    assert load_settings(tmp_path)["key"] == first
    assert load_settings(tmp_path, SECRET_KEY="given")["key"] == "given"


def test_postgres_through_database_url(tmp_path):
    conf = load_settings(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert conf["engine"] == "django.db.backends.postgresql"
    assert conf["db_options"] == "-c jit=off"  # short queries: no JIT compilation
    conf = load_settings(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x", PG_JIT="true")
    assert conf["db_options"] == ""


def test_local_plain_http_switch(tmp_path):
    conf = load_settings(tmp_path, HTTPS="false")
    assert conf["secure"] is False


def test_every_variable_is_listed_in_env_example():
    source = (ROOT / "minsheng" / "settings.py").read_text()
    import re

    used = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
    used |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', source))
    listed = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line
    }
    assert used - listed == set()


def test_settings_module_reloads(monkeypatch):
    # The module is importable on its own (no side effects beyond var/).
    importlib.reload(s)


def test_the_wsgi_worker_keeps_the_loaded_app_out_of_the_collector(tmp_path):
    script = "import gc, minsheng.wsgi; print(gc.get_freeze_count())"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MINSHENG_VAR_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(out) > 10_000
