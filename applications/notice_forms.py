"""The forms of 公示: the public's objection, the department's publication and answer."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from policies.formatting import format_yuan
from portal.params import positive_int

from . import notices
from .models import NOTICE_MAX_DAYS

WHOLE_NOTICE = "all"
TEXT_MIN = 10
TEXT_MAX = 2000
PHONE = re.compile(r"^\+?[\d\s\-()（）]{7,24}$")


def _required(message):
    return {"required": message}


class ObjectionForm(forms.Form):
    """异议: who, how to reach them, about which entry (or the whole notice), and why."""

    entry = forms.ChoiceField(
        label=_("异议对象"),
        error_messages={
            "required": _("请选择异议针对的公示对象。"),
            "invalid_choice": _("请从列表中选择公示对象。"),
        },
    )
    name = forms.CharField(
        label=_("姓名或单位名称"),
        max_length=32,
        error_messages={
            **_required(_("请填写您的姓名或单位名称。")),
            "max_length": _("姓名或单位名称不能超过 32 个字。"),
        },
    )
    contact = forms.CharField(
        label=_("联系电话或电子邮箱"),
        max_length=100,
        help_text=_("仅用于部门答复您，不会公开。"),
        error_messages={
            **_required(_("请填写联系电话或电子邮箱，以便部门答复您。")),
            "max_length": _("联系方式不能超过 100 个字符。"),
        },
    )
    text = forms.CharField(
        label=_("异议内容"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明事实和理由；10 至 2000 字。"),  # TEXT_MIN, TEXT_MAX
        error_messages={
            **_required(_("请填写异议内容。")),
            "max_length": _("异议内容不能超过 %(limit_value)d 字（您输入了 %(show_value)d 字）。"),
        },
    )

    def __init__(self, *args, notice, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        self.entries = {str(entry.pk): entry for entry in entries}
        self.fields["entry"].choices = [
            ("", _("请选择")),
            (WHOLE_NOTICE, _("针对整个公示")),
            *[
                (key, f"{entry.position}. {entry.enterprise_name}")
                for key, entry in self.entries.items()
            ],
        ]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault(
                "class", "form-select" if name == "entry" else "form-control"
            )

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if "@" in contact:
            try:
                validate_email(contact)
            except ValidationError as error:
                raise ValidationError(_("电子邮箱格式不正确，请检查后重新填写。")) from error
            return contact
        digits = sum(ch.isdigit() for ch in contact)
        if not PHONE.match(contact) or digits < 7:
            raise ValidationError(
                _("请填写有效的联系电话（如 0412-5550000 或 13800000000）或电子邮箱。")
            )
        return contact

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < TEXT_MIN:
            raise ValidationError(
                _("异议内容请不少于 %(min)d 字，写明事实和理由。") % {"min": TEXT_MIN}
            )
        return text

    def entry_object(self):
        key = self.cleaned_data["entry"]
        return None if key == WHOLE_NOTICE else self.entries[key]


class ItemsField(forms.ModelMultipleChoiceField):
    """Applications by pk; a value that is not a pk a column holds is refused before any
    query (SQLite and PostgreSQL both fail on an integer out of their range in ``IN``)."""

    def _check_values(self, value):
        for pk in value:
            if positive_int(str(pk)) is None:  # the one parser of ids (portal.params)
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)

    def label_from_instance(self, application):
        amount = notices.amount_of(application)
        return "{} {} {}".format(
            application.number,
            application.enterprise.name,
            format_yuan(amount) if amount else _("金额未定"),
        )


class PublishForm(forms.Form):
    """发布公示: which of the measure's items awaiting payment, for how many working days."""

    items = ItemsField(
        label=_("公示对象"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一项公示对象。"),
            "invalid_choice": _("所选申报已不在待公示名单中，请刷新后重新选择。"),
            "invalid_pk_value": _("所选申报已不在待公示名单中，请刷新后重新选择。"),
        },
    )
    days = forms.IntegerField(
        label=_("公示期（工作日）"),
        min_value=1,
        max_value=NOTICE_MAX_DAYS,
        error_messages={
            "required": _("请填写公示期。"),
            "invalid": _("公示期请填写整数个工作日。"),
            "min_value": _("公示期至少 1 个工作日。"),
            "max_value": _("公示期不能超过 %(limit_value)s 个工作日。"),
        },
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=200,
        required=False,
        help_text=_("留空则使用默认标题。"),
        widget=forms.TextInput(attrs={"size": 80}),
    )

    def __init__(self, *args, department, measure, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["items"].queryset = (
            notices.publishable(department, today, measure)
            .select_related("enterprise")
            .order_by("enterprise__name", "pk")
        )
        self.fields["days"].initial = notices.default_days(measure)
        self.fields["title"].initial = notices.default_title(measure)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("答复提交后不能修改；异议人留有电子邮箱的，答复将发送至该邮箱。"),
        error_messages={
            "required": _("请填写答复内容。"),
            "max_length": _("答复不能超过 %(limit_value)d 字（您输入了 %(show_value)d 字）。"),
        },
    )

    def clean_answer(self):
        answer = self.cleaned_data["answer"].strip()
        if not answer:
            raise ValidationError(_("请填写答复内容。"))
        return answer
