"""A stable digest of imported values.

Importers (the catalogue's and the self-check's) store it beside each row they write; when
the row no longer matches its digest, staff changed it in the admin, and a re-import keeps it.
"""

import hashlib
import json


def fingerprint(values: dict) -> str:
    data = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
