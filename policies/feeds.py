"""Atom feeds of new measures, per city and per topic (``django.contrib.syndication``).

Public measures only (``Measure.objects``: a retired or repealed measure has left every
public list), newest first (ids only grow: the newest measure has the highest id), each
linking to its page. The city's and the topic's pages announce their feed in ``<head>``.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import City, Measure, Topic

ITEMS = 50


def _moment(measure) -> datetime.datetime:
    """When the measure appeared: its document's publication, else import, else date."""
    document = measure.document
    moment = document.published_at or document.imported_at
    if moment is None and document.issued_on is not None:
        moment = datetime.datetime.combine(document.issued_on, datetime.time())
    if moment is None:
        moment = datetime.datetime(2000, 1, 1)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class MeasureFeed(Feed):
    feed_type = Atom1Feed

    def items(self, obj):
        return list(
            self.measures(obj)
            .filter(document__retired_at__isnull=True)
            .select_related("document__city")
            .defer("text", "handling", "validity_parts")
            .order_by("-pk")[:ITEMS]
        )

    def item_title(self, item):
        return f"{item.document.city.name} · {item.title}"

    def item_description(self, item):
        return _("《%(document)s》第%(path)s条。") % {
            "document": item.document.title,
            "path": item.path_label,
        }

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return _moment(item)

    def item_updateddate(self, item):
        return _moment(item)


class CityFeed(MeasureFeed):
    def get_object(self, request, slug):
        return get_object_or_404(City, slug=slug)

    def title(self, obj):
        return _("%(city)s · 新发布的惠企政策措施") % {"city": obj.name}

    def subtitle(self, obj):
        return _("%(city)s新发布的政策措施，最新的在前。") % {"city": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("feeds:city", kwargs={"slug": obj.slug})

    def measures(self, obj):
        return Measure.objects.filter(document__city=obj)


class TopicFeed(MeasureFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj):
        return _("%(topic)s · 新发布的惠企政策措施") % {"topic": obj.name}

    def subtitle(self, obj):
        return _("主题“%(topic)s”下新发布的政策措施，最新的在前。") % {"topic": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("feeds:topic", kwargs={"slug": obj.slug})

    def measures(self, obj):
        return Measure.objects.filter(topics=obj)
