"""Browser tests: Debian's chromium (through Playwright) against the real gunicorn server.

The server runs in a subprocess with its own throw-away SQLite database and var dir, filled by
`manage.py demo --size small`. Nothing here uses pytest-django's test database or touches
Django's settings in the pytest process.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "minsheng-demo"
DESKTOP = {"width": 1280, "height": 800}
SERVER_START_TIMEOUT = 60  # seconds
COMMAND_TIMEOUT = 180  # seconds, per manage.py command


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "viewport(width, height, is_mobile=False): viewport of the `page` fixture's context",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every test under e2e/ is a browser test.
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _plain_static_storage() -> None:
    """Override the root conftest's fixture: e2e tests must not touch Django's settings (nor
    pull in pytest-django's `settings` fixture); the server collects static files itself."""


# --- The server -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium to run the e2e tests")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Settings the outer environment may carry (e.g. a PostgreSQL DATABASE_URL for the unit
    # tests) must not leak into the browser tests' server.
    for name in (
        "SECRET_KEY",
        "MEDIA_ROOT",
        "INSIGHT_MODEL_DIR",
        "MINSHENG_PLAIN_STATIC",
        "SECURE_SSL_REDIRECT",
        "BEHIND_PROXY",
        "CSRF_TRUSTED_ORIGINS",
    ):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "minsheng.settings",
            "MINSHENG_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'minsheng.sqlite3'}",
            "HTTPS": "false",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "AXES_ENABLED": "true",
            # The walks load the public list many times from one address (the limits have
            # their own tests, tests/test_public_caching.py).
            "RATELIMIT_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, str(REPO_ROOT / "manage.py"), *args]
    result = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`manage.py {' '.join(args)}` failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200 and b'"ok"' in response.read()
    except (urllib.error.URLError, OSError):
        return False


def _start_server(env: dict[str, str], var_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start gunicorn on a free port and wait for /healthz; fail with its log otherwise."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "gunicorn.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "minsheng.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
    ]
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not _healthy(url):
        if server.poll() is not None or time.monotonic() > deadline:
            why = (
                f"exited with {server.returncode}"
                if server.poll() is not None
                else f"did not answer /healthz within {SERVER_START_TIMEOUT} s"
            )
            _stop(server)
            pytest.fail(f"gunicorn {why}; its log:\n{log_path.read_text()}", pytrace=False)
        time.sleep(0.2)
    return server, url


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.fixture(scope="session")
def live_url(chromium_path: Path) -> Iterator[str]:
    """Base URL (no trailing slash) of a real gunicorn server over a fresh demo database."""
    var_dir = Path(tempfile.mkdtemp(prefix="minsheng-e2e-"))
    try:
        env = _server_env(var_dir)
        _manage(env, "migrate", "--noinput")
        _manage(env, "demo", "--size", "small")
        # The routing recommender learns from the demo's assignments (as `make run` does).
        _manage(env, "insight", "train", "--quiet")
        _manage(env, "collectstatic", "--noinput", "-v0")
        server, url = _start_server(env, var_dir)
        try:
            yield url
        finally:
            _stop(server)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


# --- The browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh browser context (no cookies), 1280x800 unless the test is marked
    `@pytest.mark.viewport(width, height, is_mobile=...)`. The browser asks for Chinese, as
    the people using Minsheng do."""
    marker = request.node.get_closest_marker("viewport")
    # An English browser still gets Chinese first: the language follows the switch only.
    options: dict[str, Any] = {"viewport": dict(DESKTOP), "locale": "en-US"}
    if marker is not None:
        width, height = (
            marker.args if marker.args else (marker.kwargs["width"], marker.kwargs["height"])
        )
        mobile = bool(marker.kwargs.get("is_mobile", False))
        options.update(
            viewport={"width": width, "height": height},
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
        )
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        context.close()


# --- Helpers ----------------------------------------------------------------------------------


def submit_login(page: Any, live_url: str, username: str, password: str) -> None:
    """Fill in and submit the login form; wait for the answer to load."""
    page.goto(f"{live_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def login(page: Any, live_url: str, username: str) -> None:
    """Sign in as a demo user through the login form and wait for the home page."""
    submit_login(page, live_url, username, DEMO_PASSWORD)
    page.wait_for_url(f"{live_url}/")


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (name if name.endswith(".png") else f"{name}.png")
    page.screenshot(path=str(path), full_page=True)
    return path
