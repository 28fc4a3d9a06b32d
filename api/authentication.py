import re

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

# What a token can look like: printable ASCII. Anything else (other bytes, a NUL) is refused here,
# before knox decodes it or hands it to the database, which would fail with a 500.
TOKEN = re.compile(rb"[!-~]{1,200}")


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token authentication (`Authorization: Token <token>`, checked against SHA-512
    digests), refusing a malformed token with a 401."""

    def authenticate_credentials(self, token: bytes):
        if not TOKEN.fullmatch(token):
            raise AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)
