"""Per-department contact persons, derived from the measures' contacts (责任人, 联系方式).

A measure's ``contacts`` (``fields.contacts``) are ``{"name", "role", "phones"}`` entries,
the role as written: "零售科科长", "市商务局市场科科长", "市工信局投资与规划科科长". Each entry
belongs to the department its role starts with (any spelling of the city's departments:
"市工信局" is 市工业和信息化局); else, when the measure has a single responsible department,
to that one; else to the department the same person (office and name) is matched to in
another measure of the city (鞍山 2023 8（2） lists "查检三科科长 刘宝明" under 市商务局 and
鞍山海关; 8（3） says "鞍山海关查检三科科长 刘宝明"). An entry matched by none of these is left
out (it stays on its measure's page).

The rest of the role is split into the office (科室) and the title: "零售科" and "科长".
Pure functions; ``loader.write_department_contacts`` writes the result.
"""

import re
from dataclasses import dataclass, field

# A title ends the role: 科长, 副科长, 主任, 负责人, 部长… ("能源交通科" alone has none).
_TITLE = re.compile(
    r"(副?(?:科长|主任|部长|处长|局长|队长|所长|站长|经理|主管)|负责人|工作人员|联系人)$"
)


def split_role(role: str) -> tuple[str, str]:
    """ "零售科科长" → ("零售科", "科长"); "能源交通科" → ("能源交通科", "")."""
    role = "".join(role.split())
    match = _TITLE.search(role)
    if not match:
        return role, ""
    return role[: match.start()], match.group(1)


@dataclass
class Entry:
    """One person of one measure, matched (or not yet) to a department."""

    measure_id: int
    department_id: int | None
    office: str
    title: str
    name: str
    phones: list[str]


@dataclass
class Contact:
    """A department's contact person, over every measure that names them."""

    department_id: int
    office: str
    title: str
    name: str
    phones: list[str] = field(default_factory=list)
    measure_ids: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.department_id, self.office, self.title, self.name)


def match_entries(
    measures: list[tuple[int, list[dict], list[int]]], spellings: dict[str, int]
) -> list[Entry]:
    """``measures``: (measure id, its contacts, its department ids in order), in document
    order; ``spellings``: every spelling of the city's departments → department id."""
    by_length = sorted(spellings, key=len, reverse=True)
    entries = []
    for measure_id, contacts, department_ids in measures:
        for contact in contacts or []:
            if not isinstance(contact, dict):
                continue
            role = "".join(str(contact.get("role") or "").split())
            name = "".join(str(contact.get("name") or "").split())
            phones = [str(phone) for phone in contact.get("phones") or []]
            department_id = None
            prefix = next((s for s in by_length if role.startswith(s)), None)
            if prefix is not None:
                department_id, role = spellings[prefix], role[len(prefix) :]
            elif len(set(department_ids)) == 1:
                department_id = department_ids[0]
            office, title = split_role(role)
            if not (office or title or name or phones):
                continue
            entries.append(Entry(measure_id, department_id, office, title, name, phones))
    # A person the item does not place: the department the same person is placed in elsewhere.
    placed: dict[tuple[str, str], set[int]] = {}
    for entry in entries:
        if entry.department_id is not None and entry.name:
            placed.setdefault((entry.office, entry.name), set()).add(entry.department_id)
    for entry in entries:
        if entry.department_id is None:
            candidates = placed.get((entry.office, entry.name), set())
            if len(candidates) == 1:
                entry.department_id = next(iter(candidates))
    return [entry for entry in entries if entry.department_id is not None]


def department_contacts(entries: list[Entry]) -> list[Contact]:
    """One contact per department, office, title and name, in order of first mention; its
    phones most-named first (then in order of first mention), its measures in order."""
    contacts: dict[tuple, Contact] = {}
    counts: dict[tuple, dict[str, int]] = {}
    for entry in entries:
        contact = Contact(entry.department_id, entry.office, entry.title, entry.name)
        contact = contacts.setdefault(contact.key, contact)
        phone_counts = counts.setdefault(contact.key, {})
        for phone in entry.phones:
            phone_counts[phone] = phone_counts.get(phone, 0) + 1
        if entry.measure_id not in contact.measure_ids:
            contact.measure_ids.append(entry.measure_id)
    for key, contact in contacts.items():
        order = list(counts[key])
        contact.phones = sorted(order, key=lambda phone: (-counts[key][phone], order.index(phone)))
    return list(contacts.values())
