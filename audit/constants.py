from django.db import models


class AuditKind(models.TextChoices):
    """What an audit event records: a read of personal data, or a security event."""

    # Reads of personal data (audit.reads): pages, files and exports.
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"
    # Security events (audit.events.record_security_event).
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    TWO_FACTOR_SET_UP = "two_factor_set_up", "Two-factor authentication set up"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor authentication reset"
    TWO_FACTOR_FAILED = "two_factor_failed", "Two-factor code refused"
    RECOVERY_CODES_CREATED = "recovery_codes_created", "Recovery codes created"
    RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
    ACCOUNT_CREATED = "account_created", "Account created"
    ROLE_CHANGED = "role_changed", "Role changed"
    PRISONS_CHANGED = "prisons_changed", "Prisons changed"
    LOCAL_AUTHORITY_CHANGED = "local_authority_changed", "Local authority changed"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked or expired"


READ_KINDS = frozenset({AuditKind.VIEW, AuditKind.DOWNLOAD, AuditKind.EXPORT})
SECURITY_KINDS = frozenset(set(AuditKind) - READ_KINDS)


class ObjectType(models.TextChoices):
    """The kinds of record an audit event can be about."""

    RECIPIENT = "recipient", "Person supported"
    BUDDY = "buddy", "Buddy"
    CARE_PLAN = "care_plan", "Care plan"
    INCIDENT = "incident", "Incident"
    ASSIGNMENT = "assignment", "Buddy support (assignment)"
    SESSION = "session", "Session"
    STAFF_MEMBER = "staff_member", "Member of staff"
    SURVEY_RESPONSE = "survey_response", "Survey answers"
    SURVEY_WAVE = "survey_wave", "Survey wave"
    IMPORT_RUN = "import_run", "Import"
    TRAINING_RECORD = "training_record", "Training record"
    SUPERVISION = "supervision", "Supervision"
    USER = "user", "User account"
    SUBJECT_ACCESS = "subject_access", "Subject access export"


# The URL keywords that name one record, most specific first: a care plan's page names its person
# too (recipient_id), and is about the plan. tests/test_audit.py fails for a URL keyword ending in
# _id that is missing here, so a page added later is tied to its record without more work.
RECORD_KEYWORDS = (
    ("plan_id", ObjectType.CARE_PLAN),
    ("response_id", ObjectType.SURVEY_RESPONSE),
    ("incident_id", ObjectType.INCIDENT),
    ("assignment_id", ObjectType.ASSIGNMENT),
    ("session_id", ObjectType.SESSION),
    ("staff_id", ObjectType.STAFF_MEMBER),
    ("run_id", ObjectType.IMPORT_RUN),
    ("buddy_id", ObjectType.BUDDY),
    ("recipient_id", ObjectType.RECIPIENT),
    ("wave_id", ObjectType.SURVEY_WAVE),
)
# URL keywords that name something about no one: a questionnaire is the same in every prison; a
# prepared file holds figures, and its download is recorded as a file.
NOT_RECORD_KEYWORDS = frozenset({"instrument_id", "file_id"})

# API endpoints' records, by model (the list-only endpoints have no record keyword).
API_OBJECT_TYPES = {
    "buddies.Buddy": ObjectType.BUDDY,
    "recipients.Recipient": ObjectType.RECIPIENT,
    "recipients.CarePlan": ObjectType.CARE_PLAN,
    "buddies.Session": ObjectType.SESSION,
    "governance.Incident": ObjectType.INCIDENT,
    "governance.TrainingRecord": ObjectType.TRAINING_RECORD,
    "governance.Supervision": ObjectType.SUPERVISION,
}

# Pages whose file is a prison's whole set of records rather than one document.
EXPORT_PAGES = frozenset({"export-zip", "export-xlsx"})

# Who did something when no one signed in did it (a management command, a scheduled task).
SYSTEM = "system"
