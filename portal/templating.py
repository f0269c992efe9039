"""The template loader: Django's cached loader, and the constant tags of each template it
compiles answered once per process instead of on every render.

A page's ``{% translate '…' %}``, ``{% url 'name' %}`` and ``{% static 'path' %}`` with
literal arguments print the same text for every visitor: they depend only on the active
language, the URLconf and script prefix, and the static files settings. Django still works
each one out on every render — a lazy translation built and cast, ``reverse()`` walking its
patterns, the static storage asked — about 6, 13 and 13 µs a tag (in-process, 2026-12-02).
An uncached measure page has some fifty translations, a dozen URLs and five static files;
the site's header and footer alone cost a quarter of that page.

``Loader`` compiles templates as Django's cached loader does, then gives every such tag the
class of its memoising twin below (same attributes, same output); tags with a variable, a
filter, a message context or ``{% url … as var %}`` whose reversal fails keep Django's
behaviour. The memos are keyed on everything the output depends on and cleared when a test
changes a setting they read; ``tests/portal/test_templating.py`` renders every constant tag
of every project template both ways and compares.

Every ``{{ variable }}`` likewise gets ``PlainVariableNode``: Django's own, but a value that
is a plain ``str`` or a ``SafeString`` — most of what a page prints — is escaped (or kept)
at once instead of passing through the time zone, localisation and lazy-string checks that
cannot change it (a list page prints some 400 values: 9.16 → 8.79 ms in-process).
"""

import html

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Variable, VariableNode, render_value_in_context
from django.template.defaulttags import URLNode
from django.template.loaders import cached
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

_translations: dict = {}
_urls: dict = {}
_statics: dict = {}
_NOT_CONSTANT = object()


def literal(expression):
    """The value of a template expression that is a literal without filters, else
    ``_NOT_CONSTANT``."""
    if not isinstance(expression, FilterExpression) or expression.filters:
        return _NOT_CONSTANT
    var = expression.var
    if not isinstance(var, Variable):  # a constant, resolved when the tag was parsed
        return var
    if var.lookups is not None or var.message_context:
        return _NOT_CONSTANT
    return var.literal


class ConstantTranslateNode(TranslateNode):
    """``{% translate 'literal' %}`` (``as var`` too): the text for the active language."""

    def render(self, context):
        key = (get_language(), self.message, self.noop)
        value = _translations.get(key)
        if value is None:
            # The text a literal translates to is safe, so it is never escaped: it depends on
            # the language alone. Django's own render works it out (``as var`` left out).
            value = TranslateNode(self.filter_expression, self.noop).render(context)
            _translations[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


class ConstantURLNode(URLNode):
    """``{% url 'name' literal… %}``: reversed once per URLconf, script prefix and current
    application namespace. The portal's URLs carry no language prefix (no ``i18n_patterns``,
    as ``portal/reversal.py`` also assumes, and a test checks): were one added, the language
    would belong in the key."""

    def render(self, context):
        try:  # as URLNode.render finds it
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (self._reverse_args, current_app, get_script_prefix(), get_urlconf())
        url = _urls.get(key)
        if url is None:
            view_name, args, kwargs = self._reverse_args
            try:
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
            except NoReverseMatch:  # raised, or "" for ``as var``: as Django does
                return URLNode.render(self, context)
            _urls[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


class ConstantStaticNode(StaticNode):
    """``{% static 'path' %}``: the storage asked once per path."""

    def render(self, context):
        url = _statics.get(self.static_path)
        if url is None:
            url = _statics[self.static_path] = self.handle_simple(self.static_path)
        if context.autoescape:
            url = conditional_escape(url)
        if self.varname is None:
            return url
        context[self.varname] = url
        return ""


class PlainVariableNode(VariableNode):
    """``{{ value }}`` as Django renders it (``render_value_in_context``), with its two
    commonest cases taken directly, to the same result:

    * a ``str`` (exactly, not a subclass): neither a date nor a number, so the time zone and
      localisation leave it as it is, and it has no ``__html__``: ``conditional_escape``
      gives ``escape(value)``, that is ``SafeString(html.escape(value))``; unescaped it is
      itself (``str(value)``);
    * a ``SafeString``: ``conditional_escape`` returns ``value.__html__()``, and ``str()`` of
      it, the value itself."""

    def render(self, context):
        try:
            output = self.filter_expression.resolve(context)
        except UnicodeDecodeError:  # as VariableNode.render
            return ""
        kind = type(output)
        if kind is str:
            return SafeString(html.escape(output)) if context.autoescape else output
        if kind is SafeString:
            return output
        return render_value_in_context(output, context)


def fold(template) -> int:
    """Give the constant tags of ``template`` (a compiled ``django.template.Template``) their
    memoising class, with their literal arguments read once here, and its variables
    ``PlainVariableNode``; the number of nodes changed."""
    changed = 0
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        message = literal(node.filter_expression)
        if type(node) is TranslateNode and isinstance(message, str) and not node.message_context:
            node.message = message
            node.__class__ = ConstantTranslateNode
            changed += 1
    for node in template.nodelist.get_nodes_by_type(URLNode):
        if type(node) is not URLNode:
            continue
        view_name = literal(node.view_name)
        args = [literal(arg) for arg in node.args]
        kwargs = {name: literal(value) for name, value in node.kwargs.items()}
        values = [view_name, *args, *kwargs.values()]
        if any(value is _NOT_CONSTANT for value in values) or not isinstance(view_name, str):
            continue
        node._reverse_args = (view_name, tuple(args), tuple(sorted(kwargs.items())))
        node.__class__ = ConstantURLNode
        changed += 1
    for node in template.nodelist.get_nodes_by_type(StaticNode):
        path = literal(node.path)
        if type(node) is StaticNode and isinstance(path, str):
            node.static_path = path
            node.__class__ = ConstantStaticNode
            changed += 1
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        if type(node) is VariableNode:
            node.__class__ = PlainVariableNode
            changed += 1
    return changed


class Loader(cached.Loader):
    """Django's cached template loader, folding each template it compiles (``fold``)."""

    def get_template(self, template_name, skip=None):
        template = super().get_template(template_name, skip)
        if not getattr(template, "constants_folded", False):
            fold(template)
            template.constants_folded = True
        return template


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("STATIC_URL", "STATIC_ROOT", "STORAGES", "INSTALLED_APPS"):
        _statics.clear()
    if setting in ("ROOT_URLCONF", "INSTALLED_APPS"):
        _urls.clear()
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"):
        _translations.clear()
