"""`minsheng demo --size small` ends with B commitments from the demo's B replies: reported on,
some solved by a second reply, one answered "cannot be solved now", one reopened; a second run
adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from minsheng.ledger import commitments
from minsheng.ledger.models import FollowUpReply, LedgerItem, ProgressUpdate
from minsheng.suggestions.models import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def small_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--size", "small", "--seed", "5", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_every_demo_b_reply_has_its_commitment():
    sent_b = Reply.objects.filter(category="B", state="sent")
    assert sent_b.exists()
    assert LedgerItem.objects.filter(commitments.commitments_q()).count() == sent_b.count()


def test_commitments_are_reported_on_and_some_solved():
    items = LedgerItem.objects.filter(commitments.commitments_q())
    assert ProgressUpdate.objects.filter(item__in=items).exists()
    assert FollowUpReply.objects.filter(state="sent", category="A").exists()
    _rows, total = commitments.resolution_rates(items, by=())
    assert 0 < total.solved < total.promised
    assert items.filter(events__action="reopen").exists()


def test_a_second_run_adds_nothing():
    before = (ProgressUpdate.objects.count(), FollowUpReply.objects.count())
    call_command("demo", "--size", "small", "--seed", "5", stdout=io.StringIO())
    assert (ProgressUpdate.objects.count(), FollowUpReply.objects.count()) == before
