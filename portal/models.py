from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import dates


class User(AbstractUser):
    """The portal's user: an enterprise user, a department staff member or an administrator.

    What a user may do follows from their memberships (an enterprise, or a department),
    which live in the ``applications`` app.
    """

    phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        full = self.get_full_name()
        return f"{full}（{self.username}）" if full else self.username


class ImmutableError(Exception):
    """Raised on an attempt to change or delete a row written once (``WriteOnce``)."""


class WriteOnce(models.Model):
    """A record written once (one INSERT) and never changed or deleted one by one: audit
    events, application events. ``changed`` and ``deleted`` word the refusals."""

    changed = _("此记录只能写入，不能修改")
    deleted = _("此记录不能删除")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError(str(self.changed))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(str(self.deleted))


class AuditEvent(WriteOnce):
    """One entry of the audit trail: who did what, when and from where.

    Written once (one INSERT) and never changed; deleted only in bulk by
    ``manage.py prune_audit`` once older than ``PORTAL_AUDIT_DAYS`` (never under 180 days).
    The user's name is copied into ``username`` so that the entry outlives the account.
    """

    changed = _("审计日志只能写入，不能修改")
    deleted = _("审计日志不能逐条删除（过期记录由 prune_audit 清理）")

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账户锁定")
        LOGOUT = "logout", _("退出登录")
        ADMIN_CHANGE = "admin_change", _("后台修改")
        DOWNLOAD = "download", _("下载材料")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器标识"), max_length=255, blank=True)
    method = models.CharField(_("请求方法"), max_length=8, blank=True)
    path = models.CharField(_("请求路径"), max_length=255, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    summary = models.TextField(_("摘要"), blank=True)
    extra = models.JSONField(_("附加信息"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["kind", "at"], name="portal_audit_kind_at")]

    def __str__(self):
        who = self.username or (str(self.user) if self.user_id else "—")
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {who}"


class Follow(models.Model):
    """What a signed-in user follows (关注): a measure, a saved search (the measure list's
    query string, re-run through the same filter) or the measures their enterprise's kept
    profile qualifies for. ``send_digests`` mails what is new about them once a day."""

    class Kind(models.TextChoices):
        MEASURE = "measure", _("政策措施")
        SEARCH = "search", _("搜索与筛选")
        PROFILE = "profile", _("匹配我企业的政策")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    measure = models.ForeignKey(
        "policies.Measure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("措施"),
    )
    query = models.CharField(_("查询条件"), max_length=1000, blank=True)
    label = models.CharField(_("名称"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("关注时间"), default=dates.now)
    # The highest measure id when followed: a measure with a higher id is new to this follow.
    measure_watermark = models.BigIntegerField(_("关注时最新措施编号"), default=0)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "measure"],
                condition=models.Q(kind="measure"),
                name="follow_measure_once",
            ),
            models.UniqueConstraint(
                fields=["user", "query"],
                condition=models.Q(kind="search"),
                name="follow_search_once",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(kind="profile"), name="follow_profile_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="measure", measure__isnull=False)
                | (~models.Q(kind="measure") & models.Q(measure__isnull=True)),
                name="follow_measure_iff_kind",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.label}"


class DigestSubscriptionQuerySet(models.QuerySet):
    """The one statement of who is unsubscribed: a row with ``unsubscribed_at`` set (no row,
    or the field empty: subscribed). ``follows.is_subscribed``, ``set_subscribed``,
    ``send_digests`` and the admin all read it from here."""

    def unsubscribed(self):
        return self.filter(unsubscribed_at__isnull=False)

    def subscribed(self):
        return self.filter(unsubscribed_at__isnull=True)


class DigestSubscription(models.Model):
    """A user's choice about the daily digest (关注提醒邮件). No row: subscribed.
    ``unsubscribed_at`` set: no digest until they subscribe again on their follows page."""

    STATE_LABELS = {True: _("订阅中"), False: _("已退订")}  # by ``subscribed``

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="digest_subscription",
        verbose_name=_("用户"),
    )
    unsubscribed_at = models.DateTimeField(_("退订时间"), null=True, blank=True)
    changed_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    objects = DigestSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒邮件订阅")
        verbose_name_plural = _("提醒邮件订阅")

    def __str__(self):
        return f"{self.user} · {self.state_label(self)}"

    @property
    def subscribed(self) -> bool:
        return self.unsubscribed_at is None

    @classmethod
    def state_label(cls, subscription) -> str:
        """订阅中 or 已退订, for a user's row or None (no row: subscribed)."""
        return cls.STATE_LABELS[subscription is None or subscription.subscribed]


class Digest(models.Model):
    """One digest mailed to a user on a day: at most one per user and day (the row is
    claimed under the unique constraint before the mail is queued, in one transaction), so
    ``send_digests`` can run any number of times a day. What it said is kept in
    ``content`` (the next digest reads the time, the measure watermark and what 即将到期
    it already told)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("用户"),
    )
    day = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("生成时间"), default=dates.now)
    measure_watermark = models.BigIntegerField(_("当时最新措施编号"), default=0)
    content = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("关注提醒邮件")
        verbose_name_plural = _("关注提醒邮件")
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} · {self.user}"
