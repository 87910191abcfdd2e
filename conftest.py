"""Shared pytest set-up for tests/ and e2e/."""

import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):  # type: ignore[no-untyped-def]
    # Pages render {% static %} without a collectstatic manifest in unit tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    # Every test's database starts from the same event-log head and the same ids: what is
    # cached under them (the public site's filter options, the similar-suggestion indexes
    # held in memory) belongs to the test that cached it.
    from django.core.cache import cache

    from minsheng.insight import similar_adapter

    cache.clear()
    similar_adapter.forget()


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):  # type: ignore[no-untyped-def]
    # The crawls (the leak test, the access matrix, the browser walks) make hundreds of public
    # requests from one address; tests/test_public_limits.py switches the limits back on.
    settings.RATELIMIT_ENABLE = False
