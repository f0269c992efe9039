"""``{% personal "partials/….html" %}``: a part of a cached page that is each visitor's own
(see ``portal.pagecache``). Rendered in place, except when the page is rendered to be stored
for everybody: then it is a hole, filled in for each request."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from portal.pagecache import hole, rendering_for_cache

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, template_name):
    request = context.get("request")
    if request is not None and rendering_for_cache(request):
        return mark_safe(hole(template_name))
    return render_to_string(template_name, context.flatten())
