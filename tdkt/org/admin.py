from django.contrib import admin

from tdkt.core.admin import ReadOnlyAdmin
from tdkt.org.models import Account, LineageEvent, LineageLink, Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "parent", "valid_from", "valid_to", "cycle_kind", "armed_forces")
    list_filter = ("kind", "cycle_kind", "armed_forces")
    search_fields = ("code", "name")


@admin.register(LineageEvent)
class LineageEventAdmin(ReadOnlyAdmin):
    list_display = ("kind", "effective_date", "legal_basis")


admin.site.register(LineageLink, ReadOnlyAdmin)
admin.site.register(Account, ReadOnlyAdmin)
