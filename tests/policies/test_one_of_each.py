"""Issue 13, one of each: one OpenCC converter, one test of whether staff changed an imported
row (``portal.fingerprint.reimport_verdict``), and that test's verdicts as the importers use
them."""

import ast
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from policies.chinese import to_simplified
from policies.models import Measure, PolicyDocument
from portal.fingerprint import Verdict, fingerprint, reimport_verdict

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", ".git", "node_modules", "var", "tests", "migrations", "static"}


def source_files():
    """The project's own Python (tests and frozen migrations aside)."""
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not SKIP.intersection(parts) and not parts[0].endswith(".egg-info"):
            yield path


def where(path, node):
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_there_is_one_opencc_converter():
    imports, converters = [], []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names] + [getattr(node, "module", None)]
                if any(name and name.split(".")[0] == "opencc" for name in names):
                    imports.append(where(path, node))
            if isinstance(node, ast.Call):
                func = node.func
                if getattr(func, "attr", getattr(func, "id", None)) == "OpenCC":
                    converters.append(where(path, node))
    assert [place.split(":")[0] for place in imports] == ["policies/chinese.py"], imports
    assert [place.split(":")[0] for place in converters] == ["policies/chinese.py"], converters


# A fingerprint: fingerprint(...), _measure_fingerprint(...), row.import_fingerprint,
# new_print, or a name assigned one of these in the same function.
_FINGERPRINTISH = re.compile(r"fingerprint|(^|_)print$")


def _names(node):
    for sub in ast.walk(node):
        name = getattr(sub, "id", None) or getattr(sub, "attr", None)
        if name:
            yield name


def _fingerprint_comparisons(function):
    tainted = set()
    for _ in range(3):  # a name assigned from a name assigned a fingerprint, and so on
        for node in ast.walk(function):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                if any(_FINGERPRINTISH.search(n) or n in tainted for n in _names(node.value)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    tainted.update(t.id for t in targets if isinstance(t, ast.Name))
    for node in ast.walk(function):
        if isinstance(node, ast.Compare) and any(
            isinstance(op, ast.Eq | ast.NotEq) for op in node.ops
        ):
            names = [n for operand in [node.left, *node.comparators] for n in _names(operand)]
            if any(_FINGERPRINTISH.search(n) or n in tainted for n in names):
                yield node


def test_there_is_one_fingerprint_comparison():
    """Importers ask ``reimport_verdict`` whether staff changed a row; none compares
    fingerprints itself, and portal/fingerprint.py compares them in that one function."""
    places = set()
    for path in source_files():
        helper = path == ROOT / "portal" / "fingerprint.py"
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            compares = (
                [n for n in ast.walk(function) if isinstance(n, ast.Compare)]
                if helper
                else list(_fingerprint_comparisons(function))
            )
            if compares:
                places.add(f"{path.relative_to(ROOT)}:{function.name}")
    assert places == {"portal/fingerprint.py:reimport_verdict"}


def test_the_converter_is_created_once_and_converts():
    from policies import chinese

    assert to_simplified("補貼　惠企政策") == "补贴　惠企政策"
    first = chinese._t2s()
    assert to_simplified("") == ""
    assert chinese._t2s() is first


OLD, NOW, NEW = fingerprint({"v": 1}), fingerprint({"v": 2}), fingerprint({"v": 3})


@pytest.mark.parametrize(
    ("stored", "current", "new", "overwrite", "verdict"),
    [
        # the row is as the last import left it
        (NOW, NOW, NOW, False, Verdict.UNCHANGED),
        (NOW, NOW, NEW, False, Verdict.WRITE),
        # no stored fingerprint: the row counts as unedited
        ("", NOW, NOW, False, Verdict.RESTAMP),
        ("", NOW, NEW, False, Verdict.WRITE),
        # staff changed it since the last import
        (OLD, NOW, NEW, False, Verdict.KEEP),
        (OLD, NOW, NOW, False, Verdict.EDIT_AGREES),
        # ... and overwrite: their change does not count
        (OLD, NOW, NEW, True, Verdict.WRITE),
        (OLD, NOW, NOW, True, Verdict.RESTAMP),
        # overwrite changes nothing for an unedited row
        (NOW, NOW, NOW, True, Verdict.UNCHANGED),
        (NOW, NOW, NEW, True, Verdict.WRITE),
        ("", NOW, NOW, True, Verdict.RESTAMP),
        # staff changed it back to what the source says again
        (NEW, NOW, NEW, False, Verdict.KEEP),
        (NEW, NOW, NEW, True, Verdict.WRITE),
    ],
)
def test_the_verdict(stored, current, new, overwrite, verdict):
    assert reimport_verdict(stored, current, new, overwrite=overwrite) is verdict


def test_overwrite_is_named():
    with pytest.raises(TypeError):
        reimport_verdict(NOW, NOW, NOW, True)


def test_what_the_catalogue_import_stores_when_the_row_holds_the_new_values(catalogue, capsys):
    """A measure takes the new fingerprint whether staff's edit agrees with the source or it
    had none (and neither counts as an update); a document takes it only when it had none
    (an update), and after an edit that agrees keeps the fingerprint of the import before."""
    documents = PolicyDocument.objects.order_by("source")
    edited_document, blank_document = documents[0], documents[1]
    measures = Measure.objects.order_by("pk")
    edited_measure, blank_measure = measures[0], measures[1]
    other = "0" * 64  # the fingerprint of an import before staff's (agreeing) edit
    PolicyDocument.objects.filter(pk=edited_document.pk).update(import_fingerprint=other)
    PolicyDocument.objects.filter(pk=blank_document.pk).update(import_fingerprint="")
    Measure.objects.filter(pk=edited_measure.pk).update(import_fingerprint=other)
    Measure.objects.filter(pk=blank_measure.pk).update(import_fingerprint="")

    call_command("import_policies")
    out = capsys.readouterr().out
    assert "新建 0，更新 1，" in out  # the blank document
    assert "保留人工修改 0" in out

    def stored(model, row):
        return model.objects.get(pk=row.pk).import_fingerprint

    assert stored(PolicyDocument, edited_document) == other
    assert stored(PolicyDocument, blank_document) == blank_document.import_fingerprint
    assert stored(Measure, edited_measure) == edited_measure.import_fingerprint
    assert stored(Measure, blank_measure) == blank_measure.import_fingerprint
