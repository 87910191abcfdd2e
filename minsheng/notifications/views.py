"""The inbox: a person's own notifications (nobody sees another's), read and unread."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.notifications import preferences
from minsheng.notifications.context_processors import forget
from minsheng.notifications.forms import PreferenceForm
from minsheng.notifications.kinds import render as render_kind
from minsheng.notifications.models import Notification

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.for_user(request.user).only(
        "pk", "kind", "title", "body", "params", "link", "created_at", "read_at"
    )
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.unread()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for n in page.object_list:
        title, body = render_kind(n.kind, n.params, (n.title, n.body))
        items.append({"n": n, "title": title, "body": body})
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "items": items, "only_unread": only_unread},
    )


def _safe_next(request: HttpRequest, target: str) -> str | None:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Scoped to the caller: another person's notification is simply not found.
    n = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if n.read_at is None:
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=timezone.now())
        forget(request)
    if request.POST.get("open") and _safe_next(request, n.link):
        return redirect(n.link)
    return redirect(_safe_next(request, request.POST.get("next", "")) or "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    forget(request)
    messages.success(request, _("%(count)s messages marked as read.") % {"count": count})
    return redirect("notifications:inbox")


@login_required
def preference_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            preferences.save(request.user, form.choices())
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
        status = 422
    else:
        form = PreferenceForm(initial=PreferenceForm.initial_for(preferences.current(request.user)))
        status = 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
