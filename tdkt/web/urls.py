"""Every HTML route, grouped by domain: `web/<domain>/views.py` (public pages, movements, scoring, voting,
awards)."""

from django.urls import path

from tdkt.web.awards import catalogue as award_catalogue
from tdkt.web.awards import views as awards
from tdkt.web.clusters import views as clusters
from tdkt.web.dossiers import board as board_pages
from tdkt.web.dossiers import views as dossier_pages
from tdkt.web.movements import covenant as covenant_pages
from tdkt.web.movements import launch
from tdkt.web.movements import registration as registration_pages
from tdkt.web.movements import views as work
from tdkt.web.org import accounts
from tdkt.web.org import import_jobs as org_import_jobs
from tdkt.web.org import people as org_people
from tdkt.web.org import units as org_units
from tdkt.web.public import views as public
from tdkt.web.scoring import criteria as scoring_criteria
from tdkt.web.scoring import views as scoring
from tdkt.web.voting import council as council_pages
from tdkt.web.voting import notes as ballot_notes
from tdkt.web.voting import views as conferences
from tdkt.web.voting import voter as voting

app_name = "web"
urlpatterns = [
    path("", public.home, name="home"),
    path("dang-nhap/", public.login_view, name="login"),
    path("dang-xuat/", public.logout_view, name="logout"),
    path("viec-cua-toi/", public.my_work, name="my_work"),
    # accounts: first run, passwords, the board's accounts (web/org/accounts.py)
    path("cai-dat/", accounts.setup, name="setup"),
    path("doi-mat-khau/", accounts.password_change, name="password_change"),
    path("tai-khoan/", accounts.accounts, name="accounts"),
    path("tai-khoan/tao/", accounts.account_new, name="account_new"),
    path("tai-khoan/<int:account_id>/", accounts.account, name="account"),
    path("tai-khoan/<int:account_id>/trang-thai/", accounts.account_active, name="account_active"),
    path("tai-khoan/<int:account_id>/dat-lai-mat-khau/", accounts.account_reset, name="account_reset"),
    # units and lineage: the board's set-up (web/org/units.py)
    path("to-chuc/don-vi/", org_units.units, name="units"),
    path("to-chuc/don-vi/them/", org_units.unit_new, name="unit_new"),
    path("to-chuc/don-vi/nhap-excel/", org_units.units_import, name="units_import"),
    path("to-chuc/don-vi/mau-excel/", org_units.units_import_template, name="units_import_template"),
    path("to-chuc/don-vi/<int:unit_id>/", org_units.unit_manage, name="unit_manage"),
    path("to-chuc/don-vi/<int:unit_id>/dong/", org_units.unit_close_view, name="unit_close"),
    path("to-chuc/don-vi/<int:unit_id>/xoa/", org_units.unit_delete_view, name="unit_delete"),
    path("to-chuc/bien-dong/", org_units.lineage, name="lineage"),
    path("cum/<int:cy_id>/", public.cluster_year, name="cluster_year"),
    path("cum/<int:cy_id>/giao-uoc/", covenant_pages.covenant, name="covenant"),
    path("cum/<int:cy_id>/giao-uoc.docx", covenant_pages.covenant_docx, name="covenant_docx"),
    path("cum/<int:cy_id>/giao-uoc.pdf", covenant_pages.covenant_pdf, name="covenant_pdf"),
    path("don-vi/<int:unit_id>/", public.unit, name="unit"),
    path("bao-cao/<int:report_id>/", work.report, name="report"),
    path("cum/<int:cy_id>/don-vi/<int:unit_id>/bao-cao/<str:period>/", work.report_open, name="report_open"),
    path("cum/<int:cy_id>/don-vi/<int:unit_id>/chi-tieu/", work.targets, name="targets"),
    path("cum/<int:cy_id>/nhap-excel/", work.import_results, name="import"),
    path("cum/<int:cy_id>/mau-excel/", work.import_template, name="import_template"),
    path("minh-chung/<int:evidence_id>/", work.evidence_download, name="evidence_download"),
    path("cum/<int:cy_id>/xep-hang/", scoring.ranking, name="ranking"),
    path("cum/<int:cy_id>/xep-hang/cong-bo/", scoring.ranking_publish, name="ranking_publish"),
    path("ket-qua-cham-diem/<int:run_id>/", scoring.run_detail, name="run"),
    path("ket-qua-cham-diem/<int:run_id>/kiem-tra/", scoring.run_verify, name="run_verify"),
    path("cum/<int:cy_id>/tieu-chi/", scoring_criteria.criteria, name="criteria"),
    path(
        "cum/<int:cy_id>/tieu-chi/phien-ban-<int:version>.xlsx",
        scoring_criteria.criteria_xlsx,
        name="criteria_xlsx",
    ),
    path("cum/<int:cy_id>/tieu-chi/du-thao/", scoring_criteria.criteria_editor, name="criteria_editor"),
    path("cum/<int:cy_id>/tieu-chi/du-thao/them/", scoring_criteria.criterion_new, name="criterion_new"),
    path(
        "cum/<int:cy_id>/tieu-chi/du-thao/<int:crit_id>/",
        scoring_criteria.criterion_edit,
        name="criterion_edit",
    ),
    path(
        "cum/<int:cy_id>/tieu-chi/du-thao/<int:crit_id>/chuyen/",
        scoring_criteria.criterion_move,
        name="criterion_move",
    ),
    path(
        "cum/<int:cy_id>/tieu-chi/du-thao/<int:crit_id>/xoa/",
        scoring_criteria.criterion_delete,
        name="criterion_delete",
    ),
    path(
        "cum/<int:cy_id>/tieu-chi/du-thao/tong-diem/", scoring_criteria.criteria_total, name="criteria_total"
    ),
    path(
        "cum/<int:cy_id>/tieu-chi/du-thao/nhap-excel/",
        scoring_criteria.criteria_import_xlsx,
        name="criteria_import",
    ),
    path(
        "cum/<int:cy_id>/tieu-chi/du-thao/phuong-phap/",
        scoring_criteria.criteria_method_fields,
        name="criteria_method_fields",
    ),
    path(
        "cum/<int:cy_id>/tieu-chi/du-thao/kiem-tra/", scoring_criteria.criteria_check, name="criteria_check"
    ),
    path("cum/<int:cy_id>/cham-diem/", scoring.scores, name="scores"),
    path("cum/<int:cy_id>/phan-cong-cham-cheo/", scoring.assignments, name="assignments"),
    path("bo-phieu/<int:ballot_id>/", voting.vote, name="vote"),
    path("bo-phieu/<int:ballot_id>/bien-nhan/", voting.receipt_check, name="vote_receipt"),
    path("bo-phieu/<int:ballot_id>/hom-phieu/", voting.box, name="ballot_box"),
    path(
        "bo-phieu/<int:ballot_id>/xac-nhan/<str:action>/", conferences.ballot_confirm, name="ballot_confirm"
    ),
    path("hoi-nghi/<int:conference_id>/", conferences.conference, name="conference"),
    path("bo-phieu/<int:ballot_id>/dieu-hanh/<str:action>/", conferences.ballot_action, name="ballot_action"),
    path("cum/<int:cy_id>/hoi-nghi/tao/", conferences.conference_new, name="conference_new"),
    path("hoi-nghi/<int:conference_id>/sua/", conferences.conference_edit, name="conference_edit"),
    path(
        "hoi-nghi/<int:conference_id>/dai-bieu/",
        conferences.conference_delegates,
        name="conference_delegates",
    ),
    path("hoi-nghi/<int:conference_id>/ban-kiem-phieu/", conferences.counting_board, name="counting_board"),
    path("hoi-nghi/<int:conference_id>/bo-phieu/tao/", conferences.ballot_new, name="ballot_new"),
    path("bo-phieu/<int:ballot_id>/cu-tri/", conferences.ballot_roll, name="ballot_roll"),
    path("bo-phieu/<int:ballot_id>/phieu-giay/", conferences.ballot_paper, name="ballot_paper"),
    path("bo-phieu/<int:ballot_id>/nhan-xet/", ballot_notes.ballot_notes, name="ballot_notes"),
    path(
        "hoi-dong/<int:unit_id>/phien-hop/tao/", council_pages.council_session_new, name="council_session_new"
    ),
    path(
        "hoi-nghi/<int:conference_id>/bo-phieu-ho-so/",
        council_pages.council_ballot_new,
        name="council_ballot_new",
    ),
    # titles and commendations (views/awards.py)
    path("can-bo/", awards.people, name="people"),
    path("nguoi/<int:person_id>/", awards.person, name="person"),
    path("don-vi/<int:unit_id>/khen-thuong/", awards.unit_awards, name="unit_awards"),
    path("don-vi/<int:unit_id>/ung-vien/", awards.unit_candidates, name="unit_candidates"),
    path(
        "don-vi/<int:unit_id>/ung-vien/danh-sach.xlsx",
        awards.unit_candidates_xlsx,
        name="unit_candidates_xlsx",
    ),
    path("don-vi/<int:unit_id>/can-bo/them/", awards.person_new, name="person_new"),
    # a unit's staff list by Excel, transfers and changes of post (web/org/people.py)
    path("don-vi/<int:unit_id>/can-bo/nhap-excel/", org_people.staff_import, name="staff_import"),
    path("don-vi/<int:unit_id>/can-bo/mau-excel/", org_people.staff_template, name="staff_template"),
    path("to-chuc/can-bo/nhap-excel/", org_people.province_staff_import, name="province_staff_import"),
    path("to-chuc/can-bo/mau-excel/", org_people.province_staff_template, name="province_staff_template"),
    path("to-chuc/nhap-excel/<int:job_id>/", org_import_jobs.import_job, name="import_job"),
    path("nguoi/<int:person_id>/dieu-dong/", org_people.person_transfer, name="person_transfer"),
    path("nguoi/<int:person_id>/chuc-vu/", org_people.person_position, name="person_position"),
    path("nguoi/<int:person_id>/ghi/<slug:action>/", awards.person_record, name="person_record"),
    path("don-vi/<int:unit_id>/khen-thuong/ghi/<slug:action>/", awards.unit_record, name="unit_record"),
    path("khen-thuong/<int:award_id>/<slug:action>/", awards.award_change, name="award_change"),
    path("khen-thuong/nhap-excel/", awards.import_awards, name="awards_import"),
    # the catalogue of titles and forms: public to read, the board's to keep (web/awards/catalogue.py)
    path("danh-muc/khen-thuong/", award_catalogue.catalogue_list, name="catalogue"),
    path("danh-muc/khen-thuong/them/", award_catalogue.catalogue_new, name="catalogue_new"),
    path("danh-muc/khen-thuong/<str:code>/", award_catalogue.catalogue_edit, name="catalogue_edit"),
    path(
        "danh-muc/khen-thuong/<str:code>/xoa-muc/", award_catalogue.catalogue_delete, name="catalogue_delete"
    ),
    path(
        "danh-muc/khen-thuong/<str:code>/<slug:action>/",
        award_catalogue.catalogue_active,
        name="catalogue_active",
    ),
    path("khen-thuong/mau-excel/<str:kind>/", awards.import_template, name="awards_import_template"),
    path("khen-thuong/tham-so/", awards.parameters, name="awards_parameters"),
    path("khen-thuong/xet-hang-loat/", awards.jobs, name="awards_jobs"),
    path("khen-thuong/xet-hang-loat/<int:job_id>/", awards.job, name="awards_job"),
    path("khen-thuong/co-thi-dua-chinh-phu/", awards.gov_flag, name="awards_gov_flag"),
    # clusters and blocks, their years, members, head and deputy, indicators, next year (web/clusters)
    path("cum-khoi/", clusters.clusters, name="clusters"),
    path("cum-khoi/tao/", clusters.cluster_new, name="cluster_new"),
    path("cum-khoi/<int:cluster_id>/", clusters.cluster, name="cluster"),
    path("cum-khoi/<int:cluster_id>/sua/", clusters.cluster_edit, name="cluster_edit"),
    path("cum-khoi/<int:cluster_id>/mo-nam/", clusters.cluster_year_new, name="cluster_year_new"),
    path("cum/<int:cy_id>/thanh-vien/", clusters.cluster_members, name="cluster_members"),
    path("cum/<int:cy_id>/truong-pho/", clusters.cluster_roles, name="cluster_roles"),
    path("cum/<int:cy_id>/bo-chi-tieu/", clusters.cluster_indicators, name="cluster_indicators"),
    path("cum/<int:cy_id>/mo-nam-sau/", clusters.roll_forward, name="roll_forward"),
    path("danh-muc-chi-tieu/", clusters.indicators, name="indicators"),
    path("phong-trao/", launch.movements, name="movements_launch"),
    path("phong-trao/<int:movement_id>/sua/", launch.movement_edit, name="movement_edit"),
    # emulation registration: a unit's list per cycle, its superior's review (web/movements/registration.py)
    path("dang-ky-thi-dua/", registration_pages.registrations, name="registrations"),
    path(
        "don-vi/<int:unit_id>/dang-ky-thi-dua/<int:cycle>/",
        registration_pages.registration,
        name="registration",
    ),
    path(
        "don-vi/<int:unit_id>/dang-ky-thi-dua/<int:cycle>/mau-excel/",
        registration_pages.registration_template_xlsx,
        name="registration_template",
    ),
    path(
        "don-vi/<int:unit_id>/dang-ky-thi-dua/<int:cycle>/ban-dang-ky.docx",
        registration_pages.registration_docx,
        name="registration_docx",
    ),
    path(
        "don-vi/<int:unit_id>/dang-ky-thi-dua/<int:cycle>/ban-dang-ky.pdf",
        registration_pages.registration_pdf,
        name="registration_pdf",
    ),
    # proposal dossiers and decisions (web/dossiers/views.py)
    path("ho-so/", dossier_pages.dossiers, name="dossiers"),
    path("ho-so/lap/", dossier_pages.dossier_new, name="dossier_new"),
    path("ho-so/de-nghi-nhanh/", dossier_pages.dossier_propose, name="dossier_propose"),
    path("bo-phieu/<int:ballot_id>/lap-ho-so/", dossier_pages.dossier_from_vote, name="dossier_from_vote"),
    path("ho-so/<int:dossier_id>/", dossier_pages.dossier, name="dossier"),
    path(
        "ho-so/<int:dossier_id>/van-ban/<str:which>.<str:kind>",
        dossier_pages.dossier_file,
        name="dossier_file",
    ),
    path("ho-so/<int:dossier_id>/toan-bo.zip", dossier_pages.dossier_zip_view, name="dossier_zip"),
    path(
        "ho-so/<int:dossier_id>/tai-lieu/<int:document_id>/",
        dossier_pages.dossier_document,
        name="dossier_document",
    ),
    path("ho-so/<int:dossier_id>/quyet-dinh/", dossier_pages.dossier_decision, name="dossier_decision"),
    path("quyet-dinh/", dossier_pages.decisions, name="decisions"),
    path("quyet-dinh/<int:decision_id>/", dossier_pages.decision, name="decision"),
    path(
        "quyet-dinh/<int:decision_id>/van-ban.<str:kind>", dossier_pages.decision_file, name="decision_file"
    ),
    path(
        "quyet-dinh/<int:decision_id>/in/",
        dossier_pages.decision_certificates,
        name="decision_certificates",
    ),
    path("xac-thuc/<str:token>/", dossier_pages.certificate_verify, name="certificate_verify"),
    path("cong-khai/", dossier_pages.postings, name="postings"),
    path("cong-khai/<int:dossier_id>/", dossier_pages.posting, name="posting"),
    path("ho-so/<int:dossier_id>/tra-loi-gop-y/", dossier_pages.posting_answer, name="posting_answer"),
    path(
        "ho-so/<int:dossier_id>/dong/<int:line_id>/bao-cao-thanh-tich.<str:kind>",
        dossier_pages.line_report,
        name="line_report",
    ),
    path(
        "ho-so/<int:dossier_id>/mau-danh-sach.xlsx",
        dossier_pages.dossier_lines_template,
        name="dossier_lines_template",
    ),
    path("in-quyet-dinh/<int:job_id>/", dossier_pages.print_job, name="print_job"),
    path("in-quyet-dinh/<int:job_id>/<str:which>/", dossier_pages.print_job_file, name="print_job_file"),
    # the board's data (calendar, base salary, certificate layouts) and the fund (web/dossiers/board.py)
    path("ngay-lam-viec/", board_pages.calendar, name="board_calendar"),
    path("ngay-lam-viec/them/", board_pages.calendar_day, name="board_calendar_new"),
    path("ngay-lam-viec/lich-<int:year>.xlsx", board_pages.calendar_xlsx, name="board_calendar_xlsx"),
    path("ngay-lam-viec/<int:day_off_id>/", board_pages.calendar_day, name="board_calendar_day"),
    path(
        "ngay-lam-viec/<int:day_off_id>/xoa/",
        board_pages.calendar_day_delete,
        name="board_calendar_day_delete",
    ),
    path("luong-co-so/", board_pages.salaries, name="board_salaries"),
    path("luong-co-so/<int:salary_id>/", board_pages.salary_edit, name="board_salary"),
    path("phoi-in/", board_pages.layouts, name="board_layouts"),
    path("phoi-in/<str:code>/", board_pages.layout, name="board_layout"),
    path("phoi-in/<str:code>/xem-thu.pdf", board_pages.layout_sample, name="board_layout_sample"),
    path("quy-thi-dua/", board_pages.fund, name="fund"),
    path("quy-thi-dua/so-quy.xlsx", board_pages.fund_xlsx, name="fund_xlsx"),
]
