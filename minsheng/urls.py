from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from minsheng.api.main import api
from minsheng.people import views as people_views
from minsheng.people.forms import LoginForm

urlpatterns = [
    path("", people_views.home, name="home"),
    path("healthz", people_views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(success_url="/account/password/done/"),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/", people_views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", people_views.revoke_token, name="revoke_token"),
    path("i18n/setlang/", people_views.set_language, name="set_language"),
    path("suggestions/", include("minsheng.suggestions.urls")),
    path("supervision/", include("minsheng.supervision.urls")),
    # B commitments (文字答复 → 解决问题): before the ledger's own pages under ledger/.
    path("ledger/commitments/", include("minsheng.ledger.urls_commitments")),
    path("ledger/", include("minsheng.ledger.urls")),
    path("notifications/", include("minsheng.notifications.urls")),
    path("wishes/", include("minsheng.wishes.urls")),
    path("evaluation/", include("minsheng.evaluation.urls")),
    # 公开: the public site (no sign-in) and the staff's publication queue and review.
    path("gongkai/", include("minsheng.disclosure.urls")),
    path("reports/", include("minsheng.reports.urls")),
    path("insight/", include("minsheng.insight.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
