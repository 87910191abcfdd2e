"""The main navigation (people/nav.py): who sees which app link, written by `{% main_nav %}`."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from minsheng.people import nav
from minsheng.people.permissions import role_kinds

pytestmark = pytest.mark.django_db


def links(client: Client, path: str = "/") -> list[str]:
    page = client.get(path).content.decode()
    menu = page[page.index('id="main-nav"') : page.index("</nav>")]
    return re.findall(r'<li><a href="([^"]+)"', menu)


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_each_role_sees_its_links(cast):  # type: ignore[no-untyped-def]
    deputy = links(signed_in(cast.deputy))
    assert reverse("suggestions:mine") in deputy and reverse("suggestions:new") in deputy
    assert reverse("ledger:items") in deputy and reverse("evaluation:my_opinions") in deputy
    assert reverse("suggestions:workbench") not in deputy
    assert reverse("suggestions:inbox") not in deputy

    clerk = links(signed_in(cast.clerk_a))
    assert reverse("suggestions:inbox") in clerk and reverse("evaluation:mine") in clerk
    assert reverse("suggestions:import") not in clerk and reverse("suggestions:new") not in clerk

    staff = links(signed_in(cast.staff))
    for name in ("suggestions:workbench", "suggestions:import", "disclosure:queue"):
        assert reverse(name) in staff
    # Whoever sees the ranking has no separate "our evaluation" link.
    assert reverse("evaluation:mine") not in staff
    assert reverse("suggestions:mine") not in staff

    supervisor = links(signed_in(cast.supervisor))
    assert reverse("reports:dashboard") in supervisor
    assert reverse("suggestions:import") not in supervisor


def test_everyone_signed_in_has_the_wish_wall_in_menu_order(cast):  # type: ignore[no-untyped-def]
    for user in (cast.deputy, cast.clerk_a, cast.outsider):
        assert reverse("wishes:wall") in links(signed_in(user))
    shown = links(signed_in(cast.staff))
    # The declaration's order: the app links sit between "My work"/"Messages" and "Account".
    wanted = [url for url, _label in nav.links_for(role_kinds(cast.staff))]
    assert shown[2 : 2 + len(wanted)] == wanted


def test_the_current_page_is_marked(cast):  # type: ignore[no-untyped-def]
    page = signed_in(cast.staff).get(reverse("ledger:items")).content.decode()
    assert f'<a href="{reverse("ledger:items")}" aria-current="page">' in page
    assert page.count('aria-current="page"') == 1


def test_labels_follow_the_language():
    with translation.override("en"):
        assert ("/ledger/", "Ledgers") in nav.links_for({"staff"})
    with translation.override("zh-hans"):
        assert ("/ledger/", "台账") in nav.links_for({"staff"})


def test_a_link_whose_page_is_not_mounted_is_left_out():
    missing = nav.Link("nowhere:page", "Nowhere")
    assert nav.links_for({"staff"}, [missing, nav.LINKS[0]]) == []
    assert nav.links_for({"deputy"}, [missing, nav.LINKS[0]]) == [
        (reverse("suggestions:mine"), str(nav.LINKS[0].label))
    ]


def test_markup_escapes_labels():
    link = nav.Link("ledger:items", '<b>"x"</b>')
    out = str(nav.markup({"staff"}, "/ledger/", [link]))
    assert out == (
        '<li><a href="/ledger/" aria-current="page">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</a></li>'
    )


def test_signed_out_visitors_have_no_menu(client):  # type: ignore[no-untyped-def]
    page = client.get(reverse("login")).content.decode()
    assert 'id="main-nav"' not in page
