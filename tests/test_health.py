"""GET /healthz checks the database."""

from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_database_down_is_503(client):
    with mock.patch("minsheng.people.views.connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
