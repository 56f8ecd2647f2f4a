"""Every HTML route. Public pages live in views/public.py, the work of units and heads in views/work.py."""

from django.urls import path

from tdkt.web.views import public, work

app_name = "web"
urlpatterns = [
    path("", public.home, name="home"),
    path("dang-nhap/", public.login_view, name="login"),
    path("dang-xuat/", public.logout_view, name="logout"),
    path("cum/<int:cy_id>/", public.cluster_year, name="cluster_year"),
    path("don-vi/<int:unit_id>/", public.unit, name="unit"),
    path("bao-cao/<int:report_id>/", work.report, name="report"),
    path("cum/<int:cy_id>/don-vi/<int:unit_id>/bao-cao/<str:period>/", work.report_open, name="report_open"),
    path("cum/<int:cy_id>/don-vi/<int:unit_id>/chi-tieu/", work.targets, name="targets"),
    path("cum/<int:cy_id>/nhap-excel/", work.import_results, name="import"),
    path("cum/<int:cy_id>/mau-excel/", work.import_template, name="import_template"),
    path("minh-chung/<int:evidence_id>/", work.evidence_download, name="evidence_download"),
]
