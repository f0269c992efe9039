"""A correction staff made in the admin is not silently overwritten by a re-import."""

from django.core.management import call_command

from policies.models import Department, Measure, MeasureDepartment, PolicyDocument


def yingkou_13():
    return Measure.objects.get(document__source__startswith="001_", path_key="13")


def test_it_keeps_a_staff_edit_and_reports_it(catalogue, capsys):
    measure = yingkou_13()
    imported_title = measure.title
    measure.title = "加强商贸流通领域经营主体培育（达限纳统奖励）"
    measure.save()
    call_command("import_policies")
    out = capsys.readouterr().out
    assert "保留人工修改 1" in out
    assert "001_c6539826c75744cc.txt 第13条" in out
    assert yingkou_13().title == "加强商贸流通领域经营主体培育（达限纳统奖励）"
    # and again: still kept, still reported
    call_command("import_policies")
    assert "保留人工修改 1" in capsys.readouterr().out
    assert yingkou_13().title != imported_title


def test_it_keeps_edited_departments(catalogue):
    measure = yingkou_13()
    finance = Department.objects.get(city__name="营口市", name="市财政局")
    MeasureDepartment.objects.create(measure=measure, department=finance, position=5)
    call_command("import_policies", verbosity=0)
    assert finance in yingkou_13().departments.all()


def test_it_overwrites_staff_edits_when_told(catalogue):
    measure = yingkou_13()
    imported = measure.title
    measure.title = "人工修改的标题"
    measure.save()
    call_command("import_policies", overwrite=True, verbosity=0)
    assert yingkou_13().title == imported
    # after an overwrite, the row counts as imported again
    call_command("import_policies", verbosity=0)
    assert yingkou_13().title == imported


def test_it_keeps_an_edited_document(catalogue):
    document = PolicyDocument.objects.get(source__startswith="003_")
    document.issuer = "聊城市产业链链长制工作办公室（市工业和信息化局代章）"
    document.save()
    call_command("import_policies", verbosity=0)
    document.refresh_from_db()
    assert document.issuer == "聊城市产业链链长制工作办公室（市工业和信息化局代章）"
