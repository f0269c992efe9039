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


# {{ variable }}: PlainVariableNode against Django's VariableNode.


class Marked:
    """Not a str, but with ``__html__`` (as markupsafe's Markup or a form's BoundField)."""

    def __html__(self):
        return "<b>marked</b>"


class Text(str):
    """A subclass of str: Django's path, not the shortcut."""


def variable_values():
    import datetime
    import decimal

    from django.utils import timezone
    from django.utils.safestring import SafeString, mark_safe
    from django.utils.translation import gettext_lazy

    aware = datetime.datetime(2026, 12, 2, 3, 4, tzinfo=datetime.UTC)
    return [
        "补贴 <b>&amp; \"引号\" '单引号'",
        "",
        mark_safe("<i>safe</i>"),
        SafeString("&lt;already&gt;"),
        Text("<sub>"),
        gettext_lazy("首页"),
        12345678,
        -3,
        1.5,
        decimal.Decimal("1234567.89"),
        True,
        None,
        datetime.date(2026, 12, 2),
        aware,
        timezone.make_naive(aware),
        datetime.time(14, 5),
        Marked(),
        ["<a>", 1],
        {"k": "<v>"},
    ]


def test_a_variable_prints_what_djangos_variable_node_prints():
    from django.template.base import VariableNode

    template = engine().from_string("{{ value }}|{{ value|default:'-' }}|{{ missing.attr }}")
    assert templating.fold(template) == 3
    nodes = template.nodelist.get_nodes_by_type(VariableNode)
    assert len(nodes) == 3 and all(type(n) is templating.PlainVariableNode for n in nodes)
    compared = 0
    for language in ("zh-hans", "en"):
        for thousands in (False, True):
            with (
                translation.override(language),
                override_settings(USE_THOUSAND_SEPARATOR=thousands),
            ):
                for value in variable_values():
                    for autoescape in (True, False):
                        for use_l10n in (None, False):
                            context = Context(
                                {"value": value}, autoescape=autoescape, use_l10n=use_l10n
                            )
                            context.template = template
                            for node in nodes:
                                django = copy.copy(node)
                                django.__class__ = VariableNode
                                ours, theirs = node.render(context), django.render(context)
                                assert ours == theirs, (value, autoescape, use_l10n)
                                assert type(ours) is type(theirs), (value, autoescape)
                                compared += 1
    assert compared == 2 * 2 * len(variable_values()) * 2 * 2 * 3


@pytest.mark.parametrize("name", project_templates())
def test_every_variable_of_every_template_takes_the_shortcut(name):
    from django.template.base import VariableNode

    template = engine().get_template(name)
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        assert type(node) is templating.PlainVariableNode, (name, node)
