from django.db import models


class Role(models.TextChoices):
    SOCIAL_CARE_LEAD = "social_care_lead", "Social care lead"
    PRISON_STAFF = "prison_staff", "Prison staff"
    LA_REVIEWER = "la_reviewer", "Local authority reviewer"
    INSPECTOR = "inspector", "Inspector"
    NATIONAL_ANALYST = "national_analyst", "National analyst"
    ADMIN = "admin", "Administrator"


# Roles whose scope is a list of prisons given to the user.
PRISON_SCOPED_ROLES = {Role.SOCIAL_CARE_LEAD, Role.PRISON_STAFF}
