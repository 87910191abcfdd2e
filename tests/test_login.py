"""Signing in: by username or mobile, clear errors, lockout after repeated failures."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_with_username_lands_on_my_work(client, cast):
    response = post_login(client, "deputy", cast.password)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_sign_in_with_mobile_number(client, cast):
    cast.staff.mobile = "13811112222"
    cast.staff.save()
    response = post_login(client, "13811112222", cast.password)
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == cast.staff


def test_wrong_password_shows_a_clear_chinese_message(client, cast):
    response = post_login(client, "deputy", "wrong")
    assert response.status_code == 200
    assert "用户名、手机号或密码错误" in response.content.decode()


def test_disabled_account_cannot_sign_in(client, cast):
    cast.deputy.is_active = False
    cast.deputy.save()
    response = post_login(client, "deputy", cast.password)
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_repeated_failures_lock_the_account_from_that_address(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "deputy", "wrong")
    response = post_login(client, "deputy", cast.password)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_lockout_is_per_account(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "deputy", "wrong")
    assert post_login(client, "staff", cast.password).status_code == 302


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_out(client, cast):
    client.force_login(cast.deputy)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change_form_errors_are_shown(client, cast):
    client.force_login(cast.deputy)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_password_change_works(client, cast):
    client.force_login(cast.deputy)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": cast.password,
            "new_password1": "a-new-long-pass-9",
            "new_password2": "a-new-long-pass-9",
        },
    )
    assert response.status_code == 302
    cast.deputy.refresh_from_db()
    assert cast.deputy.check_password("a-new-long-pass-9")


def test_failures_under_the_username_lock_the_mobile_number_too(client, cast, settings):
    cast.deputy.mobile = "13811112222"
    cast.deputy.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "deputy", "wrong")
    response = post_login(client, "13811112222", cast.password)
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_failures_under_the_mobile_number_lock_the_username_too(client, cast, settings):
    cast.deputy.mobile = "13811112222"
    cast.deputy.save()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "13811112222", "wrong")
    post_login(client, " deputy ", "wrong")  # the fifth, typed with spaces around it
    response = post_login(client, "deputy", cast.password)
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_a_username_that_is_another_accounts_mobile_signs_in_to_its_own_account(client, cast):
    cast.staff.mobile = "13811112222"
    cast.staff.save()
    cast.deputy.username = "13811112222"
    cast.deputy.save()
    assert post_login(client, "13811112222", cast.password).status_code == 302
    assert client.get(reverse("home")).context["user"] == cast.deputy
