"""Demo accounts for every role (only with DEBUG on). Idempotent; passwords are printed.

The list is documented in docs/demo-accounts.md.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from applications import services
from applications.apps import (
    PUBLISHER_GROUP,
    REVIEWER_GROUP,
    create_publisher_group,
    create_reviewer_group,
)
from applications.models import (
    Application,
    Enterprise,
    EnterpriseMembership,
    StaffMembership,
)
from applications.uscc import check_character
from applications.workflow import city_department, district_department
from policies.models import City, District, Measure

PASSWORD = "huiqi-demo-2024"
CITY = "鞍山市"
# (username, description, role, where)
ENTERPRISES = [
    ("qiye_a", "企业A用户（鞍山市铁东区）", "91210302MA0DEM1A1", "鞍山示范商贸有限公司", "铁东区"),
    ("qiye_b", "企业B用户（鞍山市铁西区）", "91210303MA0DEM1B1", "鞍山样例科技有限公司", "铁西区"),
]
STAFF = [
    ("tiedong_shangwu", "铁东区商务局工作人员", "district", "铁东区", "商务局"),
    ("tiexi_shangwu", "铁西区商务局工作人员", "district", "铁西区", "商务局"),
    ("tiedong_caizheng", "铁东区财政局工作人员", "district", "铁东区", "财政局"),
    ("shi_shangwu", "鞍山市商务局工作人员", "city", None, "商务局"),
    ("shi_tongji", "鞍山市统计局工作人员", "city", None, "统计局"),
    ("shi_caizheng", "鞍山市财政局工作人员", "city", None, "财政局"),
    # 免申即享 lists of 鞍山 2023 13（5）、13（7）, their 公示 and its objections
    ("shi_keji", "鞍山市科技局工作人员", "city", None, "科技局"),
]
# Staff who also publish 鞍山's policy documents (发布政策文件) and review flagged rules.
PUBLISHERS = {"shi_shangwu"}


# Sample applications so every demo role has something to look at: (enterprise user, source,
# measure path, how far it goes). 鞍山 2024 第10条 runs 铁东区财政局 初审 → 市财政局 审核.
SAMPLES = [
    ("qiye_a", "000_6bda17272921f9c3.txt", "10", "submitted"),
    ("qiye_a", "000_6bda17272921f9c3.txt", "14", "draft"),
]
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def demo_uscc(first17: str) -> str:
    return first17 + check_character(first17)


class Command(BaseCommand):
    help = "创建各角色的演示账户（仅在 DEBUG 开启时）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=PASSWORD)

    def handle(self, *args, password, **options):
        # the state-change emails of the sample applications would only clutter the console;
        # they are sent when the transaction commits, so the override encloses it
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            with transaction.atomic():
                self.create(password)

    def create(self, password):
        if not settings.DEBUG:
            raise CommandError(
                "create_demo_accounts 仅在 DEBUG 模式下运行（DJANGO_DEBUG=1），生产环境不创建演示账户。"
            )
        city = City.objects.filter(name=CITY).first()
        if city is None or not District.objects.filter(city=city).exists():
            raise CommandError("请先运行 import_policies 和 load_districts。")
        create_reviewer_group(self)
        reviewers = Group.objects.get(name=REVIEWER_GROUP)
        create_publisher_group()
        publishers = Group.objects.get(name=PUBLISHER_GROUP)
        User = get_user_model()
        rows = []

        def account(username, **fields):
            user, _created = User.objects.get_or_create(username=username, defaults=fields)
            user.set_password(password)
            for key, value in fields.items():
                setattr(user, key, value)
            user.save()
            return user

        for username, label, code17, name, district_name in ENTERPRISES:
            district = District.objects.get(city=city, name=district_name)
            enterprise, _ = Enterprise.objects.update_or_create(
                uscc=demo_uscc(code17),
                defaults={
                    "name": name,
                    "city": city,
                    "district": district,
                    "contact_person": "张经理",
                    "phone": "0412-5550000",
                    "email": f"{username}@example.com",
                },
            )
            user = account(username, email=f"{username}@example.com", first_name="张经理")
            EnterpriseMembership.objects.update_or_create(
                user=user, defaults={"enterprise": enterprise}
            )
            rows.append((username, label, "/accounts/login/"))
        for username, label, level, district_name, kind in STAFF:
            if level == "district":
                department = district_department(
                    District.objects.get(city=city, name=district_name), kind
                )
            else:
                department = city_department(city, kind)
            user = account(username, is_staff=True, email=f"{username}@example.com")
            user.groups.add(reviewers)
            if username in PUBLISHERS:
                user.groups.add(publishers)
            StaffMembership.objects.update_or_create(user=user, defaults={"department": department})
            rows.append((username, f"{label}（{department}）", "/admin/"))
        account("admin", is_staff=True, is_superuser=True, email="admin@example.com")
        rows.append(("admin", "超级管理员（可编辑目录、流程、账户）", "/admin/"))
        samples = self.sample_applications()
        self.stdout.write(f"演示账户（密码均为 {password}）：")
        for username, label, url in rows:
            self.stdout.write(f"  {username:<18} {label}  → {url}")
        if samples:
            self.stdout.write(f"示例申报 {samples} 件（企业A）。")

    def sample_applications(self) -> int:
        """Created once, through the services, so their events and routes are real."""
        User = get_user_model()
        created = 0
        for username, source, path_key, stage in SAMPLES:
            user = User.objects.get(username=username)
            measure = Measure.objects.filter(document__source=source, path_key=path_key).first()
            enterprise = services.enterprise_of(user)
            if (
                measure is None
                or Application.objects.filter(enterprise=enterprise, measure=measure).exists()
            ):
                continue
            problem = services.deadline_problem(measure)
            if problem:  # e.g. PORTAL_TODAY before the measure took effect
                self.stdout.write(f"未创建示例申报（{measure}）：{problem}")
                continue
            application = services.create_draft(
                user,
                measure,
                requested_amount_yuan=100000,
                description="演示用申报：请按办理流程审核。",
            )
            services.add_attachment(
                application,
                user,
                material="营业执照",
                file=ContentFile(SAMPLE_PDF, name="yingye-zhizhao.pdf"),
                original_name="营业执照.pdf",
                content_type="application/pdf",
                size=len(SAMPLE_PDF),
            )
            if stage == "submitted":
                services.submit(application, user, comment="演示：提交申报")
            created += 1
        return created
