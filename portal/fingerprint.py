"""A stable digest of imported values, and what a re-import does with a row that has one.

Importers (the catalogue's and the self-check's) store it beside each row they write; when
the row no longer matches its digest, staff changed it in the admin, and a re-import keeps it
(``reimport_verdict``).
"""

import enum
import hashlib
import json


def fingerprint(values: dict) -> str:
    data = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class Verdict(enum.Enum):
    """What a re-import does with a row it wrote before. Every importer writes the new values
    on ``WRITE`` (storing their fingerprint) and keeps the row and reports it on ``KEEP``; on
    the three others the row already holds the new values, and the importers differ only in
    whether they store the new fingerprint."""

    UNCHANGED = "unchanged"  # the row holds the new values, and their fingerprint
    RESTAMP = "restamp"  # it holds the new values, but not their fingerprint (none, or overwrite)
    EDIT_AGREES = "edit agrees"  # staff changed it since the last import, to the new values
    KEEP = "keep"  # staff changed it since the last import: leave it, report it
    WRITE = "write"  # write the new values and store their fingerprint


def reimport_verdict(stored: str, current: str, new: str, *, overwrite: bool) -> Verdict:
    """The one test of whether staff changed an imported row, and what to do about it.

    ``stored`` is the fingerprint saved on the row by the last import ("" when there is none:
    the row counts as unedited); ``current`` the fingerprint of the row's values now; ``new``
    that of the values this import would write. Staff changed the row when ``current`` is no
    longer ``stored``; with ``overwrite`` their change does not count.
    """
    edited = bool(stored) and current != stored and not overwrite
    if current == new:
        if edited:
            return Verdict.EDIT_AGREES
        return Verdict.UNCHANGED if stored == new else Verdict.RESTAMP
    return Verdict.KEEP if edited else Verdict.WRITE
