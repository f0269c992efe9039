"""A source that does not parse stops the import with the file and line; nothing is written."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .helpers import copy_sources, snapshot


@pytest.fixture
def sources(tmp_path):
    return copy_sources(tmp_path / "sources")


def import_from(directory):
    call_command("import_policies", source_dir=directory, verbosity=0)


def test_it_imports_from_a_copy_of_the_sources(catalogue, sources):
    before = snapshot()
    import_from(sources)
    assert snapshot() == before


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("005_empty.txt", b"", "005_empty.txt:1: 文件为空"),
        ("005_blank.txt", b"\n  \n", "005_blank.txt:1: 文件为空"),
        (
            "005_latin1.txt",
            "鞍山市关于某事的通知\n1.第一条。\n".encode() + "caf\xe9\n".encode("latin-1"),
            "005_latin1.txt:3: 不是 UTF-8 编码的文本",
        ),
        (
            "005_unknown.txt",
            "鞍山市人民政府\n这是一份没有编号条目的文字。\n".encode(),
            "005_unknown.txt:1: 无法识别文件结构",
        ),
        (
            "005_gap.txt",
            "鞍山市若干措施\n1.第一条措施。内容。\n3.第三条措施。内容。\n".encode(),
            "005_gap.txt:3: 条目编号不连续：应为 2，实为 3",
        ),
        (
            "005_nocity.txt",
            "某某县若干措施\n1.第一条措施。内容。\n".encode(),
            "005_nocity.txt: 无法确定所属城市",
        ),
    ],
)
def test_it_names_the_file_and_line_and_changes_nothing(catalogue, sources, name, content, message):
    (sources / name).write_bytes(content)
    # a new, valid measure in another source must not be written either
    yingkou = next(sources.glob("001_*.txt"))
    yingkou.write_text(
        yingkou.read_text(encoding="utf-8") + "\n  44.新增一条。测试内容。\n", encoding="utf-8"
    )
    before = snapshot()
    with pytest.raises(CommandError) as error:
        import_from(sources)
    assert message in str(error.value)
    assert "数据库未作任何修改" in str(error.value)
    assert snapshot() == before


def test_it_refuses_a_stale_erratum(catalogue, sources):
    yingkou = next(sources.glob("001_*.txt"))
    text = yingkou.read_text(encoding="utf-8").replace("在??平ㄔO(shè)", "在專科建設")
    yingkou.write_text(text, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match="勘误“在\\?\\?平ㄔO\\(shè\\)”应出现 1 次，实际 0 次"):
        import_from(sources)
    assert snapshot() == before


def test_it_refuses_an_empty_directory(catalogue, tmp_path):
    with pytest.raises(CommandError, match="没有任何 .txt 来源文件"):
        import_from(tmp_path)
