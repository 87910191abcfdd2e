"""Shared pytest set-up for tests/ and e2e/."""

import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):  # type: ignore[no-untyped-def]
    # Pages render {% static %} without a collectstatic manifest in unit tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
