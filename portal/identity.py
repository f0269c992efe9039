"""The site's identity (主办单位, 承办单位, address, phone, hours, 备案号, emblem): one place.

Read from the environment once (``PORTAL_SITE_*``), with the demo's values as defaults, and
given to every template as ``site`` by ``portal.context_processors.site``: the header, the
footer, printouts and the error pages all show it from here.
"""

import functools
import hashlib
import os
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Identity:
    name: str  # 门户名称
    sponsor: str  # 主办单位
    operator: str  # 承办单位
    address: str
    phone: str
    hours: str  # 服务时间
    email: str
    icp: str  # ICP 备案号, e.g. 辽ICP备12345678号
    police_record: str  # 公安机关备案号 (公网安备), optional
    emblem: str  # a static path (``img/emblem.svg``) or "" for none

    @functools.cached_property
    def digest(self) -> str:
        """Every field, in a few characters: part of the page cache's key (a page shows the
        identity), computed once per identity instead of once per request."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]

    @property
    def has_contact(self) -> bool:
        return bool(self.address or self.phone or self.hours or self.email)

    @property
    def icp_url(self) -> str:
        return ICP_RECORD_URL if self.icp else ""

    @property
    def phone_uri(self) -> str:
        """``tel:0412-12345`` for the first number in ``phone`` ("" when there is none), so
        that a phone can call it; the words around it (（示例）, 转 1) stay in the text."""
        match = _PHONE.search(self.phone)
        return f"tel:{re.sub(r'[^0-9+-]', '', match.group(0))}" if match else ""

    @property
    def police_url(self) -> str:
        """Where the 公安备案号 is looked up, by its digits (辽公网安备 21030202000001号 →
        …?code=21030202000001); "" when there is none."""
        code = "".join(re.findall(r"\d", self.police_record))
        return f"{POLICE_RECORD_URL}?code={code}" if code else ""


# The registries a 备案号 links to, as the rules for a site's footer ask.
ICP_RECORD_URL = "https://beian.miit.gov.cn/"
POLICE_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch"

# A telephone number: an optional +, then digits, hyphens or spaces, from a digit to a digit.
_PHONE = re.compile(r"\+?\d[\d -]{3,}\d")


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def load() -> Identity:
    return Identity(
        name=_env("PORTAL_SITE_NAME", "") or _("惠企政策服务门户"),
        sponsor=_env("PORTAL_SITE_SPONSOR", "鞍山市人民政府办公室（示例）"),
        operator=_env("PORTAL_SITE_OPERATOR", "鞍山市营商环境建设局（示例）"),
        address=_env("PORTAL_SITE_ADDRESS", "辽宁省鞍山市铁东区胜利南路 38 号（示例）"),
        phone=_env("PORTAL_SITE_PHONE", "0412-12345（示例）"),
        hours=_env("PORTAL_SITE_HOURS", "工作日 8:30—11:30，13:30—17:00"),
        email=_env("PORTAL_SITE_EMAIL", ""),
        icp=_env("PORTAL_SITE_ICP", "辽ICP备00000000号（示例）"),
        police_record=_env("PORTAL_SITE_POLICE_RECORD", ""),
        emblem=_env("PORTAL_SITE_EMBLEM", ""),
    )
