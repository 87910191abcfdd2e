from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from minsheng.people import permissions
from minsheng.people.forms import ApiTokenForm
from minsheng.people.home import panels_for
from minsheng.people.models import ApiToken, User


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = permissions.active_roles(request.user)
    return render(
        request,
        "people/home.html",
        {"panels": panels_for(request), "roles": roles},
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    new_token = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_token = ApiToken.issue(request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
        messages.success(request, _("API token created. Copy it now: it will not be shown again."))
        form = ApiTokenForm()
    return render(
        request,
        "people/account.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(user_id=request.user.pk or 0),
            "roles": permissions.active_roles(request.user),
        },
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    # Scoped to the caller: another person's token id is simply not found.
    token = get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk)
    token.delete()
    messages.success(request, _("API token revoked."))
    return redirect("account")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (the cookie), which also keeps a signed-in person's choice on
    their account: their pages and every message sent to them follow it."""
    from django.views.i18n import set_language as switch

    response = switch(request)
    code = request.POST.get("language", "")
    user = request.user
    if getattr(user, "is_authenticated", False) and code in dict(settings.LANGUAGES):
        User.objects.filter(pk=user.pk).update(language=code)
    return response
