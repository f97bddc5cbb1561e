"""Shared fixtures of the browser tests: Debian's Chromium, launched offline with a fake microphone, and a fresh
page per test.

A test module provides ``microphone`` (the WAV the fake microphone plays) and may override ``chromium_args`` (flags
added to ``CHROMIUM_FLAGS``) and ``viewport``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Root in a container: no sandbox; offline: nothing that phones home.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
# The README's screenshots are refreshed on purpose only: SCREENSHOTS_DIR=docs/screenshots pytest -m browser.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "dataready-screenshots")


def shoot(page: Page, name: str) -> None:
    """Save the whole page as ``SCREENSHOTS/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def chromium_args() -> list[str]:
    """Flags a module adds to ``CHROMIUM_FLAGS``: none unless it overrides this."""
    return []


@pytest.fixture(scope="module")
def browser(microphone: Path, chromium_args: list[str]) -> Iterator[Browser]:
    """Debian's Chromium whose microphone plays ``microphone``, one per module."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make system-deps` (apt-get install chromium chromium-driver)")
    with sync_playwright() as playwright:
        args = [*CHROMIUM_FLAGS, *chromium_args, f"--use-file-for-fake-audio-capture={microphone}"]
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def viewport() -> ViewportSize:
    """The page size: a laptop screen unless a module overrides this."""
    return {"width": 1280, "height": 900}


@pytest.fixture
def page(browser: Browser, viewport: ViewportSize) -> Iterator[Page]:
    """A fresh browser context and page for each test (30 s for any one action)."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()
