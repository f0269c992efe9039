from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies.importer import SourceError
from policies.importer.loader import SOURCES, import_sources


class Command(BaseCommand):
    help = "导入 fixtures/sources/ 中的政策原文（幂等；保留管理员在后台所做的修改，除非 --overwrite）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--source-dir",
            type=Path,
            default=SOURCES,
            help="来源文件目录（默认 fixtures/sources/）",
        )
        parser.add_argument(
            "--errata", type=Path, default=None, help="勘误文件（默认 fixtures/errata.toml）"
        )
        parser.add_argument(
            "--overwrite", action="store_true", help="以原文覆盖管理员在后台修改过的文件和措施"
        )
        parser.add_argument(
            "--retag",
            action="store_true",
            help="按 fixtures/taxonomy.toml 重新为全部措施分配主题和支持方式（会覆盖后台手工调整的标签）",
        )

    def handle(self, *args, source_dir, errata, overwrite, retag, **options):
        try:
            report = import_sources(source_dir, overwrite=overwrite, errata_path=errata)
        except SourceError as error:
            raise CommandError(f"导入失败，数据库未作任何修改：{error}") from error
        if options["verbosity"]:
            for line in report.lines():
                self.stdout.write(line)
        if retag:
            from policies import taxonomy
            from policies.models import Measure

            counts = taxonomy.assign_taxonomy(list(Measure.objects.all()))
            if options["verbosity"]:
                self.stdout.write(
                    f"重新分配标签：措施 {counts['measures']}，主题 {counts['topics']}，"
                    f"支持方式 {counts['support_types']}"
                )
