from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from policies.formatting import format_yuan
from policies.models import City, District

from .models import Application, Enterprise
from .uploads import check_upload, material_choices
from .uscc import normalize_uscc


class DistrictsByCity(ModelChoiceIterator):
    """The districts as one <optgroup> per city (in the queryset's order): without JavaScript
    the list shows its structure; static/js/register.js keeps only the chosen city's group."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups = {}
        for district in self.queryset:
            groups.setdefault(district.city.name, []).append(self.choice(district))
        yield from groups.items()


class DistrictField(forms.ModelChoiceField):
    """A district, labelled by its own name: its city is the group it is listed under."""

    iterator = DistrictsByCity

    def label_from_instance(self, obj):
        return obj.name


class RegistrationForm(UserCreationForm):
    """A user and the enterprise it acts for, created together. The keyboard focus starts on
    the first field (Django's form puts it on the username, in the middle of this one)."""

    enterprise_name = forms.CharField(label=_("企业名称"), max_length=100)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=24,
        help_text=_("18位，见营业执照"),
    )
    city = forms.ModelChoiceField(
        label=_("所在城市"), queryset=City.objects.all(), empty_label=_("请选择城市")
    )
    district = DistrictField(
        label=_("所在县（市）区"),
        # by city; in each, the districts by code, then the development zones (no code)
        queryset=District.objects.select_related("city").order_by(
            "city", ExpressionWrapper(Q(code=""), output_field=BooleanField()), "code", "name"
        ),
        empty_label=_("请选择县（市）区"),
    )
    contact_person = forms.CharField(label=_("联系人"), max_length=32)
    phone = forms.CharField(label=_("联系电话"), max_length=32)
    email = forms.EmailField(label=_("电子邮箱"))

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        self.fields["enterprise_name"].widget.attrs["autofocus"] = True
        # An account or enterprise that already exists is not an error shown here (that
        # would tell anyone who is registered): the view mails its owner instead.
        self.taken_username = None
        self.taken_enterprise = None

    def clean_username(self):
        username = self.cleaned_data.get("username")
        existing = get_user_model().objects.filter(username__iexact=username).first()
        if existing is not None:
            self.taken_username = existing
        return username

    def validate_unique(self):
        if self.taken_username is None:
            super().validate_unique()

    def clean_uscc(self):
        code = normalize_uscc(self.cleaned_data["uscc"])
        Enterprise._meta.get_field("uscc").run_validators(code)
        self.taken_enterprise = Enterprise.objects.filter(uscc=code).first()
        return code

    @property
    def conflict(self) -> bool:
        return self.taken_username is not None or self.taken_enterprise is not None

    def clean(self):
        cleaned = super().clean()
        city, district = cleaned.get("city"), cleaned.get("district")
        if city and district and district.city_id != city.pk:
            self.add_error("district", _("所选县（市）区不属于%(city)s。") % {"city": city})
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = self.cleaned_data["email"]
        user.phone = self.cleaned_data["phone"]
        user.first_name = self.cleaned_data["contact_person"]
        if commit:
            user.save()
        return user


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's, its one message worded with 您 like the rest of the portal."""

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("您输入的旧密码不正确，请重新输入。"),
    }


class ApplicationForm(forms.ModelForm):
    """The enterprise's part of an application. Never saved whole: its cleaned values go to
    ``services.perform("edit", …)`` with the ``version`` the page was built from."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    figures_text = forms.CharField(
        label=_("申报数据"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一项，格式“名称：数值”，如“限上零售额增量：23000 万元”。"),
    )

    class Meta:
        model = Application
        fields = ["requested_amount_yuan", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("figures_text", figures_to_text(self.instance.figures))
            self.initial.setdefault("version", self.instance.version)

    def changes(self):
        """The fields the edit service writes."""
        return {
            "requested_amount_yuan": self.cleaned_data["requested_amount_yuan"],
            "description": self.cleaned_data["description"],
            "figures": self.cleaned_data["figures_text"],
        }

    def clean_requested_amount_yuan(self):
        amount = self.cleaned_data.get("requested_amount_yuan")
        if amount is not None and amount <= 0:
            raise ValidationError(_("申请金额应大于0。"))
        cap = self.instance.measure.max_amount_yuan if self.instance.measure_id else None
        if amount is not None and cap and amount > cap:
            raise ValidationError(
                _("申请金额超过了该措施的最高金额 %(cap)s。") % {"cap": format_yuan(cap)}
            )
        return amount

    def clean_figures_text(self):
        figures = {}
        for number, line in enumerate(self.cleaned_data["figures_text"].splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.replace(":", "：").partition("：")
            if not sep or not key.strip() or not value.strip():
                raise ValidationError(_("第%(n)d行应为“名称：数值”的格式。") % {"n": number})
            figures[key.strip()] = value.strip()
        return figures

    def save(self, commit=True):
        raise NotImplementedError("edits go through services.perform('edit', …)")


def figures_to_text(figures) -> str:
    return "\n".join(f"{key}：{value}" for key, value in (figures or {}).items())


class AttachmentForm(forms.Form):
    material = forms.ChoiceField(label=_("材料名称"))
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、JPEG 或 PNG，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = material_choices(measure)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.original_name = upload.name
        self.content_type = check_upload(upload)
        return upload


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


PROMISE_TEXT = _(
    "本企业承诺：所填收款账户为本企业基本存款账户或一般存款账户，名单所列信息真实、准确；"
    "本企业符合本项政策的享受条件，本年度未通过其他途径重复享受本项政策；"
    "如有不实，自愿退回已拨付资金，并承担相应法律责任和信用后果。"
)


class ConfirmExemptForm(forms.Form):
    """免申即享: the enterprise's bank account and its 信用承诺, before it is paid."""

    bank_name = forms.CharField(
        label=_("开户银行"),
        max_length=100,
        help_text=_("如：中国工商银行鞍山分行铁东支行"),
        error_messages={"required": _("请填写开户银行。")},
    )
    bank_account = forms.CharField(
        label=_("银行账号"),
        max_length=40,
        error_messages={"required": _("请填写银行账号。")},
    )
    promise = forms.BooleanField(
        label=_("我已阅读并作出以上信用承诺"),
        error_messages={"required": _("请勾选信用承诺。")},
    )

    def clean_bank_name(self):
        value = self.cleaned_data["bank_name"].strip()
        if "\x00" in value:
            raise ValidationError(_("开户银行含有不允许的字符。"))
        return value

    def clean_bank_account(self):
        value = self.cleaned_data["bank_account"].replace(" ", "").replace("-", "")
        if not value.isascii() or not value.isdigit() or not 8 <= len(value) <= 32:
            raise ValidationError(_("银行账号应为 8 至 32 位数字。"))
        return value
