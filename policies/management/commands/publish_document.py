"""Publish a policy document from the command line (the admin's 发布政策文件, scripted).

    manage.py publish_document FILE --city 鞍山市 --issuer 鞍山市人民政府 --date 2025-03-01
        [--title …] [--url …] [--supersedes SLUG_OR_ID] [--user USERNAME] [--dry-run]

FILE is a .docx, a .pdf with a text layer or a .txt; ``-`` reads the text from stdin.
``--dry-run`` prints the preview and writes nothing (not even a draft). Without it the
draft is created and published at once — unless its preview has a blocking warning: then
the warnings are printed, nothing is written and the command fails.
"""

import datetime
import re
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from policies import publishing
from policies.formatting import format_yuan
from policies.importer import SourceError
from policies.models import City, DocumentDraft, PolicyDocument

NOTHING = "未发布，数据库未作任何修改"


class Command(BaseCommand):
    help = (
        "发布一份政策文件（.docx、带文字层的 .pdf 或 .txt；FILE 为 - 时从标准输入读取正文）。"
        "--dry-run 只显示预览（章节、措施、提示），不写入任何数据。"
        "预览中有必须处理的问题时不发布，并以非零状态退出。"
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", help="文件路径；- 表示从标准输入读取正文")
        parser.add_argument(
            "--city", required=True, help="城市名称（如 鞍山市）或标识（如 anshan）"
        )
        parser.add_argument("--issuer", required=True, help="发文机关")
        parser.add_argument("--date", required=True, help="发布日期，YYYY-MM-DD")
        parser.add_argument("--title", default="", help="标题（默认从正文读取）")
        parser.add_argument("--url", default="", help="来源网址")
        parser.add_argument(
            "--supersedes", default="", help="修订：所替代文件的标识（如 anshan-2024）或编号"
        )
        parser.add_argument("--user", default="", help="记为发布人的用户名（可选）")
        parser.add_argument("--dry-run", action="store_true", help="只显示预览，不写入任何数据")

    def handle(self, *args, **options):
        city = self._city(options["city"])
        issued_on = self._date(options["date"])
        supersedes = self._supersedes(options["supersedes"], city)
        user = self._user(options["user"])
        filename, data, text = self._read(options["file"], options.get("stdin") or sys.stdin)
        values = {
            "city": city,
            "issuer": options["issuer"].strip(),
            "issued_on": issued_on,
            "title": options["title"].strip(),
            "source_url": options["url"].strip(),
            "supersedes": supersedes,
        }
        if not values["issuer"]:
            raise CommandError(f"{NOTHING}：请用 --issuer 指定发文机关")
        if data is not None:
            from policies.importer.extract import extract_text

            try:
                text = extract_text(filename, data)
            except SourceError as error:
                raise CommandError(f"{NOTHING}：{error.message}") from error
        # the preview of an unsaved draft: reads only
        result = publishing.preview(DocumentDraft(text=text, **values))
        self._print_preview(result, supersedes)
        if not result.publishable:
            raise CommandError(f"{NOTHING}：预览中有必须处理的问题（见上）")
        if options["dry_run"]:
            self.stdout.write("（试运行：未写入任何数据）")
            return
        try:
            with transaction.atomic():
                if data is not None:
                    draft = publishing.create_draft(
                        filename=filename, data=data, user=user, **values
                    )
                else:
                    draft = publishing.create_draft(text=text, user=user, **values)
                document = publishing.publish(draft, user=user)
        except SourceError as error:
            raise CommandError(f"{NOTHING}：{error.message}") from error
        except publishing.PublishError as error:
            raise CommandError(f"{NOTHING}：{error.message}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"已发布《{document.title}》（第 {document.version} 版，"
                f"{document.measures.public().count()} 项措施）：{document.get_absolute_url()}"
            )
        )

    # -- arguments ----------------------------------------------------------------------------

    def _city(self, value: str) -> City:
        value = value.strip()
        city = City.objects.filter(name=value).first() or City.objects.filter(slug=value).first()
        if city is None:
            names = "、".join(City.objects.values_list("name", flat=True))
            raise CommandError(f"{NOTHING}：没有城市“{value}”（可选：{names or '无'}）")
        return city

    def _date(self, value: str) -> datetime.date:
        try:
            if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
                raise ValueError(value)
            return datetime.date(*(int(part) for part in value.strip().split("-")))
        except ValueError as error:
            raise CommandError(
                f"{NOTHING}：发布日期“{value}”无效，应为 YYYY-MM-DD，如 2025-03-01"
            ) from error

    def _supersedes(self, value: str, city: City) -> PolicyDocument | None:
        value = value.strip()
        if not value:
            return None
        documents = PolicyDocument.objects.select_related("city")
        document = documents.filter(slug=value).first()
        if document is None and value.isdigit():
            document = documents.filter(pk=int(value)).first()
        if document is None:
            raise CommandError(f"{NOTHING}：没有公开的文件“{value}”（--supersedes 用标识或编号）")
        if document.city_id != city.pk:
            raise CommandError(
                f"{NOTHING}：所替代的文件属于{document.city.name}，与 --city（{city.name}）不一致"
            )
        return document

    def _user(self, username: str):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"{NOTHING}：没有用户“{username}”")
        return user

    def _read(self, name: str, stdin):
        """(filename, bytes, None) for a file; ("", None, text) for stdin."""
        if name == "-":
            text = stdin.read()
            if not text.strip():
                raise CommandError(f"{NOTHING}：标准输入为空")
            return "", None, text
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{NOTHING}：无法读取文件 {name}（{error.strerror}）") from error
        return path.name, data, None

    # -- output -------------------------------------------------------------------------------

    def _print_preview(self, result, supersedes) -> None:
        write = self.stdout.write
        if result.error is not None:
            write(self.style.ERROR(f"无法读取正文：{result.error.message}"))
            return
        parsed = result.parsed
        write(f"标题：{parsed.title}")
        write(f"发文机关：{parsed.issuer}　发布日期：{parsed.issued_on or '—'}")
        if supersedes is not None:
            write(f"修订：替代《{supersedes.title}》（现为第 {supersedes.version} 版）")
        write(f"措施：{len(parsed.measures)} 项")
        for continuation in result.continuations:
            measure = continuation.parsed
            support = measure.support_amounts_yuan
            departments = "、".join(measure.departments) or "（未载明责任单位）"
            amount = f"  最高{format_yuan(max(support))}" if support else ""
            mark = ""
            if supersedes is not None:
                if continuation.measure is None:
                    mark = "  【新增】"
                elif continuation.changes:
                    mark = f"  【修订：{'、'.join(continuation.changes)}】"
                else:
                    mark = "  【未变】"
            write(f"  {measure.path_key}  {measure.title}  {departments}{amount}{mark}")
        for measure in result.removed:
            write(f"  【将撤回】{measure.path_key}  {measure.title}")
        warnings = sorted(result.warnings, key=lambda w: w.line or 0)
        write(
            f"提示：{len(warnings)} 条"
            + (f"（{len(result.blocking)} 条阻止发布）" if result.blocking else "")
        )
        for warning in warnings:
            where = f"第 {warning.line} 行" if warning.line else "全文"
            line = f"  {where}：{warning.message}"
            write(self.style.ERROR(line + "【阻止发布】") if warning.blocking else line)
