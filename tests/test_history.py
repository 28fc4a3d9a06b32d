import datetime as dt

from common.history import history_entries
from governance.models import Scheme
from tests.factories import SchemeFactory, UserFactory


def test_history_lists_creation_then_each_change_newest_first(db):
    scheme = SchemeFactory(
        name="Buddies", formality="formal", leadership="prison", mandatory_modules=[]
    )
    scheme = Scheme.objects.get(pk=scheme.pk)
    scheme.name = "Carers"
    scheme.started_on = dt.date(2024, 4, 1)
    scheme.save()
    scheme.allows_outer_clothing = True
    scheme.save()

    entries = history_entries(scheme, subject="Scheme")

    assert [e.action for e in entries] == ["Changed", "Changed", "Created"]
    assert [(c.field, c.old, c.new) for c in entries[0].changes] == [
        ("Buddies may help with outer clothes (jacket, shoes)", "No", "Yes")
    ]
    assert [(c.field, c.old, c.new) for c in entries[1].changes] == [
        ("What buddies are called", "Buddies", "Carers"),
        ("Date the scheme started", "", "1 April 2024"),
    ]
    created = {c.field: c.new for c in entries[2].changes}
    assert created["What buddies are called"] == "Buddies"
    assert created["Type of scheme"] == "Formal scheme"
    assert created["Who leads the scheme"] == "Prison staff"
    assert all(e.who == "System" for e in entries)


def test_history_names_the_person_who_made_the_change(db):
    user = UserFactory(first_name="Alex", last_name="Morgan")
    scheme = SchemeFactory(mandatory_modules=[])
    scheme._history_user = user
    scheme.name = "Orderlies"
    scheme.save()
    assert history_entries(scheme)[0].who == "Alex Morgan"


def test_saving_without_a_change_adds_no_entry(db):
    scheme = SchemeFactory(mandatory_modules=[])
    scheme.save()
    assert [e.action for e in history_entries(scheme)] == ["Created"]
