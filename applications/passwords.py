"""Django's password validators, worded as the portal addresses its users (您, not 你).

Django's Chinese catalogue says 你的密码… in its help texts, and has no translation of some
of Django 5's error messages (a too-short password was refused in English). The rules are
Django's own; the words shown under every password field (registration, password change and
reset, the admin) are the portal's. ``AUTH_PASSWORD_VALIDATORS`` names these.
"""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("密码与%(verbose_name)s太相似，请换一个。")

    def get_help_text(self):
        return _("您的密码不能与您的其他个人信息太相似。")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "密码太短，至少要有 %(min_length)d 个字符。",
            "密码太短，至少要有 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "您的密码至少要有 %(min_length)d 个字符。",
            "您的密码至少要有 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("这个密码太常见，请换一个。")

    def get_help_text(self):
        return _("您的密码不能是常见密码。")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return _("密码不能全是数字。")

    def get_help_text(self):
        return _("您的密码不能全是数字。")
