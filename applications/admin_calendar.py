"""The admin of ``CalendarDay``: the holidays and 调休 working days staff enter.

Imported from ``applications.admin`` so that registering happens once, with the rest of the
applications admin. Entries matter most for a year the chinese-calendar package does not
know yet (see ``applications.clock.calendar_note``) and to correct the package.
"""

from django.contrib import admin

from portal.admin import DateHierarchyAdmin

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(DateHierarchyAdmin):
    list_display = ["date", "name", "workday"]
    list_filter = ["workday"]
    date_hierarchy = "date"
    search_fields = ["name", "date"]
    ordering = ["-date"]
