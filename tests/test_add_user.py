import pytest
from django.core.management import CommandError, call_command

from accounts.models import User


def test_add_user_creates_a_lead_scoped_to_the_named_prisons(
    home_prison, other_prison, monkeypatch
):
    monkeypatch.setenv("PEERCARE_PASSWORD", "a-long-enough-secret")
    call_command(
        "add_user", "casey", "--role", "social_care_lead", "--prison", "HMX", "--prison", "OTX"
    )
    user = User.objects.get(username="casey")
    assert user.role == "social_care_lead"
    assert sorted(user.prisons.values_list("code", flat=True)) == ["HMX", "OTX"]
    assert user.check_password("a-long-enough-secret")


def test_add_user_creates_an_la_reviewer_for_a_council(home_council, monkeypatch):
    monkeypatch.setenv("PEERCARE_PASSWORD", "a-long-enough-secret")
    call_command(
        "add_user",
        "robin",
        "--role",
        "la_reviewer",
        "--local-authority",
        "Northshire County Council",
    )
    assert User.objects.get(username="robin").local_authority == home_council


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--role", "social_care_lead"], "prisons: Give at least one prison"),
        (["--role", "la_reviewer"], "local_authority: Give the local authority"),
        (
            ["--role", "inspector", "--prison", "HMX"],
            "prisons: Only social care leads and prison staff",
        ),
        (["--role", "prison_staff", "--prison", "NOPE"], "--prison: no prison with code NOPE"),
        (
            ["--role", "la_reviewer", "--local-authority", "Atlantis"],
            "no local authority named 'Atlantis'",
        ),
    ],
)
def test_add_user_refuses_a_scope_that_does_not_fit_the_role(
    home_prison, monkeypatch, arguments, message
):
    monkeypatch.setenv("PEERCARE_PASSWORD", "a-long-enough-secret")
    with pytest.raises(CommandError, match=message):
        call_command("add_user", "pat", *arguments)
    assert not User.objects.filter(username="pat").exists()


def test_add_user_refuses_a_short_or_common_password(home_prison, monkeypatch):
    monkeypatch.setenv("PEERCARE_PASSWORD", "password")
    with pytest.raises(CommandError) as raised:
        call_command("add_user", "pat", "--role", "inspector")
    assert "at least 12 characters" in str(raised.value)
    assert "too common" in str(raised.value)
    assert not User.objects.filter(username="pat").exists()


def test_add_user_asks_for_the_password_when_the_environment_has_none(db, monkeypatch):
    monkeypatch.delenv("PEERCARE_PASSWORD", raising=False)
    answers = iter(["typed-in-at-the-prompt", "typed-in-at-the-prompt"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    call_command("add_user", "ines", "--role", "inspector")
    assert User.objects.get(username="ines").check_password("typed-in-at-the-prompt")
