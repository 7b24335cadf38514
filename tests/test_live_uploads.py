"""Hostile lead images through the real admin on production gunicorn: each
is refused with a form error or stored re-encoded, never a server error, and no upload grows
a worker by more than 200 MB. The files and the driving are in reliability/uploads.py; the
in-process checks of articles/images.py are in tests/test_images.py."""

from __future__ import annotations

import pytest

from loopback.servers import Site
from reliability import uploads

pytestmark = pytest.mark.live

MEMORY_BUDGET_MB = 200


@pytest.fixture(scope="module")
def report(live_site: Site) -> uploads.UploadReport:
    return uploads.run_uploads(live_site)


@pytest.mark.parametrize("case", uploads.CASES, ids=lambda case: case.name)
def test_each_hostile_upload_is_refused_or_re_encoded(
    report: uploads.UploadReport, case: uploads.Case
) -> None:
    outcome = next(o for o in report.outcomes if o.case == case.name)

    assert outcome.passed, outcome
    assert outcome.status == (302 if case.expect == "accepted" else 200)


@pytest.mark.parametrize("case", uploads.CASES, ids=lambda case: case.name)
def test_no_upload_grows_a_worker_by_more_than_200_mb(
    report: uploads.UploadReport, case: uploads.Case
) -> None:
    outcome = next(o for o in report.outcomes if o.case == case.name)

    assert outcome.rss_growth_mb <= MEMORY_BUDGET_MB, outcome


def test_an_upload_over_nginx_s_body_limit_gets_413_and_never_reaches_gunicorn(
    report: uploads.UploadReport,
) -> None:
    assert report.nginx_oversize_status == 413
    assert not report.nginx_oversize_reached_app
