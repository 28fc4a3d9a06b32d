import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.constants import Role
from accounts.services import user_create
from governance.models import LocalAuthority, Prison


class Command(BaseCommand):
    help = (
        "Add a user who signs in with a username and password. The password comes from the "
        "environment variable PEERCARE_PASSWORD, or is asked for."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--prison", action="append", default=[], metavar="CODE", help="repeat for each prison"
        )
        parser.add_argument("--local-authority", metavar="NAME")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        codes = options["prison"]
        prisons = list(Prison.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {prison.code for prison in prisons})
        if unknown:
            raise CommandError(f"--prison: no prison with code {', '.join(unknown)}")
        local_authority = None
        if options["local_authority"]:
            local_authority = LocalAuthority.objects.filter(name=options["local_authority"]).first()
            if local_authority is None:
                raise CommandError(
                    f"--local-authority: no local authority named {options['local_authority']!r}"
                )
        password = os.environ.get("PEERCARE_PASSWORD") or self._ask_password()
        try:
            user = user_create(
                username=options["username"],
                role=options["role"],
                password=password,
                prisons=prisons,
                local_authority=local_authority,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
        except ValidationError as error:
            messages = [
                f"{field}: {message}" if field != "__all__" else message
                for field, field_messages in error.message_dict.items()
                for message in field_messages
            ]
            raise CommandError("\n".join(messages)) from error
        self.stdout.write(f"Added {user.username} ({user.get_role_display()})")

    def _ask_password(self) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match")
        return password
