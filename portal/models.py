from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
