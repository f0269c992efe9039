"""portal/templating.py: the constant {% translate %}, {% url %} and {% static %} tags answered
once per process print what Django's own tags print, in every template of the project."""

import copy
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, RequestContext, engines
from django.template.defaulttags import URLNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.test import RequestFactory, override_settings
from django.test.utils import override_script_prefix
from django.urls import NoReverseMatch, resolve
from django.utils import translation

from portal import templating

FOLDED = {
    templating.ConstantTranslateNode: TranslateNode,
    templating.ConstantURLNode: URLNode,
    templating.ConstantStaticNode: StaticNode,
}


def engine():
    return engines["django"].engine


def project_templates() -> list[str]:
    """Every template in the project's folders (not those of Django or other libraries)."""
    base = Path(settings.BASE_DIR)
    folders = [base / "templates"] + [
        base / app / "templates" for app in ("portal", "policies", "applications")
    ]
    names = []
    for folder in folders:
        if folder.is_dir():
            names += [
                str(path.relative_to(folder))
                for path in folder.rglob("*")
                if path.suffix in (".html", ".txt", ".xml")
            ]
    return sorted(set(names))


def folded_nodes(template):
    for cls in FOLDED:
        yield from (
            node
            for node in template.nodelist.get_nodes_by_type(cls.__mro__[1])
            if type(node) is cls
        )


def render_both(node, context):
    """(what the folded node renders and sets, what Django's node renders and sets)."""
    original = copy.copy(node)
    original.__class__ = FOLDED[type(node)]
    results = []
    for each in (node, original):
        context.push()
        try:
            try:
                output = each.render(context)
            except NoReverseMatch:
                output = NoReverseMatch
            results.append((output, dict(context.flatten())))
        finally:
            context.pop()
    return results


def contexts():
    request = RequestFactory().get("/policies/measures/1/")
    request.resolver_match = resolve("/policies/measures/1/")
    yield RequestContext(request, {})
    yield Context({}, autoescape=False)


@pytest.mark.parametrize("name", project_templates())
def test_every_constant_tag_prints_what_djangos_tag_prints(name):
    template = engine().get_template(name)
    assert template.constants_folded
    for language in ("zh-hans", "en"):
        for prefix in ("/", "/huiqi/"):
            with translation.override(language), override_script_prefix(prefix):
                for context in contexts():
                    for node in folded_nodes(template):
                        folded, django = render_both(node, context)
                        assert folded == django, (name, node)


def test_the_site_header_is_all_constant_and_variable_tags_are_left_to_django():
    header = engine().get_template("partials/header.html")
    urls = header.nodelist.get_nodes_by_type(URLNode)
    assert len(urls) >= 8 and all(type(node) is templating.ConstantURLNode for node in urls)
    translations = header.nodelist.get_nodes_by_type(TranslateNode)
    assert translations and all(
        type(node) is templating.ConstantTranslateNode for node in translations
    )
    follow = engine().get_template("partials/follow_measure.html")
    kinds = {node.view_name.var: type(node) for node in follow.nodelist.get_nodes_by_type(URLNode)}
    assert kinds["follows:measure"] is URLNode  # its argument is a variable
    assert kinds["follows:list"] is templating.ConstantURLNode


def folded_template(source):
    template = engine().from_string(source)
    assert templating.fold(template) > 0
    return template


def test_a_translation_follows_the_active_language():
    template = folded_template("{% load i18n %}{% translate 'Home' %}")
    with translation.override("zh-hans"):
        assert template.render(Context()) == "首页"
    with translation.override("en"):
        assert template.render(Context()) == "Home"
    with translation.override("zh-hans"):
        assert template.render(Context()) == "首页"


def test_an_address_follows_the_script_prefix_and_escapes_as_django_does():
    template = folded_template("{% url 'home' %}|{% url 'search' as s %}{{ s }}")
    assert template.render(Context()) == "/|/search/"
    with override_script_prefix("/huiqi/"):
        assert template.render(Context()) == "/huiqi/|/huiqi/search/"
    assert template.render(Context()) == "/|/search/"


def test_an_address_that_does_not_reverse_fails_as_djangos_does():
    template = folded_template("{% url 'no-such-page' %}")
    with pytest.raises(NoReverseMatch):
        template.render(Context())
    quiet = folded_template("{% url 'no-such-page' as missing %}[{{ missing }}]")
    assert quiet.render(Context()) == "[]"


def test_a_static_address_follows_the_settings():
    template = folded_template("{% load static %}{% static 'css/portal.css' %}")
    before = template.render(Context())
    with override_settings(STATIC_URL="/elsewhere/"):
        assert template.render(Context()).startswith("/elsewhere/css/portal")
    assert template.render(Context()) == before


@pytest.mark.django_db
@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_an_id_in_an_address_or_attribute_is_never_written_as_a_localised_number(measure):
    from django.template.loader import render_to_string

    from portal.dates import today

    measure.pk = 1234567
    measure.topic_list, measure.support_list = [], []
    context = {"measure": measure, "compare_form": True, "today": today()}
    with translation.override("en"):  # zh-hans writes no thousands separator; English does
        html = render_to_string("partials/measure_card.html", context)
    assert 'value="1234567"' in html and 'id="compare-1234567"' in html
    assert "1,234,567" not in html


def test_no_url_carries_a_language_prefix():
    """What the URL memo (and portal/reversal.py) assume: an address does not depend on the
    language. An ``i18n_patterns`` prefix would make it, and fail this test."""
    from django.urls import get_resolver
    from django.urls.resolvers import LocalePrefixPattern

    def patterns(resolver):
        for pattern in resolver.url_patterns:
            yield pattern
            if hasattr(pattern, "url_patterns"):
                yield from patterns(pattern)

    found = list(patterns(get_resolver()))
    assert len(found) > 50
    assert not [p for p in found if isinstance(p.pattern, LocalePrefixPattern)]
