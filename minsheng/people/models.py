"""Who people are, which organisation they belong to, and which roles they hold.

A Jurisdiction (本级人大) is the root of everything: every organisation, term, deputy and role
belongs to exactly one. People see their own jurisdiction's work unless a role grants more.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

mobile_validator = RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mainland mobile number."))


class Jurisdiction(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent jurisdiction"),
    )

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> set[int]:
        """This jurisdiction and every one below it (a province with its cities and counties)."""
        found = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = list(
                Jurisdiction.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            found.update(frontier)
        return found

    def current_term(self) -> Term | None:
        return self.terms.filter(is_current=True).first()

    def current_session(self) -> Session | None:
        term = self.current_term()
        return term.sessions.order_by("-number").first() if term else None


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: User) -> UserQuerySet:
        from minsheng.people import permissions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(pk=user.pk) | Q(roles__jurisdiction_id__in=permissions.jurisdiction_ids(user))
        ).distinct()


class MinshengUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who signs in. Login by username or mobile number."""

    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[mobile_validator],
    )
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("home jurisdiction"),
    )
    # The language of this person's pages (once signed in) and of every message sent to them
    # (email, SMS, the group robots); empty: the site's language (Chinese). Set by the
    # language switch while signed in, and in the admin.
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    objects = MinshengUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def language_code(self) -> str:
        """The language to speak to this person in: their choice, else the site's."""
        known = {code for code, _label in settings.LANGUAGES}
        return self.language if self.language in known else settings.LANGUAGE_CODE

    @property
    def display_name(self) -> str:
        return self.real_name or self.get_full_name() or self.username

    def save(self, *args: object, **kwargs: object) -> None:
        # An empty mobile must be NULL so that the unique constraint allows many of them.
        if not self.mobile:
            self.mobile = None
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User) -> OrganisationQuerySet:
        from minsheng.people import permissions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(jurisdiction_id__in=permissions.jurisdiction_ids(user))

    def handling_units(self) -> OrganisationQuerySet:
        return self.filter(is_handling_unit=True, is_active=True)


class Organisation(models.Model):
    """A node of the organisation tree: congress bodies, government, handling units, communities."""

    class Kind(models.TextChoices):
        STANDING_COMMITTEE = "standing_committee", _("Standing committee")
        CONGRESS_OFFICE = "congress_office", _("Standing committee office or working body")
        SPECIAL_COMMITTEE = "special_committee", _("Special committee")
        DELEGATION = "delegation", _("Delegation")
        GOVERNMENT = "government", _("Government")
        DEPARTMENT = "department", _("Government department")
        COURT = "court", _("Court")
        PROCURATORATE = "procuratorate", _("Procuratorate")
        OTHER_UNIT = "other_unit", _("Other handling unit")
        COMMUNITY = "community", _("Community")

    HANDLING_KINDS = (
        Kind.GOVERNMENT,
        Kind.DEPARTMENT,
        Kind.COURT,
        Kind.PROCURATORATE,
        Kind.OTHER_UNIT,
    )

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="organisations", verbose_name=_("jurisdiction")
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    counterpart_committee = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="counterpart_units",
        limit_choices_to={"kind": Kind.SPECIAL_COMMITTEE},
        verbose_name=_("counterpart special committee"),
        help_text=_("The special committee that supervises this unit (对口督办)."),
    )
    is_handling_unit = models.BooleanField(_("handles suggestions"), default=False)
    duties = models.TextField(
        _("duties (职责)"),
        blank=True,
        default="",
        db_default="",  # rows written by code that predates the field stay valid
        help_text=_(
            "What the unit is responsible for, in key words or sentences (e.g. from its "
            "official list of duties). The routing recommender reads it, so a unit with no "
            "history yet can still be recommended."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["jurisdiction", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"], name="organisation_unique_name_per_jurisdiction"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TermQuerySet(models.QuerySet["Term"]):
    def visible_to(self, user: User) -> TermQuerySet:
        """Terms of the jurisdictions this person may see (reference data, like deputies)."""
        from minsheng.people import permissions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(jurisdiction_id__in=permissions.jurisdiction_ids(user))


class Term(models.Model):
    """A congress term (届), e.g. the 14th provincial people's congress."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="terms", verbose_name=_("jurisdiction")
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_current = models.BooleanField(_("current term"), default=False)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["jurisdiction", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "number"], name="term_unique_number"),
            models.UniqueConstraint(
                fields=["jurisdiction"],
                condition=Q(is_current=True),
                name="term_one_current_per_jurisdiction",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(models.QuerySet["Session"]):
    def visible_to(self, user: User) -> SessionQuerySet:
        from minsheng.people import permissions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(term__jurisdiction_id__in=permissions.jurisdiction_ids(user))


class Session(models.Model):
    """A session (次会议) of a term. Suggestions are numbered per session; those made after a
    session closes and before the next one opens are 'between sessions' (闭会期间)."""

    term = models.ForeignKey(Term, models.PROTECT, related_name="sessions", verbose_name=_("term"))
    number = models.PositiveSmallIntegerField(_("session number"))
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("opening date"))
    end_date = models.DateField(_("closing date"))

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["term", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_number"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_in_session(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day <= self.end_date


class DeputyQuerySet(models.QuerySet["Deputy"]):
    def visible_to(self, user: User) -> DeputyQuerySet:
        """Deputies' names and delegations are seen by everyone signed in to the same
        jurisdiction; contact details are a separate check (permissions.can_see_contact)."""
        from minsheng.people import permissions

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(jurisdiction_id__in=permissions.jurisdiction_ids(user))


class Deputy(models.Model):
    """A deputy's profile for one term. Contact details are never public."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="deputy_profiles", verbose_name=_("user")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="deputies", verbose_name=_("jurisdiction")
    )
    term = models.ForeignKey(Term, models.PROTECT, related_name="deputies", verbose_name=_("term"))
    delegation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="deputies",
        limit_choices_to={"kind": Organisation.Kind.DELEGATION},
        verbose_name=_("delegation"),
    )
    constituency = models.CharField(_("constituency"), max_length=100, blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_address = models.CharField(_("contact address"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("serving"), default=True)

    objects = DeputyQuerySet.as_manager()

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["term", "delegation", "user__real_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "term"], name="deputy_once_per_term"),
        ]

    def __str__(self) -> str:
        return self.user.display_name


class Role(models.Model):
    """A role a person holds, in a jurisdiction and (for unit and committee roles) an organisation.
    A person may hold several; a clerk acts only for the units named on their clerk roles."""

    class Kind(models.TextChoices):
        DEPUTY = "deputy", _("Deputy")
        STAFF = "staff", _("Congress staff")
        CLERK = "clerk", _("Unit clerk")
        HEAD = "head", _("Unit head")
        SUPERVISOR = "supervisor", _("Supervisor")
        COMMITTEE = "committee", _("Special committee member")
        ADMIN = "admin", _("Administrator")
        # Posts micro-wishes (微心愿) for the community named on the role.
        COMMUNITY = "community", _("Community worker")

    class Tier(models.IntegerChoices):
        """The '大督办' supervision tiers of DOMAIN.md §5."""

        PARTY_GOVERNMENT_LEADER = 1, _("Party secretary, governor or standing-committee member")
        CONGRESS_VICE_CHAIR = 2, _("Vice-chair of the congress standing committee")
        VICE_GOVERNOR = 3, _("Vice-governor leading the handling")
        SPECIAL_COMMITTEE = 4, _("Special committee over its counterpart departments")
        STANDING_COMMITTEE_MEMBER = 5, _("Standing-committee member")
        DEPUTY = 6, _("Deputy taking part")
        UNIT_INTERNAL = 7, _("The unit's own internal supervision")

    UNIT_KINDS = (Kind.CLERK, Kind.HEAD)

    user = models.ForeignKey(User, models.CASCADE, related_name="roles", verbose_name=_("user"))
    kind = models.CharField(_("role"), max_length=12, choices=Kind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="roles", verbose_name=_("jurisdiction")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("organisation"),
    )
    supervisor_tier = models.PositiveSmallIntegerField(
        _("supervision tier"), choices=Tier.choices, null=True, blank=True
    )
    include_descendants = models.BooleanField(
        _("also covers lower jurisdictions"),
        default=False,
        help_text=_("Grants the same view over the cities and counties below this jurisdiction."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "jurisdiction", "organisation"],
                condition=Q(organisation__isnull=False),
                name="role_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "jurisdiction"],
                condition=Q(organisation__isnull=True),
                name="role_unique_per_jurisdiction",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["clerk", "head", "committee", "community"])
                | Q(organisation__isnull=False),
                name="role_unit_roles_need_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(kind="supervisor") | Q(supervisor_tier__isnull=False),
                name="role_supervisor_needs_tier",
            ),
        ]

    def __str__(self) -> str:
        where = self.organisation or self.jurisdiction
        return f"{self.user} · {self.get_kind_display()} · {where}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def authenticate(self, raw: str) -> ApiToken | None:
        token = (
            self.select_related("user")
            .filter(key_hash=ApiToken.hash(raw), user__is_active=True)
            .first()
        )
        if token is not None:
            # At most one write a minute per token: a conditional UPDATE that matches nothing
            # while the stored time is recent, so busy readers do not each write a row.
            now = timezone.now()
            ApiToken.objects.filter(
                models.Q(last_used_at__isnull=True)
                | models.Q(last_used_at__lt=now - ApiToken.LAST_USED_GRANULARITY),
                pk=token.pk,
            ).update(last_used_at=now)
        return token


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token is shown once, when created."""

    PREFIX = "ms_"
    LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)

    user = models.ForeignKey(
        User, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("ends with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.hash(raw), hint=raw[-6:])
        return token, raw
