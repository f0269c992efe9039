"""``{% staff_desk request.user as desk %}``: the department desk on the admin's home."""

from django import template

from ..desk import desk_for

register = template.Library()


@register.simple_tag
def staff_desk(user):
    return desk_for(user)
