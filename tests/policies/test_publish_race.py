"""Two staff publishing, or one publishing while another edits, the same draft at the same
moment (real threads, each with its own database connection; SQLite and PostgreSQL): the
document is written once, and an edit never lands on a published draft."""

import datetime

import pytest

from policies import publishing
from policies.models import City, DocumentDraft, PolicyDocument
from tests.threads import race

from .test_publish_admin import SMALL

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draft(transactional_catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return publishing.create_draft(
        city=City.objects.get(name="鞍山市"),
        issuer="鞍山市人民政府办公室",
        issued_on=datetime.date(2025, 3, 1),
        text=SMALL.read_text(encoding="utf-8"),
    )


@pytest.mark.parametrize("round_", range(3))
def test_two_publishes_write_one_document(draft, round_):
    before = PolicyDocument.all_objects.count()
    version = draft.lock_version
    results = race(
        lambda: publishing.publish(
            DocumentDraft.objects.get(pk=draft.pk), expected_version=version
        ),
        lambda: publishing.publish(
            DocumentDraft.objects.get(pk=draft.pk), expected_version=version
        ),
    )
    documents = [r for r in results if isinstance(r, PolicyDocument)]
    refused = [r for r in results if isinstance(r, publishing.PublishError)]
    assert len(documents) == 1 and len(refused) == 1, results
    assert PolicyDocument.all_objects.count() == before + 1


@pytest.mark.parametrize("round_", range(3))
def test_an_edit_racing_a_publish_never_lands_on_the_published_draft(draft, round_):
    version = draft.lock_version
    results = race(
        lambda: publishing.publish(
            DocumentDraft.objects.get(pk=draft.pk), expected_version=version
        ),
        lambda: publishing.update_draft(
            DocumentDraft.objects.get(pk=draft.pk), version, title="改过的标题"
        ),
    )
    published, edited = results
    row = DocumentDraft.objects.get(pk=draft.pk)
    if isinstance(published, PolicyDocument):  # the publish won: the edit was refused
        assert isinstance(edited, publishing.PublishError), results
        assert row.state == DocumentDraft.State.PUBLISHED and row.title == ""
    else:  # the edit won: the publish was refused, nothing written
        assert isinstance(published, publishing.PublishError), results
        assert row.state == DocumentDraft.State.EDITING and row.title == "改过的标题"
        assert row.document_id is None
