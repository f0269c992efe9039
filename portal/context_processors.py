from django.utils.translation import gettext_lazy as _


def site(request):
    return {"SITE_NAME": _("惠企政策服务门户")}
