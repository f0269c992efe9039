"""The world the fuzz requests are made in: users, applications in several states, a saved
self-check and the good values of each parameter, each built when a test first needs it."""

import functools

from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applications import services
from policies.eligibility.models import Question, SavedCheck
from policies.models import City, Department, District, Measure, PolicyDocument, SupportType, Topic
from tests.applications.conftest import make_user, submitted


def question_values(question):
    kind = question.type
    if kind == Question.Type.YES_NO:
        return ["yes", "no", ""]
    if kind in (Question.Type.CHOICE, Question.Type.MULTI):
        return [c[0] for c in question.choices] + [""]
    if kind == Question.Type.DATE:
        return ["2020-05-18", "2023-01-01"]
    if kind == Question.Type.COUNT:
        return ["0", "12", "1000000"]
    return ["0", "12.5", "23000", "99999999.9999"]


class World:
    def __init__(self, personas, measure):
        self.personas = personas
        self.measure = measure
        self.clients = {None: Client(raise_request_exception=True)}

    def client(self, user):
        if user not in self.clients:
            self.clients[user] = Client(raise_request_exception=True)
            self.clients[user].force_login(self.user(user))
        return self.clients[user]

    def user(self, name):
        if name == "superuser":
            return self.superuser
        return {
            "enterprise": self.personas.enterprise_a2,  # has the draft
            "enterprise_reviewed": self.personas.enterprise_a,  # has the one in review
            "district_staff": self.personas.district_staff_a,
            "finance_staff": self.personas.city_finance,
            "commerce_staff": self.personas.city_commerce,  # publishes 3（1）'s notices
        }[name]

    @functools.cached_property
    def superuser(self):
        return make_user("root", is_staff=True, is_superuser=True)

    @functools.cached_property
    def unsubscribe_token(self):
        from portal.follows import unsubscribe_token

        return unsubscribe_token(self.personas.enterprise_a2)

    @functools.cached_property
    def draft(self):
        return services.create_draft(
            self.personas.enterprise_a2, self.measure, requested_amount_yuan=5000
        )

    @functools.cached_property
    def in_review(self):
        """Waiting at 铁东区商务局."""
        return submitted(self.personas.enterprise_a, self.measure)

    @functools.cached_property
    def at_finance(self):
        """Waiting at 市财政局 for the payment."""
        application = submitted(self.personas.enterprise_b, self.measure)
        for staff in ["district_staff_b", "city_commerce", "city_statistics"]:
            services.approve_step(application, getattr(self.personas, staff))
        application.refresh_from_db()
        return application

    @functools.cached_property
    def notice(self):
        """市商务局's 公示 of the item waiting at 市财政局, open on the portal's today."""
        from applications import notices

        return notices.publish_notice(self.personas.city_commerce, self.measure, [self.at_finance])

    @functools.cached_property
    def objection(self):
        from applications import notices

        return notices.raise_objection(
            self.notice, name="张三", contact="13800000000", text="请核实该企业的申报数据。"
        )

    @functools.cached_property
    def beneficiary_list(self):
        """A draft 免申即享 list of 13（5） with enterprise A."""
        from applications import exempt
        from applications.models import BeneficiaryList
        from tests.applications.conftest import measure_at

        measure = measure_at("13.5")
        blist = BeneficiaryList.objects.create(
            measure=measure,
            department=measure.departments.order_by("pk").first(),
            year=2023,
            title="名单",
            created_by=self.superuser,
        )
        enterprise = self.personas.enterprise_a.enterprise_membership.enterprise
        exempt.replace_rows(
            blist, [exempt.Row(2, enterprise.uscc, enterprise.name, "依据", 1000, enterprise)]
        )
        return blist

    @functools.cached_property
    def exempt_item(self):
        """Enterprise A's 免申即享 item, waiting for its confirmation."""
        from applications import exempt
        from applications.models import BeneficiaryList

        blist = BeneficiaryList.objects.create(
            measure=self.beneficiary_list.measure,
            department=self.beneficiary_list.department,
            year=2023,
            title="已下发名单",
            created_by=self.superuser,
        )
        enterprise = self.personas.enterprise_a.enterprise_membership.enterprise
        exempt.replace_rows(
            blist, [exempt.Row(2, enterprise.uscc, enterprise.name, "依据", 1000, enterprise)]
        )
        exempt.issue(blist, self.superuser)
        return blist.rows.get().application

    @functools.cached_property
    def anshan(self):
        return City.objects.get(slug="anshan")

    @functools.cached_property
    def token(self):
        check = SavedCheck.objects.create(city=self.anshan, answers={"industry": "F"}, skipped=[])
        return check.token

    @property
    def uidb64(self):
        return urlsafe_base64_encode(force_bytes(self.personas.enterprise_a.pk))

    @functools.cached_property
    def reset_token(self):
        return default_token_generator.make_token(self.personas.enterprise_a)

    @functools.cached_property
    def good(self):
        """Parameter name → good values."""
        questions = list(Question.objects.all())
        return {
            "city": list(City.objects.values_list("slug", flat=True)),
            "city_pk": list(City.objects.values_list("pk", flat=True)),
            "district": list(
                District.objects.filter(city=self.anshan).values_list("pk", flat=True)[:5]
            ),
            "all_districts": list(District.objects.values_list("pk", flat=True)[:10]),
            "document": list(PolicyDocument.objects.values_list("pk", flat=True)),
            "department": list(Department.objects.values_list("pk", flat=True)[:10]),
            "topic": list(Topic.objects.values_list("slug", flat=True)),
            "support_type": list(SupportType.objects.values_list("slug", flat=True)),
            "measure": [self.measure.pk, *Measure.objects.values_list("pk", flat=True)[:6]],
            "questions": {q.key: question_values(q) for q in questions},
            "profile_questions": {
                q.key: question_values(q)
                for q in questions
                if q.section == Question.Section.PROFILE
            },
            "sections": [choice.value for choice in Question.Section],
        }
