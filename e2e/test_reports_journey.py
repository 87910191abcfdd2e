"""Staff produce the year's handling report in a real browser: the menu leads to the reports
page, its headline figures show, the annual report downloads with the progress line saying so,
and the file opens with its headings; a clerk is refused. Screenshots into test-artifacts/."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


def test_staff_download_the_annual_report_with_a_progress_line(page: Any, live_url: str) -> None:
    login(page, live_url, "staff")
    page.click("nav >> text=办理工作报告")
    page.wait_for_url(f"{live_url}/reports/")
    figures = page.locator("[data-testid=report-figures]")
    assert figures.is_visible()
    registered = int(figures.locator("[data-figure=registered]").inner_text().replace(",", ""))
    assert registered > 0
    shot(page, "reports-page")
    with page.expect_download(timeout=120_000) as download_info:
        page.click("text=年度报告（Word）")
    download = download_info.value
    assert download.suggested_filename.endswith("代表建议办理工作情况报告.docx")
    status = page.locator("[data-testid=report-progress]")
    status.locator("text=已完成").wait_for(timeout=30_000)
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].startswith("关于") and texts[0].endswith("代表建议办理工作情况的报告")
    assert "一、基本情况" in texts and len(doc.inline_shapes) >= 1
    shot(page, "reports-page-downloaded")


def test_a_clerk_has_no_reports(page: Any, live_url: str) -> None:
    login(page, live_url, "clerk")
    assert page.locator("nav >> text=办理工作报告").count() == 0
    response = page.goto(f"{live_url}/reports/")
    assert response is not None and response.status == 403
