"""Codes of the national data standard (shared/formats/DATA-STANDARD.md, version 1).

The values are a public contract: never rename or remove one; add new codes only.
"""

from django.db import models


class PrisonCategory(models.TextChoices):
    A = "A", "Category A (high security)"
    B = "B", "Category B"
    C = "C", "Category C"
    D = "D", "Category D (open)"
    FEMALE_CLOSED = "female_closed", "Women's closed"
    FEMALE_OPEN = "female_open", "Women's open"
    YOI = "yoi", "Young offender institution"
    REMAND = "remand", "Local or reception (remand)"


class SchemeFormality(models.TextChoices):
    FORMAL = "formal", "Formal scheme"
    INFORMAL = "informal", "Informal help only"
    BOTH = "both", "Formal scheme and informal help"
    NONE = "none", "No scheme"


class Leadership(models.TextChoices):
    PRISON = "prison", "Prison staff"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    LOCAL_AUTHORITY_AND_PRISON = "local_authority_and_prison", "Local authority and prison"
    PRISON_AND_EXTERNAL = "prison_and_external", "Prison with an external organisation"


class TaskKind(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    OPTIONAL = "optional", "Allowed where the prison switches it on"
    FORBIDDEN = "forbidden", "Never allowed"


# (code, label, kind, why) — the PSI 17/2015 task list. `why` explains a forbidden task in plain words.
TASKS = [
    ("escort_movement", "Escorting around the prison", TaskKind.ALLOWED, ""),
    ("wheelchair_push", "Pushing a wheelchair", TaskKind.ALLOWED, ""),
    ("meals_collect", "Collecting and carrying meals", TaskKind.ALLOWED, ""),
    ("food_cutting", "Cutting up food", TaskKind.ALLOWED, ""),
    ("cell_cleaning", "Cleaning the cell", TaskKind.ALLOWED, ""),
    ("cell_reorganising", "Reorganising the cell", TaskKind.ALLOWED, ""),
    ("laundry", "Laundry", TaskKind.ALLOWED, ""),
    ("hygiene_reminder", "Reminders about hygiene", TaskKind.ALLOWED, ""),
    ("objects_moving", "Moving objects and furniture", TaskKind.ALLOWED, ""),
    ("activities_access", "Getting to work, education and recreation", TaskKind.ALLOWED, ""),
    (
        "raising_concerns_applications",
        "Raising concerns and making applications",
        TaskKind.ALLOWED,
        "",
    ),
    ("reading_writing", "Reading and writing help", TaskKind.ALLOWED, ""),
    ("welfare_check_company", "Welfare check-ins and company", TaskKind.ALLOWED, ""),
    ("canteen_shopping_help", "Help with canteen shopping", TaskKind.ALLOWED, ""),
    ("outer_clothing", "Putting on outer clothes (jacket, shoes)", TaskKind.OPTIONAL, ""),
    (
        "medication_collect",
        "Collecting sealed medication (never opening or giving it)",
        TaskKind.OPTIONAL,
        "",
    ),
    ("feeding", "Feeding", TaskKind.FORBIDDEN, "Feeding is intimate personal care."),
    ("washing_bathing", "Washing or bathing", TaskKind.FORBIDDEN, "Washing is intimate care."),
    ("toileting", "Toileting", TaskKind.FORBIDDEN, "Toileting is intimate care."),
    (
        "dressing",
        "Dressing",
        TaskKind.FORBIDDEN,
        "Dressing is personal care; some prisons allow outer clothes only.",
    ),
    (
        "medication_handling",
        "Handling or giving medication",
        TaskKind.FORBIDDEN,
        "Only healthcare staff may handle or give medication.",
    ),
    (
        "lifting_catching",
        "Lifting or catching a person",
        TaskKind.FORBIDDEN,
        "Physically lifting or catching a person needs trained care staff.",
    ),
    (
        "clinical_task",
        "Clinical tasks",
        TaskKind.FORBIDDEN,
        "Clinical tasks (such as blood sugar tests) belong to healthcare.",
    ),
]

NEEDS = [
    ("mobility", "Mobility"),
    ("wheelchair_user", "Wheelchair user"),
    ("frailty_older_age", "Frailty or older age"),
    ("dementia_memory", "Dementia or memory"),
    ("sensory_sight", "Sight"),
    ("sensory_hearing", "Hearing"),
    ("learning_disability", "Learning disability"),
    ("mental_health", "Mental health"),
    ("breathing_respiratory", "Breathing or respiratory"),
    ("long_term_condition", "Long-term condition"),
    ("post_operative_temporary", "After an operation (temporary)"),
    ("other", "Other"),
]

# (code, label, audience, mandatory for buddies by default)
TRAINING_MODULES = [
    ("care_act", "Care Act", "buddy", True),
    ("role_and_boundaries", "The role and its boundaries", "buddy", True),
    ("safeguarding", "Safeguarding", "buddy", True),
    ("raising_concerns", "What to do if issues arise", "buddy", True),
    ("mental_capacity", "Mental capacity", "buddy", False),
    ("confidentiality", "Confidentiality", "buddy", True),
    ("wheelchair", "Wheelchair pushing", "buddy", False),
    ("manual_handling_objects", "Manual handling of objects", "buddy", False),
    ("dementia_awareness", "Dementia awareness", "buddy", False),
    ("mental_health_awareness", "Mental health awareness", "buddy", False),
    ("cell_cleaning_biohazard", "Cell cleaning and biohazards", "buddy", False),
    ("wellbeing", "Wellbeing", "buddy", False),
    ("shadowing", "Shadowing an experienced buddy", "buddy", False),
    ("staff_social_care_awareness", "Social care awareness (staff)", "staff", False),
    ("staff_peer_scheme", "The peer support scheme (staff)", "staff", False),
]

PEER_ROLES = [
    ("listener", "Listener"),
    ("insider", "Insider"),
    ("equalities_rep", "Equalities representative"),
    ("safer_custody_rep", "Safer custody representative"),
    ("health_champion", "Health champion"),
    ("mentor", "Mentor"),
    ("other", "Other peer role"),
]

# (code, label, who the risk falls on)
INCIDENT_CATEGORIES = [
    ("safeguarding_concern", "Safeguarding concern", "recipient"),
    ("bullying", "Bullying", "recipient"),
    ("theft_or_accusation", "Theft or accusation of theft", "recipient"),
    ("boundary_crossed", "Buddy overstepped boundaries", "recipient"),
    ("dishonesty", "Dishonesty", "recipient"),
    ("buddy_burden", "Burden or burn-out of a buddy", "buddy"),
    ("aggression_to_buddy", "Threats or aggression to a buddy", "buddy"),
    ("demand_for_pay", "Demand for pay", "buddy"),
    ("contraband_trafficking", "Trafficking contraband", "exploitation"),
    ("out_of_role_request_by_staff", "Staff asked for work outside the role", "exploitation"),
    ("exaggerated_need", "Recipient claimed more help than needed", "exploitation"),
    ("missed_care", "Missed care", "quality"),
    ("fall", "Fall", "quality"),
    ("role_conflict_confidentiality", "Conflict between peer roles", "quality"),
    ("delay_in_formal_care", "Delay or gap in formal care", "quality"),
    ("continuity_transfer_release", "Loss of continuity on transfer or release", "quality"),
    ("other", "Other", "other"),
]

DEFAULT_MANDATORY_MODULES = [
    code for code, _label, _aud, mandatory in TRAINING_MODULES if mandatory
]


class Organisation(models.TextChoices):
    PRISON = "prison", "Prison"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    EXTERNAL_ORGANISATION = "external_organisation", "External organisation"
    HEALTHCARE = "healthcare", "Healthcare"
    PRIVATE_PROVIDER = "private_provider", "Private care provider"


class StaffActivity(models.TextChoices):
    SET_UP = "set_up", "Setting up the scheme"
    RUNNING = "running", "Running the scheme"
    TRAINING_BUDDIES = "training_buddies", "Training buddies"
    SUPERVISION = "supervision", "Supervising buddies"
    LIAISON = "liaison", "Liaison"


class TrainingProvider(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    EXTERNAL_ORGANISATION = "external_organisation", "External organisation"
    PRISON = "prison", "Prison"
    HEALTHCARE = "healthcare", "Healthcare"


class SupervisionKind(models.TextChoices):
    GROUP = "group", "Group"
    ONE_TO_ONE = "one_to_one", "One-to-one"
    AD_HOC = "ad_hoc", "Ad hoc check-in"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Investigating"
    CLOSED = "closed", "Closed"
