"""Pages of the practical-matter vote: the rounds, one round (candidates and their vetting,
the shortlist, the deputy's ballot, the results after close, the adopted projects and their
year-end satisfaction), opening a round, and the round's declared actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.engine import pages
from minsheng.engine.errors import Invalid, WorkflowError
from minsheng.engine.forms import ActionForm
from minsheng.engine.pages import ActionView
from minsheng.ledger import permissions_vote as perms
from minsheng.ledger import workflow_vote as vote
from minsheng.ledger.actions_vote import ROUNDS
from minsheng.ledger.models_vote import Candidate, Choice, Satisfaction, VoteRound
from minsheng.people.models import Jurisdiction, User


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


@login_required
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = list(
        perms.rounds_visible_to(user)
        .select_related("jurisdiction")
        .annotate(n_candidates=Count("candidates"))
        .order_by("-year", "-pk")
    )
    return render(
        request,
        "ledger/vote/rounds.html",
        {"rounds": rows, "can_open": bool(perms.staff_jurisdictions(user))},
    )


class RoundForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.none(), label=gettext_lazy("Congress")
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    winners = forms.IntegerField(
        label=gettext_lazy("Projects to adopt"), min_value=1, max_value=100, initial=10
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["jurisdiction"]
        field.queryset = Jurisdiction.objects.filter(pk__in=perms.staff_jurisdictions(user))
        if field.queryset.count() == 1:
            field.initial = field.queryset.first()
        self.fields["year"].initial = timezone.localdate().year + 1


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not perms.staff_jurisdictions(user):
        raise PermissionDenied(_("Only congress staff open a vote."))
    form = RoundForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = vote.create_round(
                by=user,
                jurisdiction_id=data["jurisdiction"].pk,
                year=data["year"],
                title=data["title"],
                winners=data["winners"],
                description=data["description"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            return redirect("ledger:vote_round", row.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/vote/new.html", {"form": form}, status=status)


def _actions(r: VoteRound, user: User, failed: ActionForm | None) -> list[ActionView]:
    return pages.action_views(ROUNDS, r, user, "ledger:vote_act", failed)


def _bars(candidates: list[Candidate]) -> None:
    """Each result's share of the votes cast on it, for the <progress> bars."""
    for c in candidates:
        total = (c.votes_for or 0) + (c.votes_against or 0) + (c.votes_abstain or 0)
        c.total = total  # type: ignore[attr-defined]
        c.share_for = round(100 * (c.votes_for or 0) / total) if total else 0  # type: ignore[attr-defined]


def _round_page(
    request: HttpRequest,
    r: VoteRound,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    candidates = list(r.candidates.select_related("unit", "ledger_item").order_by("pk"))
    shortlist = [c for c in candidates if c.vetting == Candidate.Vetting.SHORTLISTED]
    caps = perms.capacities(user, r)
    voter = perms.VOTER in caps
    mine = vote.ballot_of(r, user) if voter else {}
    for c in shortlist:
        c.mine = mine.get(c.pk, "")  # type: ignore[attr-defined]
    results: list[Candidate] = []
    if r.results_out:
        results = sorted(shortlist, key=vote.rank_key)
        _bars(results)
    adopted = [c for c in results if c.ledger_item_id]
    ratings: dict[int, str] = {}
    if adopted:
        figures = vote.satisfaction([c.ledger_item for c in adopted])  # type: ignore[misc]
        deputy = perms.deputy_of(user, r.jurisdiction_id)
        if deputy is not None:
            ratings = dict(
                Satisfaction.objects.filter(
                    deputy=deputy, item__in=[c.ledger_item_id for c in adopted]
                ).values_list("item_id", "rating")
            )
        for c in adopted:
            c.figures = figures[c.ledger_item_id]  # type: ignore[attr-defined, index]
            c.my_rating = ratings.get(c.ledger_item_id, "")  # type: ignore[attr-defined, arg-type]
    voters = r.ballots.values("deputy").distinct().count() if r.results_out else None
    return render(
        request,
        "ledger/vote/round.html",
        {
            "round": r,
            "candidates": candidates,
            "shortlist": shortlist,
            "voter": voter,
            "staff": perms.STAFF in caps,
            "can_vote": voter and r.state == VoteRound.State.VOTING,
            "voted": bool(mine),
            "choices": Choice.choices,
            "results": results,
            "voters": voters,
            "adopted": adopted,
            "can_rate": voter and r.state == VoteRound.State.ADOPTED and bool(adopted),
            "ratings": Satisfaction.Rating.choices,
            "actions": _actions(r, user, failed),
            "page_error": error,
        },
        status=status,
    )


@login_required
@require_GET
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, perms.get_round_for_user(request.user, pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    r = perms.get_round_for_user(user, pk)
    done = pages.post_action(request, ROUNDS, r, action, vote.ACTIONS.get(action))
    if not done.ok:
        r = perms.get_round_for_user(user, pk)
        return _round_page(request, r, failed=done.form, error=done.error, status=done.status)
    return redirect("ledger:vote_round", r.pk)


def _picked(post: Any, prefix: str) -> dict[str, str]:
    return {
        key[len(prefix) :]: value
        for key, value in post.items()
        if key.startswith(prefix) and value and len(key) < 40
    }


@login_required
@require_POST
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    r = perms.get_round_for_user(user, pk)
    try:
        vote.cast(r, by=user, choices=_picked(request.POST, "c-"))
    except WorkflowError as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        return _round_page(request, r, error=error.message, status=error.status)
    messages.success(request, _("Your ballot is saved. You may change it until the voting closes."))
    return redirect(reverse("ledger:vote_round", args=[r.pk]) + "#ballot")


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    r = perms.get_round_for_user(user, pk)
    if perms.deputy_of(user, r.jurisdiction_id) is None:
        raise PermissionDenied(_("Only the deputies of this congress rate the projects."))
    items = {
        str(c.ledger_item_id): c.ledger_item
        for c in r.candidates.filter(ledger_item__isnull=False).select_related("ledger_item")
    }
    picked = _picked(request.POST, "r-")
    try:
        if not picked:
            raise Invalid(_("Rate at least one project."))
        for key, rating in picked.items():
            item = items.get(key)
            if item is None:
                raise Invalid(_("That project was not adopted by this vote."))
            vote.rate(item, by=user, rating=rating)
    except WorkflowError as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        return _round_page(request, r, error=error.message, status=error.status)
    messages.success(request, _("Thank you: your ratings are saved."))
    return redirect(reverse("ledger:vote_round", args=[r.pk]) + "#satisfaction")
