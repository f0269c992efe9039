"""``manage.py publish_document``: --dry-run prints the preview and writes nothing; without it
the document is published (origin 部门发布, the file's hash); bad arguments and blocking
warnings stop it with a Chinese message and nothing written."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from policies.eligibility.models import EligibilityRule
from policies.models import DocumentDraft, Measure, PolicyDocument

SMALL = Path(__file__).parent / "documents" / "publish_small.txt"
TITLE = "鞍山市支持中小企业高质量发展若干措施"
ARGS = ["--city", "鞍山市", "--issuer", "鞍山市人民政府办公室", "--date", "2025-03-01"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def counts():
    return (
        PolicyDocument.all_objects.count(),
        Measure.all_objects.count(),
        DocumentDraft.objects.count(),
        EligibilityRule.objects.count(),
    )


def run(*args, stdin=None):
    out = io.StringIO()
    options = {"stdout": out, "stderr": io.StringIO()}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("publish_document", *args, **options)
    return out.getvalue()


def test_a_dry_run_prints_the_preview_and_writes_nothing(catalogue, tmp_path):
    before = counts()
    out = run(str(SMALL), *ARGS, "--dry-run")
    assert counts() == before
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").rglob("*"))
    assert f"标题：{TITLE}" in out
    assert "措施：4 项" in out
    assert "1  支持企业升规纳统  市工业和信息化局、市财政局  最高10万元" in out.replace(" 万", "万")
    assert "2  鼓励专精特新发展" in out and "最高50万元" in out.replace(" 万", "万")
    assert "提示：" in out and "试运行" in out


def test_it_publishes_a_file_with_its_hash_and_measures(catalogue):
    documents = PolicyDocument.all_objects.count()
    out = run(str(SMALL), *ARGS, "--url", "https://www.anshan.gov.cn/a.html")
    assert PolicyDocument.all_objects.count() == documents + 1
    document = PolicyDocument.all_objects.get(title=TITLE)
    assert document.origin == PolicyDocument.Origin.PUBLISHED
    assert document.source_sha256 == hashlib.sha256(SMALL.read_bytes()).hexdigest()
    assert document.source_filename == SMALL.name
    assert document.source_url == "https://www.anshan.gov.cn/a.html"
    assert document.city.name == "鞍山市" and str(document.issued_on) == "2025-03-01"
    assert [m.title for m in document.measures.public().order_by("position")] == [
        "支持企业升规纳统",
        "鼓励专精特新发展",
        "降低融资成本",
        "开展银企对接活动",
    ]
    with document.source_file.open("rb") as handle:
        assert handle.read() == SMALL.read_bytes()
    assert "已发布" in out and document.get_absolute_url() in out
    assert DocumentDraft.objects.get().state == DocumentDraft.State.PUBLISHED


def test_it_reads_the_text_from_stdin_and_revises_by_slug(catalogue):
    run("-", *ARGS, stdin=SMALL.read_text(encoding="utf-8"))
    document = PolicyDocument.all_objects.get(title=TITLE)
    assert not document.source_file
    revised = SMALL.read_text(encoding="utf-8").replace("奖励10万元", "奖励15万元")
    out = run("-", *ARGS, "--supersedes", document.slug, stdin=revised)
    assert "【修订：正文、最高金额】" in out
    document.refresh_from_db()
    assert document.version == 2
    assert PolicyDocument.all_objects.filter(title=TITLE).count() == 1


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["--city", "鞍山市", "--issuer", "某局", "--date", "2025-02-30"],
            "发布日期“2025-02-30”无效",
        ),
        (["--city", "鞍山市", "--issuer", "某局", "--date", "20250301"], "应为 YYYY-MM-DD"),
        (["--city", "火星市", "--issuer", "某局", "--date", "2025-03-01"], "没有城市“火星市”"),
        ([*ARGS, "--supersedes", "no-such-document"], "没有公开的文件"),
        ([*ARGS, "--user", "nobody"], "没有用户"),
    ],
)
def test_bad_arguments_stop_it_with_a_chinese_message(catalogue, args, message):
    before = counts()
    with pytest.raises(CommandError, match=message):
        run(str(SMALL), *args)
    assert counts() == before


def test_a_city_is_found_by_its_slug_too(catalogue):
    from policies.models import City

    slug = City.objects.get(name="鞍山市").slug
    out = run(str(SMALL), "--city", slug, "--issuer", "某局", "--date", "2025-03-01", "--dry-run")
    assert "措施：4 项" in out


def test_a_document_of_another_city_cannot_be_superseded(catalogue):
    other = PolicyDocument.objects.exclude(city__name="鞍山市").first()
    with pytest.raises(CommandError, match="与 --city（鞍山市）不一致"):
        run(str(SMALL), *ARGS, "--supersedes", str(other.pk))


def test_blocking_warnings_publish_nothing(catalogue, tmp_path):
    before = counts()
    unreadable = "关于做好有关工作的说明\n\n这是一段没有任何编号条目的文字。\n"
    out = io.StringIO()
    with pytest.raises(CommandError, match="未发布"):
        call_command("publish_document", "-", *ARGS, stdin=io.StringIO(unreadable), stdout=out)
    assert counts() == before
    assert "提示" in out.getvalue() or "无法读取正文" in out.getvalue()


def test_a_missing_file_is_a_message(catalogue, tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        run(str(tmp_path / "absent.txt"), *ARGS)
