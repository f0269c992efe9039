"""Staff maintain questions and rules here; a rule that does not validate cannot be saved."""

import json

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    EligibilityRule,
    Parameter,
    ParameterValue,
    Question,
    SavedCheck,
    StackingRule,
)


class ParameterValueInline(admin.TabularInline):
    model = ParameterValue
    extra = 1
    fields = ("effective_from", "value", "source")


@admin.register(Parameter)
class ParameterAdmin(admin.ModelAdmin):
    """Dated values (the one-year LPR): staff add each newly published value here."""

    list_display = ["name", "key", "unit", "publisher", "current"]
    search_fields = ["name", "key"]
    inlines = [ParameterValueInline]

    @admin.display(description=_("当前执行"))
    def current(self, parameter):
        from portal.dates import today

        found = parameter.series().on(today())
        if found is None:
            return "—"
        since, value = found
        return f"{value.normalize()}{parameter.unit}（{since:%Y-%m-%d}起）"


class PrettyJSONWidget(forms.Textarea):
    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        return json.dumps(value, ensure_ascii=False, indent=2)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "type", "section", "order", "required"]
    list_filter = ["section", "type", "required"]
    search_fields = ["key", "label", "wording"]
    ordering = ["section", "order"]
    readonly_fields = ["used_by"]

    @admin.display(description=_("使用该问题的措施（由规则推导）"))
    def used_by(self, question):
        if question.pk is None:
            return "—"
        rules = EligibilityRule.objects.encoded().select_related(
            "measure", "measure__document__city"
        )
        names = [
            f"{rule.measure.document.city.name} {rule.measure}"
            for rule in rules
            if question.key in rule.question_keys
        ]
        return "；".join(names) or "—"

    def get_form(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {
            "choices": PrettyJSONWidget(attrs={"rows": 6, "cols": 80}),
            "ask_if": PrettyJSONWidget(attrs={"rows": 4, "cols": 80}),
        }
        return super().get_form(request, obj, **kwargs)


@admin.action(description=_("标记为已复核"), permissions=["change"])
def mark_reviewed(modeladmin, request, queryset):
    """Staff checked the flagged rules against their revised clauses (and changed them where
    the clause needed it): their verdicts no longer say 需复核."""
    from policies import publishing

    rules = list(queryset.filter(needs_review=True))
    done = sum(publishing.mark_reviewed(rule, request.user) for rule in rules)
    skipped = queryset.count() - len(rules)
    if done:
        modeladmin.message_user(
            request,
            ngettext("已将 %(n)d 条规则标记为已复核。", "已将 %(n)d 条规则标记为已复核。", done)
            % {"n": done},
            messages.SUCCESS,
        )
    if skipped:
        modeladmin.message_user(
            request,
            _("%(n)d 条规则原本无需复核，未改动。") % {"n": skipped},
            messages.WARNING,
        )


@admin.action(description=_("采纳建议"), permissions=["change"])
def accept_suggestions(modeladmin, request, queryset):
    """A suggested rule (drafted from its clause when the measure was published) becomes 已编码
    — used by the self-check — when its conditions and formula are well formed; otherwise
    the reasons are shown and nothing changes."""
    from policies import publishing

    accepted = 0
    for rule in queryset.select_related("measure"):
        if rule.status != EligibilityRule.Status.SUGGESTED:
            modeladmin.message_user(
                request,
                _("%(measure)s：不是建议草稿，未改动。") % {"measure": rule.measure},
                messages.WARNING,
            )
            continue
        problems = publishing.accept_suggestion(rule, request.user)
        if problems:
            modeladmin.message_user(
                request,
                _("%(measure)s：未采纳——%(problems)s")
                % {"measure": rule.measure, "problems": "；".join(str(p) for p in problems)},
                messages.ERROR,
            )
        else:
            accepted += 1
    if accepted:
        modeladmin.message_user(
            request,
            ngettext(
                "已采纳 %(n)d 条建议，将用于自测。", "已采纳 %(n)d 条建议，将用于自测。", accepted
            )
            % {"n": accepted},
            messages.SUCCESS,
        )


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["measure_label", "city", "status", "needs_review", "updated_at"]
    list_filter = [
        "status",
        "needs_review",
        "measure__document__city",
        "measure__document",
    ]
    search_fields = ["measure__title", "measure__path_key", "clause", "reason"]
    list_select_related = ["measure", "measure__document", "measure__document__city"]
    raw_id_fields = ["measure"]
    readonly_fields = [
        "question_keys",
        "updated_at",
        "needs_review",
        "review_reason",
        "reviewed_at",
        "reviewed_by",
    ]
    actions = [mark_reviewed, accept_suggestions]
    fieldsets = [
        (None, {"fields": ["measure", "status"]}),
        (
            _("复核"),
            {
                "fields": ["needs_review", "review_reason", "reviewed_at", "reviewed_by"],
                "description": _(
                    "所属文件修订或废止时标记为需复核：请按修订后的条文核对条件和金额，"
                    "然后在列表中选择本规则，执行“标记为已复核”。"
                ),
            },
        ),
        (_("已编码"), {"fields": ["conditions", "benefit", "clause"]}),
        (_("不可编码（可咨询）"), {"fields": ["reason"]}),
        (
            _("时效"),
            {
                "fields": [
                    "validity_basis",
                    "validity_kind",
                    "valid_from",
                    "valid_until",
                    "validity_words",
                    "validity_note",
                ],
                "description": _(
                    "保存时按规则所引条款和措施的时效自动推导；如需为规则单独指定，请将“时效来源”设为“自测规则”。"
                ),
            },
        ),
        (None, {"fields": ["note", "question_keys", "updated_at"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {
            "conditions": PrettyJSONWidget(attrs={"rows": 12, "cols": 100}),
            "benefit": PrettyJSONWidget(attrs={"rows": 16, "cols": 100}),
        }
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("措施"), ordering="measure__position")
    def measure_label(self, rule):
        return str(rule.measure)

    @admin.display(description=_("城市"), ordering="measure__document__city")
    def city(self, rule):
        return rule.measure.document.city.name


@admin.register(SavedCheck)
class SavedCheckAdmin(admin.ModelAdmin):
    list_display = ["created_at", "city", "district"]
    list_filter = ["city"]
    list_select_related = ["city", "district", "district__city"]
    readonly_fields = ["token", "city", "district", "answers", "as_of", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StackingRule)
class StackingRuleAdmin(admin.ModelAdmin):
    """不重复享受: measures a clause forbids combining; a self-check total counts only the most
    generous of them."""

    list_display = ["name", "cited_measure"]
    search_fields = ["name", "clause"]
    raw_id_fields = ["cited_measure"]
    autocomplete_fields = ["measures"]
