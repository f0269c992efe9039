from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from policies.importer import SourceError
from policies.importer.loader import SHRINK_LIMIT, SOURCES, import_sources

FAILED = "导入失败，数据库未作任何修改"


class Command(BaseCommand):
    help = (
        "导入 fixtures/sources/ 中的政策原文（幂等；保留管理员在后台所做的修改，除非 --overwrite）。"
        "导入从不删除数据：来源文件缺少上次导入的条目或明显缩短时停止导入，"
        "除非 --allow-shrink（缺少的措施标记为“已撤回”，保留编号与链接，条目重新出现时恢复）。"
    )

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
            "--allow-shrink",
            action="store_true",
            help=(
                "允许来源文件缺少上次导入的条目、正文缩短超过 "
                f"{SHRINK_LIMIT * 100:.0f}%% 或整个文件已移除：缺少的措施（和文件）标记为“已撤回”，"
                "不再公开，但保留编号、链接、受理与办理流程设置，不会删除"
            ),
        )
        parser.add_argument(
            "--retag",
            action="store_true",
            help="按 fixtures/taxonomy.toml 重新为全部措施分配主题和支持方式（会覆盖后台手工调整的标签）",
        )

    def handle(self, *args, source_dir, errata, overwrite, allow_shrink, retag, **options):
        try:
            report = import_sources(
                source_dir, overwrite=overwrite, errata_path=errata, allow_shrink=allow_shrink
            )
        except SourceError as error:
            raise CommandError(f"{FAILED}：{error}") from error
        except DatabaseError as error:
            raise CommandError(
                f"{FAILED}：数据库错误（{error}）。请确认已运行 migrate。"
            ) from error
        except Exception as error:  # never a bare traceback: --traceback shows it
            raise CommandError(
                f"{FAILED}：程序错误 {type(error).__name__}：{error}（加 --traceback 可查看详情）"
            ) from error
        if options["verbosity"]:
            for line in report.lines():
                self.stdout.write(line)
        if retag:
            from policies import taxonomy
            from policies.models import Measure

            counts = taxonomy.assign_taxonomy(list(Measure.all_objects.all()))
            if options["verbosity"]:
                self.stdout.write(
                    f"重新分配标签：措施 {counts['measures']}，主题 {counts['topics']}，"
                    f"支持方式 {counts['support_types']}"
                )
