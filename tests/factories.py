import datetime

import factory

from accounts.constants import Role
from accounts.models import User
from buddies.constants import BuddyStatus
from buddies.models import Buddy
from governance.constants import (
    DEFAULT_MANDATORY_MODULES,
    Leadership,
    PrisonCategory,
    SchemeFormality,
)
from governance.models import LocalAuthority, Prison, Scheme, TrainingRecord
from outcomes.models import Instrument, SurveyWave
from recipients.models import Assignment, CarePlan, Recipient
from tests.two_factor import authenticator_for

TEST_PASSWORD = "correct-horse-battery-staple"


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Council {n}")


class PrisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prison
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: "P" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    name = factory.LazyAttribute(lambda o: f"HMP {o.code.title()}")
    category = PrisonCategory.C
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    scheme = factory.RelatedFactory("tests.factories.SchemeFactory", factory_related_name="prison")


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme
        skip_postgeneration_save = True

    prison = factory.SubFactory(PrisonFactory, scheme=None)
    name = "Buddies"
    formality = SchemeFormality.FORMAL
    leadership = Leadership.PRISON

    @factory.post_generation
    def mandatory_modules(self, create, extracted, **kwargs):
        """The data standard's default set, unless a list of codes is given."""
        if create:
            self.mandatory_modules.set(
                DEFAULT_MANDATORY_MODULES if extracted is None else extracted
            )


def train(buddy, *, on=datetime.date(2026, 1, 7), modules=None, expires_on=None):
    """Record each mandatory module (by default) as completed by a buddy on a date."""
    for code in modules or DEFAULT_MANDATORY_MODULES:
        TrainingRecord.objects.create(
            prison=buddy.prison,
            buddy=buddy,
            module_id=code,
            provider="local_authority",
            completed_on=on,
            expires_on=expires_on,
        )
    return buddy


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = Role.SOCIAL_CARE_LEAD
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def prisons(self, create, extracted, **kwargs):
        if create and extracted:
            self.prisons.set(extracted)

    @factory.post_generation
    def authenticator(self, create, extracted, **kwargs):
        """Every user has set up an authenticator app (tests/two_factor.py), unless made with
        `authenticator=False`, as on the day their account is created."""
        if create and extracted is not False:
            authenticator_for(self)


class BuddyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buddy

    prison = factory.SubFactory(PrisonFactory)
    prison_number = factory.Sequence(lambda n: f"A{n % 10000:04d}BC")
    given_name = "Sam"
    family_name = factory.Sequence(lambda n: f"Buddy{n}")
    status = BuddyStatus.APPLICANT
    applied_on = datetime.date(2026, 1, 5)


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    prison = factory.SubFactory(PrisonFactory)
    prison_number = factory.Sequence(lambda n: f"R{n % 10000:04d}PS")
    given_name = "Pat"
    family_name = factory.Sequence(lambda n: f"Person{n}")
    support_started_on = datetime.date(2026, 1, 12)


class CarePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarePlan

    recipient = factory.SubFactory(RecipientFactory)
    version = 1
    starts_on = datetime.date(2026, 1, 12)
    review_due_on = datetime.date(2026, 7, 12)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    buddy = factory.SubFactory(BuddyFactory)
    recipient = factory.SubFactory(RecipientFactory)
    started_on = datetime.date(2026, 1, 12)
    no_personal_relationship_confirmed = True


class SurveyWaveFactory(factory.django.DjangoModelFactory):
    """A wave asking the two shipped PeerCare questionnaires (version 1), unless told otherwise."""

    class Meta:
        model = SurveyWave
        django_get_or_create = ("prison", "number")
        skip_postgeneration_save = True

    prison = factory.SubFactory(PrisonFactory)
    number = 0
    starts_on = datetime.date(2026, 3, 1)
    ends_on = datetime.date(2026, 3, 28)

    @factory.post_generation
    def instruments(self, create, extracted, **kwargs):
        if create:
            self.instruments.set(
                extracted
                or Instrument.objects.filter(
                    code__in=["peercare-buddy", "peercare-recipient"], version=1
                )
            )
