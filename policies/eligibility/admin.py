"""Staff maintain questions and rules here; a rule that does not validate cannot be saved."""

import json

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import EligibilityRule, Question, SavedCheck


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
        kwargs["widgets"] = {"choices": PrettyJSONWidget(attrs={"rows": 6, "cols": 80})}
        return super().get_form(request, obj, **kwargs)


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["measure_label", "city", "status", "updated_at"]
    list_filter = ["status", "measure__document__city", "measure__document"]
    search_fields = ["measure__title", "measure__path_key", "clause", "reason"]
    list_select_related = ["measure", "measure__document", "measure__document__city"]
    raw_id_fields = ["measure"]
    readonly_fields = ["question_keys", "updated_at"]
    fieldsets = [
        (None, {"fields": ["measure", "status"]}),
        (_("已编码"), {"fields": ["conditions", "benefit", "clause"]}),
        (_("不可编码（可咨询）"), {"fields": ["reason"]}),
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
    readonly_fields = ["token", "city", "district", "answers", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
