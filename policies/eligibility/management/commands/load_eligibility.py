from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies.eligibility.loader import FIXTURES, FixtureError, load


class Command(BaseCommand):
    help = "载入政策自测的问题与规则（fixtures/eligibility/），可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="覆盖工作人员在管理后台中修改过的问题和规则",
        )
        parser.add_argument(
            "--directory",
            type=Path,
            default=FIXTURES,
            help="questions.toml 与 rules.toml 所在目录（默认 fixtures/eligibility）",
        )

    def handle(self, *args, overwrite=False, directory=FIXTURES, verbosity=1, **options):
        try:
            report = load(overwrite=overwrite, directory=directory)
        except FixtureError as error:
            raise CommandError(str(error)) from None
        if verbosity:
            for line in report.lines():
                self.stdout.write(line)
