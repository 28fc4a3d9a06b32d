import getpass
import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.constants import ObjectType
from audit.reads import record_command_export
from buddies.models import prison_number_validator
from privacy.subject_access import (
    NOTES,
    NothingHeld,
    SubjectAccess,
    export_json,
    pdf_sections,
)


def write_private(directory: Path, name: str, content: bytes) -> Path:
    """Write a file only its owner can read, whole or not at all."""
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(content)
        os.replace(temporary, directory / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return directory / name


class Command(BaseCommand):
    help = (
        "Write everything PeerCare holds about one person (every record with their prison "
        "number in any prison, with its history and survey answers) as JSON and PDF, for a "
        "subject access request. Other people are never named."
    )

    def add_arguments(self, parser):
        parser.add_argument("--prison-number", required=True, metavar="A1234BC")
        parser.add_argument("--output", required=True, type=Path, metavar="DIR")

    def handle(self, *args, **options):
        prison_number = options["prison_number"].strip().upper()
        try:
            prison_number_validator(prison_number)
        except ValidationError as error:
            raise CommandError(
                f"{error.messages[0]} (not {options['prison_number']!r}): nothing was written"
            ) from None
        output = options["output"].expanduser().absolute()
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} exists and is not a directory")
        if not output.exists() and not output.parent.is_dir():
            raise CommandError(f"{output.parent} does not exist")
        names = [f"subject-access-{prison_number}.json", f"subject-access-{prison_number}.pdf"]
        for name in names:
            if (output / name).exists():
                raise CommandError(
                    f"{output / name} already exists: move it away, or write to another "
                    "directory, so an earlier export is never overwritten"
                )
        try:
            subject = SubjectAccess(prison_number)
        except NothingHeld:
            raise CommandError(
                f"PeerCare holds no record with prison number {prison_number}, now or in any "
                "record's history: nothing was written"
            ) from None

        from common.pdf import render_pdf  # WeasyPrint takes a second to load

        produced_at = timezone.now()
        sections = subject.sections()
        export = subject.export(sections, produced_at=produced_at)
        pdf = render_pdf(
            template_name="privacy/subject_access_pdf.html",
            context={
                "prison_number": prison_number,
                "produced_at": produced_at,
                "notes": NOTES,
                "sections": pdf_sections(sections),
                "record_views": export["record_views"],
                "running_header": f"Subject access export · {prison_number}",
            },
            title=f"Everything PeerCare holds about {prison_number}",
            subject="Subject access export: records, history and survey answers",
        )
        output.mkdir(mode=0o700, exist_ok=True)
        json_path = write_private(output, names[0], export_json(export).encode("utf-8"))
        pdf_path = write_private(output, names[1], pdf)
        record_command_export(
            action="subject_access_export",
            object_type=ObjectType.SUBJECT_ACCESS,
            detail={"prison_number": prison_number, "files": names, "os_user": getpass.getuser()},
        )
        counts = ", ".join(f"{key} {count}" for key, count in export["counts"].items() if count)
        self.stdout.write(f"Wrote {json_path} and {pdf_path} ({counts}).")
        self.stdout.write(
            "Before sending: read the free text. Other people's names and prison numbers that "
            "PeerCare knows are taken out, but a description can still point at someone."
        )
