import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import policy
from accounts.constants import Role
from governance.models import Prison


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_leads_and_staff_see_only_the_prisons_they_are_given(lead, staff, other_prison):
    assert codes(Prison.objects.for_user(lead)) == ["HMX"]
    assert codes(Prison.objects.for_user(staff)) == ["HMX"]


def test_la_reviewer_sees_the_prisons_of_their_council_only(
    la_reviewer, home_council, other_prison
):
    from tests.factories import PrisonFactory

    PrisonFactory(code="SND", local_authority=home_council)
    assert codes(Prison.objects.for_user(la_reviewer)) == ["HMX", "SND"]


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.NATIONAL_ANALYST, Role.ADMIN])
def test_national_roles_see_every_prison(users_by_role, other_prison, role):
    assert codes(Prison.objects.for_user(users_by_role[role])) == ["HMX", "OTX"]


def test_anonymous_and_deactivated_users_see_no_prison(lead, other_prison):
    from django.contrib.auth.models import AnonymousUser

    assert codes(Prison.objects.for_user(AnonymousUser())) == []
    lead.is_active = False
    assert codes(Prison.objects.for_user(lead)) == []


@pytest.mark.parametrize(
    ("role", "sees_people"),
    [
        (Role.SOCIAL_CARE_LEAD, True),
        (Role.PRISON_STAFF, True),
        (Role.LA_REVIEWER, True),
        (Role.INSPECTOR, False),
        (Role.NATIONAL_ANALYST, False),
        (Role.ADMIN, True),
    ],
)
def test_only_roles_working_with_people_see_personal_data(users_by_role, role, sees_people):
    assert policy.has_capability(users_by_role[role], policy.VIEW_PERSONAL_DATA) is sees_people


def test_scope_gives_aggregate_roles_no_records_about_people(
    inspector, lead, home_prison, other_prison
):
    # Prisons stand in for any record with a prison field: scope() filters on `prison`.
    from governance.models import Scheme

    assert list(policy.scope(Scheme.objects.all(), inspector)) == []
    assert [s.prison.code for s in policy.scope(Scheme.objects.all(), lead)] == ["HMX"]


def test_a_prison_outside_scope_is_not_found_and_a_forbidden_action_is_refused(
    lead, staff, other_prison, home_prison
):
    with pytest.raises(Http404):
        policy.get_prison_for_user(lead, "OTX", capability=policy.VIEW_AGGREGATES)
    with pytest.raises(PermissionDenied):
        policy.get_prison_for_user(staff, "HMX", capability=policy.MANAGE_SCHEME)
    assert policy.get_prison_for_user(lead, "HMX", capability=policy.MANAGE_SCHEME) == home_prison
