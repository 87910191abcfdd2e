"""The home-page panels of the office and the units: counts and what is due first."""

import datetime

import pytest
from django.urls import reverse

from tests import states

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_staff_panel_counts_and_links_to_the_lists(client, cast):
    states.submitted(cast, title="甲")
    states.submitted(cast, title="乙")
    states.registered(cast, title="丙")
    html = home(client, cast.staff)
    assert 'data-testid="staff-counts"' in html
    assert f"{reverse('suggestions:workbench')}?state=submitted" in html
    assert reverse("suggestions:assign_meeting") in html
    counts = html.split('data-testid="staff-counts"', 1)[1].split("</dl>", 1)[0]
    assert "<strong>2</strong>" in counts and "<strong>1</strong>" in counts


def test_unit_panel_lists_its_own_work_due_first(client, cast):
    with states.frozen(datetime.date(2026, 3, 2)):
        states.assigned(cast, title="交通厅的建议")
    states.assigned(cast, title="联合的建议", joint=True)
    html = home(client, cast.clerk_b)
    assert 'data-testid="unit-counts"' in html
    assert "联合的建议" in html
    assert "交通厅的建议" not in html
    assert reverse("suggestions:inbox") in html
    html = home(client, cast.clerk_a)
    assert html.index("交通厅的建议") < html.index("联合的建议")
