"""Load the districts fixture, their departments, the provincial departments, the workflows.

Idempotent: running it twice changes nothing. Run after ``import_policies`` (it needs the
City rows). Whether a measure takes applications is decided once (``workflow.decide_intake``)
and kept; workflows are derived only for measures that take applications and have none, so
staff edits in the admin survive; ``--rederive`` derives those workflows afresh.
"""

import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications import workflow
from policies.models import City, Department, District, Measure

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "districts.toml"
# Every city gets these city-level departments if the catalogue does not name them.
CITY_DEPARTMENTS = ["财政局", "统计局"]


class Command(BaseCommand):
    help = "载入县（市）区及其部门、省级部门，并为受理申报的措施生成办理流程。"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(FIXTURE))
        parser.add_argument(
            "--rederive", action="store_true", help="重新生成所有措施的办理流程（覆盖人工修改）"
        )

    @transaction.atomic
    def handle(self, *args, file, rederive, verbosity=1, **options):
        try:
            data = tomllib.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        if not City.objects.exists():
            raise CommandError("数据库中还没有城市，请先运行 import_policies。")
        kinds = {value for value, _label in District.Kind.choices}
        districts = departments = 0
        for entry in data.get("city", []):
            city = City.objects.filter(name=entry["name"]).first()
            if city is None:
                self.stderr.write(f"跳过 {entry['name']}：城市不存在")
                continue
            for item in entry["districts"]:
                if item["kind"] not in kinds:
                    raise CommandError(f"{file}: {item['name']} 的类型 {item['kind']} 无效")
                district, created = District.objects.update_or_create(
                    city=city,
                    name=item["name"],
                    defaults={"code": item.get("code", ""), "kind": item["kind"]},
                )
                districts += created
                for name in workflow.DISTRICT_DEPARTMENTS:
                    _dept, made = Department.objects.get_or_create(
                        province=city.province,
                        city=city,
                        district=district,
                        name=name,
                        defaults={"level": Department.Level.DISTRICT},
                    )
                    departments += made
            for kind in CITY_DEPARTMENTS:
                workflow.city_department(city, kind)
        for province, names in workflow.PROVINCIAL_DEPARTMENTS.items():
            for name in names:
                _dept, made = Department.objects.get_or_create(
                    province=province,
                    city=None,
                    district=None,
                    name=name,
                    defaults={"level": Department.Level.PROVINCE},
                )
                departments += made
        workflows = 0
        for measure in Measure.objects.select_related("document__city").order_by("pk"):
            if not workflow.decide_intake(measure).accepts:
                continue
            if rederive or not measure.workflow_stages.exists():
                workflows += bool(workflow.ensure_workflow(measure, overwrite=rederive))
        if verbosity:
            self.stdout.write(
                f"新建县（市）区 {districts}，新建部门 {departments}，生成办理流程 {workflows}"
            )
