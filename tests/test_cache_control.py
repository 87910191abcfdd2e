"""`Cache-Control: private, no-store` on everything personal: pages of a signed-in person,
exports, letters, attachments and every API answer; not on static files."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.people.models import ApiToken
from minsheng.suggestions import attachments
from tests import states
from tests.test_letters import sent_reply

pytestmark = pytest.mark.django_db


def assert_private(response):
    assert response.status_code == 200, response.status_code
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_pages_of_a_signed_in_person(client, cast):
    s = states.handling(cast)
    client.force_login(cast.staff)
    for url in (
        reverse("home"),
        reverse("suggestions:detail", args=[s.pk]),
        reverse("suggestions:workbench"),
        reverse("account"),
    ):
        assert_private(client.get(url))


def test_the_excel_export(client, cast):
    states.handling(cast)
    client.force_login(cast.staff)
    assert_private(client.get(reverse("suggestions:export")))


def test_the_word_letter(client, cast):
    reply = sent_reply(cast)
    client.force_login(cast.deputy)
    assert_private(
        client.get(reverse("suggestions:reply_letter", args=[reply.suggestion_id, reply.pk]))
    )


def test_an_attachment(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    s = states.handling(cast)
    pdf = SimpleUploadedFile("报告.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    attachment = attachments.store(s, [(pdf, attachments.PDF)], by=cast.deputy)[0]
    client.force_login(cast.deputy)
    response = client.get(reverse("suggestions:attachment", args=[s.pk, attachment.pk]))
    assert_private(response)


def test_every_api_answer(client, cast):
    _token, raw = ApiToken.issue(cast.staff, "test")
    assert_private(client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}"))
    refused = client.get("/api/v1/me")
    assert refused.status_code == 401
    assert "no-store" in refused["Cache-Control"]


def test_static_files_are_answered_before_the_private_cache_rule():
    # WhiteNoise answers /static/ itself, so static files keep their long-lived caching.
    middleware = settings.MIDDLEWARE
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") < middleware.index(
        "minsheng.people.middleware.PrivateCacheMiddleware"
    )
