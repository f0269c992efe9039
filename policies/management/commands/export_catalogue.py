import json

from django.core.management.base import BaseCommand

from policies.export import catalogue_as_dict


class Command(BaseCommand):
    help = "以 JSON 输出整个政策目录（供其他系统复用）。"

    def add_arguments(self, parser):
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args, indent, **options):
        data = catalogue_as_dict()
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent or None))
