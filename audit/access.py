"""Who may read the audit log's pages (see audit.views): one capability, named here once."""

from accounts import policy

# A prison's trail (who read its people's records) is for those who run its scheme: its social
# care lead, and administrators. The whole log, security events included, is for administrators.
READ_TRAILS = policy.MANAGE_SCHEME
READ_WHOLE_LOG = policy.ADMINISTER


def may_read_trails(user) -> bool:
    return policy.has_capability(user, READ_TRAILS)
