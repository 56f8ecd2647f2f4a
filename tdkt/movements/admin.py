from django.contrib import admin

from tdkt.core.admin import ReadOnlyAdmin
from tdkt.movements.models import (
    ClusterIndicator,
    Covenant,
    CovenantSignatory,
    Evidence,
    Indicator,
    Movement,
    Report,
    ReportValue,
    Target,
)

for model in (
    Movement,
    Indicator,
    ClusterIndicator,
    Target,
    Covenant,
    CovenantSignatory,
    Report,
    ReportValue,
    Evidence,
):
    admin.site.register(model, ReadOnlyAdmin)
