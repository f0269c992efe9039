"""The 关注 buttons of the catalogue pages: personal parts (``{% personal %}``, see
``portal.pagecache``), rendered for each request with the request alone — so what they
follow is read from the request (the measure's id from the URL, the search from the query
string), and an anonymous visitor's part is the same on every page (a sign-in link)."""

from django import template

from portal.follows import canonical_search
from portal.models import Follow

register = template.Library()


@register.simple_tag(takes_context=True)
def measure_follow(context):
    """{"pk": the measure's id, "follow": the user's follow of it or None}."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    pk = match.kwargs.get("pk") if match else None
    if pk is None or not request.user.is_authenticated:
        return {"pk": pk, "follow": None}
    follow = Follow.objects.filter(
        user=request.user, kind=Follow.Kind.MEASURE, measure_id=pk
    ).first()
    return {"pk": pk, "follow": follow}


@register.simple_tag(takes_context=True)
def search_follow(context):
    """{"query": the list's search as a follow keeps it ("" without a filter), "follow"}."""
    request = context.get("request")
    query = canonical_search(request.GET) if request is not None else ""
    if not query or len(query) > 1000 or not request.user.is_authenticated:
        return {"query": query, "follow": None}
    follow = Follow.objects.filter(user=request.user, kind=Follow.Kind.SEARCH, query=query).first()
    return {"query": query, "follow": follow}
