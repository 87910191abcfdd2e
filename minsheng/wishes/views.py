"""Micro-wish pages: the public wish wall, posting a wish, the staff's verification queue, the
person's own wishes and claims, one wish with its actions and timeline, the evidence files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.disclosure import caching
from minsheng.engine import pages
from minsheng.engine.errors import WorkflowError
from minsheng.engine.forms import ActionForm
from minsheng.engine.pages import ActionView
from minsheng.lib.paging import CountedPaginator
from minsheng.lib.rowmarkup import RowMarkup, zh
from minsheng.people.models import User
from minsheng.wishes import excel, wall, workflow
from minsheng.wishes import permissions as perms
from minsheng.wishes.actions import WISHES
from minsheng.wishes.forms import WishForm
from minsheng.wishes.models import Evidence, Wish

WALL_PAGE_SIZE = 24
PAGE_SIZE = 50


# --- the public wall -------------------------------------------------------------------------


@require_GET
def wall_page(request: HttpRequest) -> HttpResponse:
    """心愿墙: no sign-in, public fields only (`wall.WALL_FIELDS`)."""
    criteria = wall.Criteria.from_query(request.GET)
    version = caching.data_version(request)
    paginator = CountedPaginator(
        wall.public_rows(criteria),
        WALL_PAGE_SIZE,
        count=lambda: wall.kept_count(criteria, version),
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = wall.labelled(list(page.object_list))
    per_area, per_claimant = wall.kept_totals(version)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "wishes/wall.html",
        {
            "page": page,
            "cards": wall.cards(rows, request.user.is_authenticated),
            "criteria": criteria,
            "areas": sorted(
                ((a["community_id"], a["community__name"]) for a in per_area),
                key=lambda a: a[1],
            ),
            "per_area": per_area[: wall.TOTALS_SHOWN],
            "per_claimant": per_claimant,
            "groups": Wish.Group.choices,
            "shows": [
                ("", _("All")),
                ("open", _("Open")),
                ("claimed", _("Claimed")),
                ("fulfilled", _("Fulfilled")),
            ],
            "query": query.urlencode(),
        },
    )


# --- posting, the queue, mine ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    communities = perms.postable_communities(user)
    if not communities:
        raise PermissionDenied(_("Only community workers and congress staff post wishes."))
    form = WishForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wish = workflow.post(
                by=user,
                community=data["community"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                group=data["group"],
                wisher_name=data["wisher_name"],
                wisher_phone=data["wisher_phone"],
                wisher_address=data["wisher_address"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The wish is posted; congress staff will verify it."))
            return redirect("wishes:detail", wish.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "wishes/new.html", {"form": form}, status=status)


# One row of the staff's queue and the claimant's lists (lib/rowmarkup.py): every value
# escaped; `claimant` and `wisher` are markup built here (`zh`, `format_html`) or empty.
LIST_ROW = RowMarkup(
    '<tr data-testid="wish-{pk}">'
    '<td class="title" data-label="{l_what}"><a href="{url}">{title}</a>'
    '<span class="sub">{community} · {category} · {posted}</span></td>'
    '<td data-label="{l_state}"><span class="state">{state}</span>{claimant}</td>'
    '<td data-label="{l_group}">{group}</td>'
    '<td data-label="{l_wisher}">{wisher}</td></tr>',
    data=("title", "community"),
)


def _listed(rows: Any, user: User) -> SafeString:
    """The rows of a list of wishes, with their private fields where the person may see them."""
    sees = perms.PrivateSight(user)
    base = reverse("wishes:wall")
    states, groups = dict(Wish.State.choices), dict(Wish.Group.choices)
    categories = dict(Wish.Category.choices)
    out = []
    for wish in rows.select_related("community"):
        posted = wish.posted_at
        wisher: object = "—"
        if sees(wish):
            phone = wish.wisher_phone
            wisher = format_html(
                "{}{}",
                zh(wish.wisher_name),
                format_html('<span class="sub">{}</span>', phone) if phone else "",
            )
        out.append(
            {
                "pk": wish.pk,
                "url": f"{base}{wish.pk}/",
                "title": wish.title,
                "community": wish.community.name,
                "category": categories.get(wish.category, wish.category),
                "posted": date_format(timezone.localtime(posted), "DATE_FORMAT") if posted else "",
                "state": states.get(wish.state, wish.state),
                "claimant": format_html('<span class="sub">{}</span>', zh(wish.claimant_name))
                if wish.claimant_name
                else "",
                "group": groups.get(wish.group, wish.group),
                "wisher": wisher,
            }
        )
    return LIST_ROW.render(
        out,
        l_what=_("What is needed"),
        l_state=_("State"),
        l_group=_("Group"),
        l_wisher=_("Wisher"),
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Staff: the posted wishes to verify, vulnerable groups first."""
    user: User = request.user  # type: ignore[assignment]
    staff_j = perms.staff_jurisdictions(user)
    if not staff_j and not user.is_superuser:
        raise PermissionDenied(_("Only congress staff verify wishes."))
    rows = Wish.objects.filter(state=Wish.State.POSTED)
    if not user.is_superuser:
        rows = rows.filter(jurisdiction_id__in=staff_j)
    page = Paginator(rows.in_default_order(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "wishes/queue.html",
        {"page": page, "rows": _listed(page.object_list, user)},
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My claims (to fulfil, fulfilled) and, for a community worker, the community's wishes."""
    user: User = request.user  # type: ignore[assignment]
    claims = Wish.objects.filter(claimed_by=user).order_by("state", "-claimed_at", "-pk")
    communities = perms.community_ids(user)
    posted = Wish.objects.filter(community_id__in=communities).in_default_order()
    page = Paginator(posted, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "wishes/mine.html",
        {
            "claims": _listed(claims[:PAGE_SIZE], user),
            "page": page,
            "posted": _listed(page.object_list, user) if communities else "",
            "is_community": bool(communities),
        },
    )


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Every wish this person may see, as a sheet; `state`, `group` and `community` narrow it.
    Private columns only on the rows whose private fields the person may see."""
    user: User = request.user  # type: ignore[assignment]
    rows = Wish.objects.visible_to(user)
    state, group = request.GET.get("state", ""), request.GET.get("group", "")
    community = request.GET.get("community", "")
    if state in Wish.State.values:
        rows = rows.filter(state=state)
    if group in Wish.Group.values:
        rows = rows.filter(group=group)
    if community.isdigit() and len(community) < 12:
        rows = rows.filter(community_id=int(community))
    return excel.export_response(rows.in_default_order(), user)


# --- one wish ----------------------------------------------------------------------------------


def _actions(wish: Wish, user: User, failed: ActionForm | None) -> list[ActionView]:
    return pages.action_views(WISHES, wish, user, "wishes:act", failed)


def _detail(
    request: HttpRequest,
    wish: Wish,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    private = perms.can_see_private(user, wish)
    events = list(wish.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = WISHES.timeline_label(event.action, event.data)
        if not private:
            # Notes may name the wisher or the address; the public sees what happened, not them.
            event.note = ""
    return render(
        request,
        "wishes/detail.html",
        {
            "wish": wish,
            "private": private,
            "evidence": list(wish.evidence.all()) if private else [],
            "events": events,
            "actions": _actions(wish, user, failed),
            "page_error": error,
        },
        status=status,
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, perms.get_wish_for_user(request.user, pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    wish = perms.get_wish_for_user(user, pk)
    done = pages.post_action(request, WISHES, wish, action, workflow.ACTIONS.get(action))
    if not done.ok:
        wish = perms.get_wish_for_user(user, pk)
        return _detail(request, wish, failed=done.form, error=done.error, status=done.status)
    return redirect("wishes:detail", wish.pk)


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    user: User = request.user  # type: ignore[assignment]
    found = Evidence.objects.select_related("wish").filter(pk=pk).first()
    if (
        found is None
        or not Wish.objects.visible_to(user).filter(pk=found.wish_id).exists()
        or not perms.can_see_private(user, found.wish)
    ):
        raise Http404("No such file.")
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
