import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User


def test_usernames_are_unique_regardless_of_case(make_user):
    make_user("Alice")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="aLICE")
    assert User.objects.count() == 1


def test_natural_key_lookup_ignores_case(make_user):
    alice = make_user("Alice")
    assert User.objects.get_by_natural_key("ALICE") == alice


@pytest.mark.parametrize("username", ["abc", "a" * 30, "a.b@c+d-e_f", "Zoë"])
def test_valid_usernames(db, username):
    User(username=username, password="x").full_clean()


@pytest.mark.parametrize("username", ["ab", "a" * 31, "with space", "semi;colon", "<b>"])
def test_invalid_usernames(db, username):
    with pytest.raises(ValidationError) as error:
        User(username=username, password="x").full_clean()
    assert "username" in error.value.message_dict
