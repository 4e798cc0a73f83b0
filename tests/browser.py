"""Headless Chromium for page tests (Debian's chromium and chromium-driver), driven by Selenium."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile

import pytest

# --disable-dev-shm-usage: a container's /dev/shm is small (64 MB under Docker) and Chromium dies on it when Airflow
# runs beside it ("DevToolsActivePort file doesn't exist", seen in CI); each browser gets its own profile folder
# (below), so browsers started at the same time by parallel test workers never share one.
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic", "--window-size=1366,900")


def chromium():
    """A Selenium Chrome driver logging the console and network; fails under CI when Chromium is missing."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium and chromium-driver are required under CI")
        pytest.skip("chromium / chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="assure-chromium-")
    atexit.register(shutil.rmtree, profile, ignore_errors=True)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    # a fresh profile opens the new-tab page, which asks for chrome:// resources: start every test from a blank page
    # with the log drained, so what a test reads is what its own pages asked for
    driver.get("about:blank")
    driver.get_log("performance")
    return driver


def requested_urls(driver) -> list[str]:
    """Every URL the page asked for since the last call (from the performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
