"""Workflows as data: derive a measure's stages from its 办理方式, resolve them per applicant.

The 办理方式 paragraphs of 鞍山 2023 describe routes in a small, regular vocabulary::

    报所在县（市）区、开发区商务部门，由市商务局会同市统计部门进行审核，符合要求企业，拨付资金到企业。

``parse_route`` reads such a text as a sequence of department mentions (with their level:
district, city, province) and acts (初审, 审核, 核定, 复核, 拨付) and turns it into ordered
stages. Departments joined by 会同/和/及/、 at one level form a joint stage; a department the
applicant submits *to* (向…, 报…, 到…) without an act of its own does the initial review;
a payment with no payer named is made by the city finance bureau; a route that falls back
to a lower level (a second procedure in the same paragraph) ends the first route. Where the
text names no route, ``default_route`` applies: the district counterpart of the responsible
city bureau does the initial review, the city bureau reviews, the city finance bureau pays.

The parse is deliberately plain; its result for every 鞍山 2023 measure with a 办理方式 is
pinned by golden tests, and staff can edit any workflow in the admin.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction

from policies.importer.fields import chinese_number
from policies.models import Department, District, Measure
from portal.compiled import compiled

from .models import Act, Intake, WorkflowStage

DISTRICT = Department.Level.DISTRICT
CITY = Department.Level.CITY
PROVINCE = Department.Level.PROVINCE
RANK = {DISTRICT: 0, CITY: 1, PROVINCE: 2}

# Canonical short name of a kind of department → the words that name it in the texts.
KINDS = {
    "商务局": ("商务",),
    "财政局": ("财政",),
    "工信局": ("工信", "工业和信息化"),
    "科技局": ("科技",),
    "统计局": ("统计",),
    "农业农村局": ("农业农村",),
    "人社局": ("人力资源和社会保障", "人社"),
    "文旅局": ("文旅广电", "文化旅游", "文化和旅游", "文旅"),
    "发改局": ("发展改革", "发展和改革", "发改"),
    "市场监管局": ("市场监督管理", "市场监管"),
}
# The district departments every district gets (``load_districts``); the 人民政府 decides
# and pays where a measure leaves it to the districts.
DISTRICT_DEPARTMENTS = [*KINDS, "人民政府"]
# Provincial departments the 鞍山 2023 handling texts send applications up to.
PROVINCIAL_DEPARTMENTS = {"辽宁省": ["省商务厅", "省工信厅", "省科技厅", "省文旅厅"]}
CITY_GOVERNMENT = "市人民政府"

_KEYWORDS = sorted(
    ((word, kind) for kind, words in KINDS.items() for word in words), key=lambda p: -len(p[0])
)
_KW = "|".join(re.escape(word) for word, _kind in _KEYWORDS)
_DISTRICT_PREFIX = (
    r"(?:所在|属地|各)?县(?:[（(][市、区]{1,3}[）)])?、?区?(?:、开发区)?(?:所在)?|当地"
)
MENTION = re.compile(
    rf"(?P<gov>市政府)|"
    rf"(?P<level>省|市级|市|本级|{_DISTRICT_PREFIX})?"
    rf"(?P<kinds>(?:{_KW})(?:(?:及|和|、)(?:{_KW}))*|相应|相关)?"
    rf"(?P<suffix>主管部门|管理部门|部门|局|厅|委)"
)
ACT = re.compile(
    r"(?P<act>初审|复核|核定|审核|审议|会商|评审|认证|备案|同意|拨付|下拨|划拨|下发(?:奖励)?资金)"
)
ACT_WORDS = {
    "初审": Act.PRELIMINARY,
    "复核": Act.RECHECK,
    "核定": Act.VERIFY,
}
DISBURSE_WORDS = ("拨付", "下拨", "划拨", "下发")
CONNECTOR = re.compile(r"^\s*(?:会同|和|及|与|、)\s*$")
RECEIVING = re.compile(r"向|报|到|至|提交")
# Document references, URLs and parenthesised numbers say nothing about the route.
NOISE = re.compile(r"《[^》]*》|[（(](?:https?:|辽|鞍)[^）)]*[）)]|https?://\S+")
NAMES_SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass(frozen=True)
class StageSpec:
    level: str
    act: str
    kinds: tuple  # canonical kind names ("商务局"), or CITY_GOVERNMENT
    source: str = field(default="", compare=False)
    unit: str = ""  # a step inside the department: 产业发展科, 党组会
    limit_days: int | None = None  # "…个工作日内" where the text states it

    def describe(self):
        unit = f"/{self.unit}" if self.unit else ""
        return f"{self.level}:{'+'.join(self.kinds)}{unit}:{self.act}"

    def text(self):
        """For staff: 区级 商务局（产业发展科） 受理（10个工作日）."""
        unit = f"（{self.unit}）" if self.unit else ""
        limit = f"（{self.limit_days}个工作日）" if self.limit_days else ""
        kinds = "、".join(self.kinds)
        return f"{Department.Level(self.level).label} {kinds}{unit} {Act(self.act).label}{limit}"


@dataclass
class _Mention:
    level: str | None
    kinds: tuple
    start: int
    end: int
    receiving: bool


def split_names(text: str) -> list[str]:
    return [name for name in NAMES_SPLIT.split(text or "") if name]


def kind_of(name: str) -> str | None:
    """The canonical kind of a department name: 市工业和信息化局 → 工信局."""
    for word, kind in _KEYWORDS:
        if word in name:
            return kind
    return None


def _kinds_in(text: str) -> tuple:
    found = []
    for part in re.split(r"及|和|、", text):
        kind = kind_of(part)
        if kind and kind not in found:
            found.append(kind)
    return tuple(found)


def _level_of(prefix: str | None) -> str | None:
    if not prefix:
        return None
    if prefix == "本级":
        return "ignore"
    if prefix == "省":
        return PROVINCE
    if prefix in ("市", "市级"):
        return CITY
    return DISTRICT


def _clause_start(text: str, index: int) -> int:
    return max(text.rfind(mark, 0, index) for mark in "，。；,;：") + 1


def _mentions(paragraph: str, responsible_kind: str | None):
    previous = None
    for match in MENTION.finditer(paragraph):
        if match.group("gov"):
            level, kinds = CITY, (CITY_GOVERNMENT,)
        else:
            level = _level_of(match.group("level"))
            words = match.group("kinds") or ""
            if level == "ignore":
                continue
            if words in ("", "相应", "相关"):
                generic = words == "相应" or match.group("suffix") in ("主管部门", "管理部门")
                if words == "相关" or not generic or level not in (DISTRICT, CITY):
                    continue
                if not responsible_kind:
                    continue
                kinds = (responsible_kind,)
            else:
                kinds = _kinds_in(words)
            if level is None:
                # "、财政局" after "市商务局": the level of the list it continues.
                between = paragraph[previous.end : match.start()] if previous else ""
                if previous is None or not CONNECTOR.match(between):
                    continue
                level = previous.level
        before = paragraph[_clause_start(paragraph, match.start()) : match.start()]
        mention = _Mention(level, kinds, match.start(), match.end(), bool(RECEIVING.search(before)))
        previous = mention
        yield mention


def _tokens(paragraph, responsible_kind):
    tokens = [("M", m.start, m) for m in _mentions(paragraph, responsible_kind)]
    tokens += [("A", a.start(), a) for a in ACT.finditer(paragraph)]
    return sorted(tokens, key=lambda t: t[1])


def _act_of(word: str) -> str:
    if word.startswith(DISBURSE_WORDS):
        return Act.DISBURSE
    return ACT_WORDS.get(word, Act.REVIEW)


def _parse_paragraph(paragraph: str, responsible_kind: str | None) -> list[StageSpec]:
    stages: list[StageSpec] = []
    pending: list[_Mention] = []  # department groups waiting for their act
    last_end = 0  # end of the last token, to see what joins two mentions
    last_act_end = -1
    top = -1  # highest level reached so far by a reviewing stage
    stopped = False

    def add(group: _Mention, act: str, source_end: int):
        nonlocal top, stopped
        if stopped:
            return
        rank = RANK[group.level]
        if act != Act.DISBURSE and rank < top:
            stopped = True  # a second procedure starts over from below
            return
        source = paragraph[_clause_start(paragraph, group.start) : source_end].strip()
        spec = StageSpec(group.level, act, group.kinds, source[:300])
        if stages and stages[-1] == spec:
            return
        stages.append(spec)
        if act != Act.DISBURSE:
            top = max(top, rank)

    def flush_pending():
        for group in pending:
            if group.receiving:
                add(group, Act.PRELIMINARY if not stages else Act.REVIEW, group.end)
        pending.clear()

    for kind, _start, token in _tokens(paragraph, responsible_kind):
        if kind == "M":
            between = paragraph[last_end : token.start]
            if last_act_end >= 0 and paragraph[last_act_end : token.start] in ("至", "到"):
                # "拨付至县区财政部门": where the money goes, not who acts.
                last_end = token.end
                continue
            if pending and CONNECTOR.match(between):
                head = pending[-1]
                if head.level == token.level:
                    merged = tuple(dict.fromkeys(head.kinds + token.kinds))
                    pending[-1] = _Mention(
                        head.level, merged, head.start, token.end, head.receiving
                    )
                else:
                    pending.append(token)
            elif pending and pending[-1].level == token.level and pending[-1].kinds == token.kinds:
                pending[-1].end = token.end  # the same department named again
            else:
                flush_pending()
                pending.append(token)
            last_end = token.end
            last_act_end = -1
        else:
            act = _act_of(token.group("act"))
            if pending:
                for group in pending:
                    add(group, act, token.end())
                pending.clear()
            elif act == Act.DISBURSE and (not stages or stages[-1].act != Act.DISBURSE):
                add(
                    _Mention(CITY, ("财政局",), token.start(), token.end(), False), act, token.end()
                )
            last_end = token.end()
            last_act_end = token.end()
    flush_pending()
    return stages


# A step inside one department, where the text names it: "到市文旅广电局产业发展科申请，由产业
# 发展科提请党组会审议，审议通过后由市文旅广电局向省文旅厅申请".
UNIT_INTAKE = re.compile(
    rf"(?P<level>市|县(?:[（(][市、区]{{1,3}}[）)])?、?区?)(?P<kinds>{_KW})[\u4e00-\u9fff]*?(?:局|委)"
    r"(?P<unit>[\u4e00-\u9fff]{2,8}?(?:科|处|中心))(?:申请|申报|提交|受理)"
)
UNIT_MEETING = re.compile(
    r"提请(?P<unit>党组会|局务会|办公会|常务会)(?:议)?(?P<act>审议|研究|审定)"
)
LIMIT = re.compile(r"(\d{1,3}|[一二三四五六七八九十]{1,3})个工作日(?:内|之内)?")


def _limit_days(number: str) -> int:
    return int(number) if number.isdigit() else chinese_number(number)


def _internal_steps(paragraph: str) -> list[StageSpec]:
    """The steps a department takes inside itself before its decision: a 科室 receiving the
    application, a 党组会 deliberating."""
    intake = UNIT_INTAKE.search(paragraph)
    if intake is None:
        return []
    level = _level_of(intake.group("level"))
    kinds = _kinds_in(intake.group("kinds"))
    steps = [StageSpec(level, Act.RECEIVE, kinds, intake.group(0), unit=intake.group("unit"))]
    meeting = UNIT_MEETING.search(paragraph, intake.end())
    if meeting:
        steps.append(
            StageSpec(level, Act.DELIBERATE, kinds, meeting.group(0), unit=meeting.group("unit"))
        )
    return steps


def _with_limits(paragraph: str, stages: list[StageSpec]) -> list[StageSpec]:
    """ "N个工作日内" belongs to the stage whose words come last before it."""
    starts = [paragraph.find(stage.source) if stage.source else -1 for stage in stages]
    limits = [stage.limit_days for stage in stages]
    for match in LIMIT.finditer(paragraph):
        before = [i for i, start in enumerate(starts) if 0 <= start <= match.start()]
        if before:
            limits[max(before, key=lambda i: starts[i])] = _limit_days(match.group(1))
    return [
        StageSpec(s.level, s.act, s.kinds, s.source, unit=s.unit, limit_days=limit)
        for s, limit in zip(stages, limits, strict=True)
    ]


def parse_route(handling: str, responsible_kind: str | None = None) -> list[StageSpec]:
    """The stages a 办理方式 text describes ([] when it names no route): a pure function of
    the text.

    Where the text describes several procedures in separate paragraphs (社零额部分 /
    直播示范基地部分), the first paragraph that names a route is used. A department's
    internal steps (科室受理 → 党组会审议) come before its own stages, and replace a plain
    review of the same department."""
    text = NOISE.sub("", handling or "")
    for paragraph in text.splitlines():
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        stages = _parse_paragraph(paragraph, responsible_kind)
        if stages and not all(_is_implicit_payment(stage) for stage in stages):
            internal = _internal_steps(paragraph)
            if internal:
                inside = (internal[0].level, internal[0].kinds)
                stages = internal + [s for s in stages if (s.level, s.kinds) != inside]
            return _with_limits(paragraph, stages)
    return []


def _is_implicit_payment(stage: StageSpec) -> bool:
    # "免申请直接拨付至单位银行账号" alone is no route to apply along.
    return stage.act == Act.DISBURSE and stage.level == CITY and stage.kinds == ("财政局",)


def default_route(responsible_kind: str | None, responsible_name: str = "") -> list[StageSpec]:
    """District bureau initial review → the responsible city bureau's review → city finance pays."""
    stages = []
    if responsible_name.startswith("各县"):
        # "各县（市）区人民政府…自行确定": the district government decides and pays.
        return [
            StageSpec(DISTRICT, Act.REVIEW, ("人民政府",), "默认流程"),
            StageSpec(DISTRICT, Act.DISBURSE, ("财政局",), "默认流程"),
        ]
    if responsible_kind:
        stages.append(StageSpec(DISTRICT, Act.PRELIMINARY, (responsible_kind,), "默认流程"))
        stages.append(StageSpec(CITY, Act.REVIEW, (responsible_kind,), "默认流程"))
    elif responsible_name:
        stages.append(StageSpec(CITY, Act.REVIEW, (responsible_name,), "默认流程"))
    if not stages or stages[-1].kinds != ("财政局",):
        stages.append(StageSpec(CITY, Act.DISBURSE, ("财政局",), "默认流程"))
    return stages


def responsible(measure: Measure):
    """The first responsible department of a measure, and its kind (or None)."""
    first = next(iter(measure.departments.order_by("measuredepartment__position", "pk")), None)
    if first is None:
        return None, None
    return first, kind_of(first.name)


GRANT_WORDS = re.compile(r"奖励|奖补|补贴|补助|贴息|后补助|返还|支持金额|资金支持(?!力度)")


def grants_money(measure: Measure) -> bool:
    """What the text says: the measure grants money (奖励, 补贴, 贴息…) and is not 免申即享.

    Amounts alone do not decide it: "投资额度5亿元以上" is a target, not a grant.
    """
    if measure.free_of_application:
        return False
    return bool(GRANT_WORDS.search(measure.text or ""))


def decide_intake(measure: Measure) -> Intake:
    """The measure's intake, decided from its text the first time and kept after that. A
    measure with a 免申即享 route publishes its items (公示) before paying them: the
    department chose the enterprises itself, so the public gets to object first."""
    accepts = grants_money(measure)
    intake, _created = Intake.objects.get_or_create(
        measure=measure,
        defaults={
            "accepts": accepts,
            "notice_required": exempt_route(measure),
            "note": "正文规定向企业发放资金"
            if accepts
            else ("免申即享" if measure.free_of_application else "正文未规定向企业发放资金"),
        },
    )
    return intake


def exempt_route(measure: Measure) -> bool:
    """Whether the measure has a 免申即享 route (its department lists the enterprises, which
    confirm and are paid): a 免申即享 measure, or one whose 办理方式 says 免申即享 as one of
    its ways (鞍山 2023 18（2）: 采取“免申即享”和自主申请相结合). The one definition."""
    return bool(measure.free_of_application or EXEMPT_WORDS in (measure.handling or ""))


EXEMPT_WORDS = "免申即享"


def exempt_route_q():
    """``exempt_route`` as a query on measures (the same definition)."""
    from django.db.models import Q

    return Q(free_of_application=True) | Q(handling__contains=EXEMPT_WORDS)


def exempt_payment(measure: Measure, district: District):
    """Who pays a 免申即享 item of an enterprise in ``district``: (level, limit in working
    days or None, departments) — the measure's workflow's final payment stage when it has
    one, else the city's finance bureau."""
    stages = stages_of(measure)
    if stages and stages[-1].act == Act.DISBURSE:
        departments = resolve_stage(stages[-1], district)
        if departments:
            return stages[-1].level, stages[-1].limit_days, departments
    return CITY, None, [city_department(measure.document.city, "财政局")]


@compiled
def accepting_intake(measure_id):
    """The measure's intake if it accepts applications: a list of one row or none. Compiled
    once (``portal.compiled``): every uncached measure page asks."""
    return Intake.objects.filter(measure=measure_id, accepts=True).only("pk")


_READ = object()


def takes_applications(measure: Measure, intake=_READ) -> bool:
    """Whether the measure takes applications online: its intake (data) says so — ``intake``
    as the caller loaded it with the measure (None: it has none; a measure's page joins it,
    ``policies.views.page_measure``), or else read now."""
    if measure.free_of_application:
        return False
    if intake is _READ:
        return bool(accepting_intake(measure.pk))
    return intake is not None and intake.accepts


def route_of(measure: Measure) -> list[StageSpec]:
    """The route the measure's 办理方式 describes, else the default route."""
    department, kind = responsible(measure)
    return parse_route(measure.handling, kind) or default_route(
        kind, department.name if department else ""
    )


def derive_workflow(measure: Measure) -> list[StageSpec]:
    """What the text gives: the route of a measure that grants money, none for the others."""
    return route_of(measure) if grants_money(measure) else []


# --- departments ---------------------------------------------------------------------------


def city_department(city, kind: str) -> Department:
    """The city's department of a kind (by name or alias), created if the catalogue lacks it."""
    if kind == CITY_GOVERNMENT:
        department, _ = Department.objects.get_or_create(
            city=city,
            district=None,
            province=city.province,
            name=CITY_GOVERNMENT,
            defaults={"level": CITY},
        )
        return department
    words = KINDS.get(kind, (kind,))
    candidates = Department.objects.filter(city=city, district=None, level=CITY).order_by("pk")
    for department in candidates:
        names = [department.name, *(department.aliases or [])]
        if any(word in name for word in words for name in names):
            return department
    department, _ = Department.objects.get_or_create(
        city=city,
        district=None,
        province=city.province,
        name=f"市{kind}",
        defaults={"level": CITY},
    )
    return department


def province_department(province: str, kind: str) -> Department:
    name = f"省{kind[:-1]}厅" if kind.endswith("局") else kind
    department, _ = Department.objects.get_or_create(
        province=province,
        city=None,
        district=None,
        name=name,
        defaults={"level": PROVINCE},
    )
    return department


def district_department(district: District, name: str) -> Department:
    department, _ = Department.objects.get_or_create(
        province=district.city.province,
        city=district.city,
        district=district,
        name=name,
        defaults={"level": DISTRICT},
    )
    return department


@transaction.atomic
def save_workflow(measure: Measure, specs: list[StageSpec]) -> list[WorkflowStage]:
    """Replace the measure's workflow by ``specs`` (at load time or by a staff action, never
    while a page is read)."""
    measure.workflow_stages.all().delete()
    stages = []
    for position, spec in enumerate(specs, start=1):
        stage = WorkflowStage.objects.create(
            measure=measure,
            position=position,
            level=spec.level,
            act=spec.act,
            unit=spec.unit,
            limit_days=spec.limit_days,
            district_departments="、".join(spec.kinds) if spec.level == DISTRICT else "",
            source=spec.source,
        )
        if spec.level == CITY:
            stage.departments.set([city_department(measure.document.city, k) for k in spec.kinds])
        elif spec.level == PROVINCE:
            province = measure.document.city.province
            stage.departments.set([province_department(province, k) for k in spec.kinds])
        stages.append(stage)
    return stages


def stages_of(measure: Measure) -> list[WorkflowStage]:
    """The measure's saved workflow, as it is: reading it never derives or writes anything."""
    return list(measure.workflow_stages.order_by("position").prefetch_related("departments"))


def ensure_workflow(measure: Measure, overwrite: bool = False) -> list[WorkflowStage]:
    """Derive and save the measure's workflow if it has none (or ``overwrite``): called by
    ``load_districts`` and by the admin's explicit action, never on a page request."""
    existing = stages_of(measure)
    if existing and not overwrite:
        return existing
    # a measure staff opened to applications gets a route even if its text grants no money
    return save_workflow(measure, route_of(measure) if takes_applications(measure) else [])


def resolve_stage(stage: WorkflowStage, district: District) -> list[Department]:
    """The departments acting at a stage for an applicant in ``district`` — looked up only:
    ``load_districts`` creates every district's departments."""
    if stage.level == DISTRICT:
        names = stage.district_department_names
        found = {d.name: d for d in Department.objects.filter(district=district, name__in=names)}
        return [found[name] for name in names if name in found]
    return list(stage.departments.all())
