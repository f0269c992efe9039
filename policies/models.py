"""The policy catalogue: cities, their districts and departments, documents, chapters, measures.

Documents come two ways, through the same pipeline (``policies.importer``): the seeds, the
verbatim sources in ``fixtures/sources/`` (``import_policies``), and what department staff
publish (``policies.publishing``: 发布政策文件 in the admin, ``manage.py publish_document``),
staged as a ``DocumentDraft`` until published. A new version of a published document
replaces its text in the same row (ids and URLs stay); the version it replaced is kept as a
``DocumentVersion``, and each measure it changed records a ``MeasureRevision``. Staff may
correct rows in the admin, and the importer keeps such corrections (see
``Measure.import_fingerprint``).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import WriteOnce
from portal.reversal import object_url

from . import validity


class City(models.Model):
    name = models.CharField(_("城市"), max_length=32, unique=True)
    slug = models.SlugField(_("标识"), max_length=32, unique=True)
    province = models.CharField(_("省份"), max_length=32)
    code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    phone_area_code = models.CharField(
        _("电话区号"),
        max_length=6,
        blank=True,
        help_text=_("如 0412；文件所列固定电话不带区号，拨号链接据此补全（fixtures/cities.toml）"),
    )

    class Meta:
        verbose_name = _("城市")
        verbose_name_plural = _("城市")
        ordering = ["code", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("policies:city", slug=self.slug)


class District(models.Model):
    """A county, county-level city, district or development zone of a city."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("市辖区")
        COUNTY = "county", _("县")
        COUNTY_CITY = "county_city", _("县级市")
        ZONE = "zone", _("开发区/功能区")

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="districts", verbose_name=_("城市")
    )
    name = models.CharField(_("名称"), max_length=48)
    code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("县（市）区")
        verbose_name_plural = _("县（市）区")
        ordering = ["city", "code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="district_unique_name"),
        ]

    def __str__(self):
        """鞍山市铁东区; a name that already says its city stays as it is (三门峡市城乡一体化示范区,
        鞍山高新技术产业开发区), never 三门峡市三门峡市…"""
        city = self.city.name
        return self.name if self.name.startswith(city.removesuffix("市")) else f"{city}{self.name}"


class Department(models.Model):
    """A government department (or bank, customs office…) named by a document.

    Names are normalised per city by the importer: ``市工信局`` and ``市工业和信息化局``
    are one row; the spellings seen in the sources are kept in ``aliases``.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        DISTRICT = "district", _("县区级")

    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, default=Level.CITY)
    province = models.CharField(_("省份"), max_length=32, blank=True)
    city = models.ForeignKey(
        City,
        on_delete=models.CASCADE,
        related_name="departments",
        null=True,
        blank=True,
        verbose_name=_("城市"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="departments",
        null=True,
        blank=True,
        verbose_name=_("县（市）区"),
    )
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    service_days = models.PositiveSmallIntegerField(
        _("默认办理时限（工作日）"),
        null=True,
        blank=True,
        help_text=_("本部门每个办理环节的默认时限；留空则按全市默认（10 个工作日）"),
    )
    # Staff-entered contact details: the importer never writes them (``DepartmentContact``
    # holds what the documents say), so an edit here survives every re-import.
    phone = models.CharField(
        _("联系电话"), max_length=100, blank=True, help_text=_("多个号码用“、”分隔")
    )
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=100, blank=True)
    website = models.URLField(_("网站"), blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["city", "level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "name"],
                condition=Q(city__isnull=True),
                name="department_unique_province_name",
            ),
            models.UniqueConstraint(
                fields=["city", "name"],
                condition=Q(city__isnull=False, district__isnull=True),
                name="department_unique_city_name",
            ),
            models.UniqueConstraint(
                fields=["district", "name"],
                condition=Q(district__isnull=False),
                name="department_unique_district_name",
            ),
        ]

    def __str__(self):
        if self.district_id:
            return f"{self.district}{self.name}"
        if self.city_id:
            return f"{self.city.name}·{self.name}"
        return f"{self.province}·{self.name}"

    def get_absolute_url(self):
        return object_url("policies:department", pk=self.pk)

    @property
    def has_contact_details(self) -> bool:
        return any((self.phone, self.address, self.office_hours, self.website, self.email))


class Topic(models.Model):
    """A theme of the small taxonomy (促消费, 科技创新…), assigned by rules in fixtures."""

    slug = models.SlugField(_("标识"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("主题")
        verbose_name_plural = _("主题")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("policies:topic", slug=self.slug)


class SupportType(models.Model):
    """The kind of support a measure gives: 奖励, 补贴, 贷款贴息, 担保费, 税费, 用地, 服务…"""

    slug = models.SlugField(_("标识"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("支持方式")
        verbose_name_plural = _("支持方式")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ValidityFields(models.Model):
    """A period of validity (see ``policies.validity``), stored so that lists filter on it."""

    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    validity_kind = models.CharField(
        _("时效"), max_length=16, choices=validity.Kind.choices, default=validity.Kind.UNKNOWN
    )
    validity_words = models.TextField(_("时效依据（原文）"), blank=True)
    validity_basis = models.CharField(
        _("时效来源"),
        max_length=16,
        choices=validity.Basis.choices,
        default=validity.Basis.DOCUMENT,
    )
    validity_note = models.CharField(_("时效说明"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def period(self) -> validity.Period:
        return validity.Period(
            start=self.valid_from,
            end=self.valid_until,
            kind=self.validity_kind,
            words=self.validity_words,
            basis=self.validity_basis,
            note=self.validity_note,
        )

    def set_period(self, period: validity.Period) -> None:
        for name, value in period_values(period).items():
            setattr(self, name, value)


def period_values(period: validity.Period) -> dict:
    """The ``ValidityFields`` values of a period."""
    return {
        "valid_from": period.start,
        "valid_until": period.end,
        "validity_kind": str(period.kind),
        "validity_words": period.words,
        "validity_basis": str(period.basis),
        "validity_note": period.note,
    }


PERIOD_FIELDS = tuple(period_values(validity.UNKNOWN_PERIOD))


class RetirementFields(models.Model):
    """A row the importer retired: nothing is deleted by an import or a revision.

    A document whose source file is gone, or a measure whose item is no longer in its
    source, is *retired* (``retired_at`` set, with the reason shown on its page) rather than
    deleted: it keeps its id, so its URL keeps answering, and everything attached to it
    (intake, workflow stages, self-check rule, applications) is kept. It is no longer
    public: ``objects`` (and every list, count, search and self-check built on it) leaves
    it out. When the item is in the source again, the importer un-retires the same row.
    """

    retired_at = models.DateTimeField(
        _("撤回时间"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("由导入程序设置：来源文件中已无此条时撤回（不删除），重新出现时恢复"),
    )
    retired_reason = models.CharField(_("撤回原因"), max_length=300, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class PublicQuerySet(models.QuerySet):
    def public(self):
        """Rows shown to the public: not retired (``RetirementFields``)."""
        return self.filter(retired_at__isnull=True)

    def retired(self):
        return self.filter(retired_at__isnull=False)


class PublicManager(models.Manager):
    """``Model.objects``: public rows only. Every public list, count, search, the self-check
    and the JSON API read through it; ``all_objects`` (the model's default manager, which
    the admin, forms, relations and ``dumpdata`` use) has every row, retired ones too.
    Kept in migrations, so that data migrations' ``objects`` exists and means the same."""

    use_in_migrations = True

    def get_queryset(self):
        return super().get_queryset().filter(retired_at__isnull=True)


class DocumentManager(PublicManager.from_queryset(PublicQuerySet)):
    pass


class PolicyDocument(RetirementFields, ValidityFields):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("正式印发")
        DRAFT = "draft", _("征求意见稿")

    source = models.CharField(_("来源文件"), max_length=128, unique=True)
    slug = models.SlugField(
        _("标识"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_(
            "公开的稳定标识，如 anshan-2023（城市标识-发布年份）；导入程序新建时设定，此后不变"
        ),
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="documents", verbose_name=_("城市")
    )
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    captured_on = models.DateField(_("采集日期"), null=True, blank=True)
    status = models.CharField(
        _("发布状态"), max_length=16, choices=Status.choices, default=Status.PUBLISHED
    )
    complete = models.BooleanField(_("来源完整"), default=True)
    source_text = models.TextField(_("原文（照录）"))
    clean_text = models.TextField(_("整理后正文"))
    closing_text = models.TextField(
        _("结尾"), blank=True, help_text=_("末条措施之后的正文（施行日期等），由导入程序读取")
    )
    source_sha256 = models.CharField(
        _("原文摘要"), max_length=64, help_text=_("原文文件（上传的文件或来源文本）的 SHA-256")
    )
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    # Provenance (来源): where the text came from, who published it and when.
    class Origin(models.TextChoices):
        SEED = "seed", _("随系统导入的来源文件")
        PUBLISHED = "published", _("部门发布")

    origin = models.CharField(
        _("来源方式"), max_length=16, choices=Origin.choices, default=Origin.SEED, editable=False
    )
    source_file = models.FileField(
        _("原始文件"), upload_to="policy-sources/%Y/%m/", blank=True, editable=False
    )
    source_filename = models.CharField(_("原始文件名"), max_length=255, blank=True, editable=False)
    source_url = models.URLField(_("来源网址"), max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("发布人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True, editable=False)
    repeal_basis = models.CharField(_("废止依据"), max_length=300, blank=True, editable=False)

    objects = DocumentManager()  # public documents only
    all_objects = PublicQuerySet.as_manager()  # every document, retired ones too

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["city", "-issued_on", "source"]
        default_manager_name = "all_objects"
        indexes = [
            # The drafts (a draft's measures are never in force): the 有效 filter asks for
            # them on every list. Without it SQLite built a temporary index over the
            # documents for each query: a count of one topic's measures in force took
            # 1.8 ms at the bench's 100,000 measures, with it 0.8 ms (2026-12-03).
            models.Index(fields=["status", "retired_at"], name="policydocument_status"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:  # a document created elsewhere than by the importer gets one too
            self.slug = self.new_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return object_url("policies:document", pk=self.pk)

    def new_slug(self, year: int | None = None) -> str:
        """The identifier a new document gets (once: it never changes after): its city's slug
        and its year ("anshan-2023"), "-2", "-3"… when the city has a document of that year
        already, "-undated" when the year is unknown. ``year`` defaults to the year of its
        date, else of its capture; the importer passes the curated year of an undated draft.
        (Migration 0009 gave the documents before it theirs the same way.)"""
        if year is None:
            day = self.issued_on or self.captured_on
            year = day.year if day else None
        base = f"{self.city.slug}-{year}" if year else f"{self.city.slug}-undated"
        taken = set(
            PolicyDocument.all_objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_repealed(self) -> bool:
        return self.repealed_on is not None

    def validity_status(self, today: datetime.date) -> str:
        return validity.status_of(self.period, today, draft=self.is_draft)

    def validity_text(self) -> str:
        return validity.describe(self.period, issued_on=self.issued_on)


class Chapter(models.Model):
    document = models.ForeignKey(
        PolicyDocument, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("文件")
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=200)

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="chapter_unique_number"),
        ]

    def __str__(self):
        return self.title


class MeasureQuerySet(PublicQuerySet):
    def with_status(self, status: str, today: datetime.date):
        """Public measures whose validity status on ``today`` is ``status``
        (``policies.validity``): a retired measure has none, it is withdrawn."""
        return self.public().filter(validity.measure_q(status, today))

    def in_force(self, today: datetime.date | None = None):
        """Measures counted as 现行有效 on ``today`` (有效 or 即将到期)."""
        if today is None:
            from portal.dates import today as portal_today

            today = portal_today()
        return self.with_status("counted", today)


class MeasureManager(PublicManager.from_queryset(MeasureQuerySet)):
    pass


class Measure(RetirementFields, ValidityFields):
    document = models.ForeignKey(
        PolicyDocument, on_delete=models.CASCADE, related_name="measures", verbose_name=_("文件")
    )
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        related_name="measures",
        null=True,
        blank=True,
        verbose_name=_("章节"),
    )
    path = models.JSONField(_("条目位置"), help_text=_("如 [16] 或 [3, 1]"))
    path_key = models.CharField(_("条目编号"), max_length=16, help_text=_("如 16 或 3.1"))
    position = models.PositiveIntegerField(_("顺序"), default=0)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"))
    handling = models.TextField(_("办理方式"), blank=True)
    deadline_text = models.CharField(_("执行期限（原文）"), max_length=200, blank=True)
    validity_parts = models.JSONField(
        _("分项时效"),
        default=list,
        blank=True,
        help_text=_("正文中自带期限的语句：[{sentence, period}]，由导入程序读取"),
    )
    contacts = models.JSONField(_("联系人"), default=list, blank=True)
    amounts_yuan = models.JSONField(_("金额（元）"), default=list, blank=True)
    support_amounts_yuan = models.JSONField(
        _("支持金额（元）"),
        default=list,
        blank=True,
        help_text=_("正文给予的金额；门槛、目标和预算金额不计"),
    )
    max_amount_yuan = models.BigIntegerField(
        _("最高支持金额（元）"),
        null=True,
        blank=True,
        help_text=_("正文给予的最高金额；门槛、目标和预算金额不计"),
    )
    free_of_application = models.BooleanField(_("免申即享"), default=False)
    departments = models.ManyToManyField(
        Department,
        through="MeasureDepartment",
        related_name="measures",
        blank=True,
        verbose_name=_("责任单位"),
    )
    topics = models.ManyToManyField(
        Topic, related_name="measures", blank=True, verbose_name=_("主题")
    )
    support_types = models.ManyToManyField(
        SupportType, related_name="measures", blank=True, verbose_name=_("支持方式")
    )
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = MeasureManager()  # public measures only
    all_objects = MeasureQuerySet.as_manager()  # every measure, retired ones too

    class Meta:
        verbose_name = _("政策措施")
        verbose_name_plural = _("政策措施")
        ordering = ["document", "position"]
        default_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(fields=["document", "path_key"], name="measure_unique_path"),
        ]
        indexes = [
            models.Index(fields=["document", "position"]),
            models.Index(fields=["valid_until"]),
            models.Index(fields=["max_amount_yuan"]),
        ]

    def __str__(self):
        return f"{self.path_label} {self.title}"

    def get_absolute_url(self):
        return object_url("policies:measure", pk=self.pk)

    @property
    def identifier(self) -> str:
        """The stable public identifier: the document's slug and the path, "anshan-2023/3.1"."""
        return f"{self.document.slug}/{self.path_key}"

    @property
    def path_label(self):
        """How the document numbers it: 16, 3（1）, （十三）-style numbers are shown as 13."""
        head, *rest = self.path
        return f"{head}" + "".join(f"（{n}）" for n in rest)

    def validity_status(self, today: datetime.date) -> str:
        """有效 / 即将到期 / 已到期 / 未生效 / 时效未明 on ``today``; a draft's measure is never
        in force (reads the document, which every page loads with the measure)."""
        return validity.status_of(self.period, today, draft=self.document.is_draft)

    def validity_text(self) -> str:
        return validity.describe(self.period, issued_on=self.document.issued_on)

    @property
    def parts(self) -> list[validity.ClausePeriod]:
        """The sentences that state their own period, each with it."""
        return [
            validity.ClausePeriod(
                sentence=part["sentence"], period=validity.Period.from_dict(part["period"])
            )
            for part in self.validity_parts or []
        ]

    @property
    def threshold_amounts_yuan(self) -> list[int]:
        """Amounts the text names that are not support: thresholds, targets, budgets."""
        support = set(self.support_amounts_yuan or [])
        return [amount for amount in self.amounts_yuan or [] if amount not in support]


class MeasureDepartment(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "department"], name="measure_department_unique"
            ),
        ]

    def __str__(self):
        return str(self.department)


class EditorialNote(models.Model):
    """A correction from the errata file, applied by the importer and shown to readers, one
    note per place it corrects: a measure (its text, 办理方式 or 责任单位) or, without one,
    the text before or after the measures."""

    class Kind(models.TextChoices):
        REPLACE = "replace", _("校正")
        DELETE = "delete", _("删除")
        INSERT = "insert", _("补字")
        KEEP = "keep", _("照录")

    document = models.ForeignKey(
        PolicyDocument,
        on_delete=models.CASCADE,
        related_name="editorial_notes",
        verbose_name=_("文件"),
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="editorial_notes",
        null=True,
        blank=True,
        verbose_name=_("措施"),
    )
    garbled = models.TextField(_("原文乱码"))
    correction = models.TextField(_("校正"))
    kind = models.CharField(_("校注类型"), max_length=8, choices=Kind.choices, default=Kind.REPLACE)
    change = models.CharField(
        _("增删的文字"),
        max_length=100,
        blank=True,
        help_text=_("删除或补字时，删去或补入的文字"),
    )
    anchor = models.CharField(
        _("校注位置"),
        max_length=200,
        blank=True,
        help_text=_("整理后正文中标注校注的文字（校正后的文字，或照录的原文）"),
    )
    reason = models.TextField(_("依据"))

    class Meta:
        verbose_name = _("编者校注")
        verbose_name_plural = _("编者校注")
        ordering = ["document", "pk"]

    def __str__(self):
        return f"{self.garbled} → {self.correction}"


class DepartmentContact(models.Model):
    """A contact person of a department as the documents name them (责任人, 联系方式): office
    (科室), title, name and phones, with the measures that name them.

    Derived by the importer (``policies.importer.contacts``) from ``Measure.contacts`` and
    refreshed on every import; never deleted: a contact no document names any more keeps
    its row, without measures, and is no longer shown. Staff keep a department's own
    details on ``Department`` (phone, address…), which the importer never writes."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("部门")
    )
    office = models.CharField(_("科室"), max_length=64, blank=True)
    title = models.CharField(_("职务"), max_length=32, blank=True)
    name = models.CharField(_("姓名"), max_length=16, blank=True)
    phones = models.JSONField(_("电话"), default=list, blank=True)
    measures = models.ManyToManyField(
        Measure, related_name="department_contacts", blank=True, verbose_name=_("出处")
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("文件所列联系人")
        verbose_name_plural = _("文件所列联系人")
        ordering = ["department", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "office", "title", "name"],
                name="department_contact_unique",
            ),
        ]

    def __str__(self):
        return " ".join(part for part in (self.office, self.title, self.name) if part)


class IndexedGram(models.Model):
    """What a row of the search index says of one gram of a measure's title and text: how
    often it occurs (``count``), whether in the title (``in_title``), and its rank as a search
    term (``score``: the count, plus ``search.TITLE_WEIGHT`` when in the title), so that the
    (gram, score, measure) index lists a gram's measures in rank order. Each table adds its
    ``measure`` and ``gram`` fields. See ``policies.search``."""

    in_title = models.BooleanField(default=False)
    count = models.PositiveSmallIntegerField(default=1)
    score = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["gram", "measure"], name="%(class)s_unique"),
        ]
        indexes = [
            models.Index(fields=["gram", "-score", "measure"], name="%(class)s_rank"),
        ]

    def __str__(self):
        return self.gram


class MeasureGram(IndexedGram):
    """One gram (overlapping character pair, or a run's last character) of a measure's title
    and text, for search: two-character queries (补贴, 上市) are answered from this index on
    SQLite and PostgreSQL alike."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="grams")
    gram = models.CharField(max_length=2)


class MeasureQuad(IndexedGram):
    """One overlapping run of four characters of a measure's title and text: four-character
    queries (专精特新, 融资担保, 技术改造) are answered from this index as two-character ones
    are from ``MeasureGram``."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="quads")
    gram = models.CharField(max_length=4)


class CatalogueRevision(models.Model):
    """One counter, bumped by every change to what a policy page shows (a document, a
    measure, its intake or workflow, in the admin or by a load command or a service): the
    key of the page cache and of cached counts (``portal.pagecache.catalogue_revision``), so a
    cached page never outlives the facts it shows, on any node."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")

    def __str__(self):
        return str(self.value)

    @classmethod
    def bump(cls, **_signal_kwargs) -> None:
        """Count one change (usable as a signal receiver). Inside the writer's transaction,
        so a reader sees the new number only with the new facts."""
        if not cls.objects.filter(pk=1).update(value=models.F("value") + 1):
            cls.objects.get_or_create(pk=1, defaults={"value": 1})


class DocumentVersion(WriteOnce):
    """A version of a document that a later one replaced (修订): kept, readable, never changed.

    The document's row always holds its current version (``PolicyDocument.version``); this
    holds what an earlier one said — its title, text and measures as they were — so that its
    page can say "已被《…》替代" and a measure's page can show what changed."""

    document = models.ForeignKey(
        PolicyDocument,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("政策文件"),
    )
    number = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    source_text = models.TextField(_("原文（照录）"))
    clean_text = models.TextField(_("整理后正文"))
    source_sha256 = models.CharField(_("原文摘要"), max_length=64)
    source_file = models.CharField(_("原始文件"), max_length=255, blank=True)
    source_filename = models.CharField(_("原始文件名"), max_length=255, blank=True)
    source_url = models.URLField(_("来源网址"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by_name = models.CharField(_("发布人"), max_length=150, blank=True)
    measures = models.JSONField(_("措施（当时）"), default=list)
    superseded_at = models.DateTimeField(_("被替代时间"))
    superseded_by_title = models.CharField(_("替代文件标题"), max_length=200)

    class Meta:
        verbose_name = _("历史版本")
        verbose_name_plural = _("历史版本")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_once")
        ]

    def __str__(self):
        return f"{self.title}（第{self.number}版）"

    def get_absolute_url(self):
        return reverse(
            "policies:document_version", kwargs={"pk": self.document_id, "number": self.number}
        )


class MeasureRevision(WriteOnce):
    """What a new version of its document changed in one measure (or that it removed or
    added it): the values before and after, for the readable diff on the measure's page."""

    class Kind(models.TextChoices):
        CHANGED = "changed", _("修订")
        ADDED = "added", _("新增")
        REMOVED = "removed", _("删除")
        RESTORED = "restored", _("恢复")

    measure = models.ForeignKey(
        "Measure", on_delete=models.PROTECT, related_name="revisions", verbose_name=_("措施")
    )
    document = models.ForeignKey(
        PolicyDocument, on_delete=models.PROTECT, related_name="+", verbose_name=_("政策文件")
    )
    version = models.PositiveIntegerField(_("文件版本"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    before = models.JSONField(_("修订前"), default=dict)
    after = models.JSONField(_("修订后"), default=dict)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("措施修订记录")
        verbose_name_plural = _("措施修订记录")
        ordering = ["measure", "version"]

    def __str__(self):
        return f"{self.measure_id} v{self.version} {self.get_kind_display()}"


class DocumentDraft(models.Model):
    """A document being published (发布政策文件): the text staff uploaded or pasted, what they
    said about it, and its state. Nothing of it is public until it is published
    (``policies.publishing.publish``); its preview is parsed afresh from ``text`` on every
    view (reads only)."""

    class State(models.TextChoices):
        EDITING = "editing", _("待发布")
        PUBLISHED = "published", _("已发布")
        DISCARDED = "discarded", _("已放弃")

    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.EDITING, editable=False
    )
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("城市")
    )
    issuer = models.CharField(_("发文机关"), max_length=100)
    issued_on = models.DateField(_("发布日期"))
    title = models.CharField(_("标题"), max_length=200, blank=True, help_text=_("留空则从正文读取"))
    source_url = models.URLField(_("来源网址"), max_length=500, blank=True)
    supersedes = models.ForeignKey(
        PolicyDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修订（替代）的文件"),
        help_text=_("本文件是某一已发布文件的新版本时选择；其措施保留编号和链接"),
    )
    text = models.TextField(_("正文"), help_text=_("从文件读取或粘贴；可在此修改后重新解析"))
    source_file = models.FileField(
        _("原始文件"), upload_to="policy-drafts/%Y/%m/", blank=True, editable=False
    )
    source_filename = models.CharField(_("原始文件名"), max_length=255, blank=True, editable=False)
    source_sha256 = models.CharField(_("原文摘要"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    document = models.ForeignKey(
        PolicyDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts",
        editable=False,
        verbose_name=_("发布为"),
    )

    class Meta:
        verbose_name = _("发布政策文件")
        verbose_name_plural = _("发布政策文件")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title or self.source_filename or f"待发布文件 {self.pk}"


class MeasureFacet(models.Model):
    """What the measure list filters and counts on, one row per public measure and facet:
    ``kind`` ``ALL`` (every public measure, ``value`` 0), ``TOPIC`` (one row per topic of the
    measure, ``value`` its id) and ``SUPPORT_TYPE`` (likewise), each with a copy of the
    measure's document, position, period and amount.

    Maintained by the database itself (triggers created by migration 0011, on SQLite and
    PostgreSQL): every insert, update and delete of a measure or of its topic and support
    type links — ``save()``, ``QuerySet.update()``, ``bulk_create``, raw SQL alike — rewrites
    the measure's rows, and a retired measure has none. So a filtered list reads an index
    range of this narrow table (``measurefacet_list``: a page in order, and the count in the
    index alone) instead of joining links to the measures' wide rows. A draft document's
    measures and a city's documents are still asked of the documents at query time, so a
    document's changes need no copy here. See ``policies.filters.MeasureFilter.listing``."""

    ALL, TOPIC, SUPPORT_TYPE = 0, 1, 2

    measure = models.ForeignKey(
        Measure, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    kind = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField()
    document = models.ForeignKey(
        PolicyDocument,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    position = models.PositiveIntegerField(default=0)
    valid_from = models.DateField(null=True)
    valid_until = models.DateField(null=True)
    validity_kind = models.CharField(max_length=16, choices=validity.Kind.choices)
    max_amount_yuan = models.BigIntegerField(null=True)
    free_of_application = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=[
                    "kind",
                    "value",
                    "document",
                    "position",
                    "measure",
                    "valid_until",
                    "valid_from",
                    "validity_kind",
                    "max_amount_yuan",
                    "free_of_application",
                ],
                name="measurefacet_list",
            ),
        ]

    def __str__(self):
        return f"{self.measure_id}:{self.kind}:{self.value}"
