"""``portal.reversal.object_url`` gives what ``reverse()`` gives — the same URL, or the same
error — for every object of the catalogue, under a script prefix too, and for any value."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.models import City, Department, Measure, PolicyDocument, Topic
from portal.params import MAX_ID
from portal.reversal import object_url

PAGES = [
    (City, "policies:city", "slug"),
    (Topic, "policies:topic", "slug"),
    (Department, "policies:department", "pk"),
    (PolicyDocument, "policies:document", "pk"),
    (Measure, "policies:measure", "pk"),
]


def outcome(function, name, argument, value):
    try:
        return ("url", function(name, **{argument: value}))
    except Exception as error:  # noqa: BLE001 — the very error is what is compared
        return ("error", type(error))


def reversed_(name, **kwargs):
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("prefix", [None, "/huiqi/"])
def test_every_objects_url_is_what_reverse_gives(catalogue, prefix):
    if prefix:
        set_script_prefix(prefix)
    try:
        for model, name, argument in PAGES:
            rows = list(model._base_manager.all())
            assert rows, model
            for row in rows:
                url = row.get_absolute_url()
                assert url == reverse(name, kwargs={argument: getattr(row, argument)})
                assert url.startswith(prefix or "/")
    finally:
        clear_script_prefix()


VALUES = st.one_of(
    st.integers(min_value=-3, max_value=MAX_ID + 3),
    st.integers(min_value=10**18, max_value=10**20),  # about the 19 digits an id can have
    st.sampled_from([0, 1, MAX_ID, MAX_ID + 1, True, None, 1.0, "", "a/b", "中文", "a b"]),
    st.text(alphabet="abcXYZ019-_/ %中.", max_size=12),
    st.from_regex(r"[-a-zA-Z0-9_]{1,20}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(page=st.sampled_from(PAGES), value=VALUES)
def test_any_value_gives_what_reverse_gives(page, value):
    _model, name, argument = page
    assert outcome(object_url, name, argument, value) == outcome(reversed_, name, argument, value)


def test_a_name_reversed_for_one_kind_of_value_still_answers_the_other(catalogue):
    # a slug page asked with an id (a slug may be digits) and an id page with digits as text
    assert object_url("policies:topic", slug=12) == reverse("policies:topic", kwargs={"slug": 12})
    assert object_url("policies:measure", pk="12") == reverse("policies:measure", kwargs={"pk": 12})
