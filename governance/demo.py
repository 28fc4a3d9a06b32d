"""Demo data: three fictional prisons with different categories and leadership, one user per role.

Every name here is invented. Later parts of the product add their own demo records through
`seed_demo`, which calls `demo_seed` and is safe to run again.
"""

import base64
import datetime as dt

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.constants import Role
from accounts.models import User
from accounts.services import user_create
from governance.constants import Leadership, PrisonCategory, SchemeFormality
from governance.models import LocalAuthority, Prison
from governance.reference import sync_reference_codes
from governance.services import prison_create

DEMO_PASSWORD = "demo-peercare-2026"  # noqa: S105  (demo accounts only, printed by `make run`)
# Every demo account's authenticator app key (base32, as apps ask for it), printed by `make run`:
# add it to an authenticator app, or run `manage.py two_factor_code demo_lead` for the code now.
DEMO_TWO_FACTOR_KEY = "PEERCAREDEMOKEYFORTESTINGONLY234"  # demo accounts only

LOCAL_AUTHORITIES = ["Northshire County Council", "Eastmoor City Council"]

PRISONS = [
    {
        "code": "NGT",
        "name": "HMP Northgate",
        "category": PrisonCategory.C,
        "local_authority": "Northshire County Council",
        "region": "North",
        "scheme_name": "Buddies",
        "formality": SchemeFormality.FORMAL,
        "leadership": Leadership.LOCAL_AUTHORITY_AND_PRISON,
        "started_on": dt.date(2021, 6, 1),
        "allows_medication_collect": True,
    },
    {
        "code": "EMR",
        "name": "HMP Eastmoor",
        "category": PrisonCategory.B,
        "local_authority": "Eastmoor City Council",
        "region": "Midlands",
        "scheme_name": "Care and support orderlies",
        "formality": SchemeFormality.BOTH,
        "leadership": Leadership.PRISON,
        "started_on": dt.date(2019, 9, 16),
    },
    {
        "code": "WFL",
        "name": "HMP & YOI Westfell",
        "category": PrisonCategory.FEMALE_CLOSED,
        "local_authority": "Northshire County Council",
        "region": "North",
        "scheme_name": "Carers",
        "formality": SchemeFormality.FORMAL,
        "leadership": Leadership.PRISON_AND_EXTERNAL,
        "started_on": dt.date(2023, 2, 6),
        "allows_outer_clothing": True,
    },
]

# (username, role, first name, last name, prison codes, local authority): who may see what
USERS = [
    (
        "demo_lead",
        Role.SOCIAL_CARE_LEAD,
        "Alex",
        "Morgan",
        ["NGT"],
        None,
    ),  # runs Northgate's scheme
    (
        "demo_staff",
        Role.PRISON_STAFF,
        "Jordan",
        "Hale",
        ["NGT"],
        None,
    ),  # records activity at Northgate
    (
        "demo_la",
        Role.LA_REVIEWER,
        "Sam",
        "Patel",
        [],
        "Northshire County Council",
    ),  # Northgate, Westfell
    ("demo_inspector", Role.INSPECTOR, "Rowan", "Ellis", [], None),  # every prison, figures only
    (
        "demo_analyst",
        Role.NATIONAL_ANALYST,
        "Kim",
        "Taylor",
        [],
        None,
    ),  # every prison, figures only
    ("demo_admin", Role.ADMIN, "Pat", "Quinn", [], None),  # everything
]


@transaction.atomic
def demo_seed() -> list[str]:
    """Create what is missing of the demo data; return a line for each thing created."""
    created = []
    sync_reference_codes()
    authorities = {}
    for name in LOCAL_AUTHORITIES:
        authorities[name], made = LocalAuthority.objects.get_or_create(name=name)
        if made:
            created.append(f"local authority {name}")
    for spec in PRISONS:
        if Prison.objects.filter(code=spec["code"]).exists():
            continue
        prison_create(**{**spec, "local_authority": authorities[spec["local_authority"]]})
        created.append(f"prison {spec['code']} {spec['name']}")
    for username, role, first, last, codes, authority in USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = user_create(
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            prisons=list(Prison.objects.filter(code__in=codes)),
            local_authority=authorities[authority] if authority else None,
        )
        TOTPDevice.objects.create(
            user=user,
            name=two_factor.APP_NAME,
            confirmed=True,
            key=base64.b32decode(DEMO_TWO_FACTOR_KEY).hex(),
        )
        created.append(f"user {username}")
    return created
