"""One headless Chromium session for the workbench tests (tests/dags/test_airflow_live.py): logged in through Airflow's
own login form, every URL it requested kept, downloads into a folder of its own, full-page screenshots."""

from __future__ import annotations

import base64
import time
from html.parser import HTMLParser
from pathlib import Path

from tests.browser import chromium, requested_urls

WAIT_SECONDS = 30


class Session:
    """A Chromium driver on `base`; `urls` is every URL requested since it started (tests.browser.requested_urls)."""

    def __init__(self, base: str, downloads: Path, artefacts: Path):
        from selenium.webdriver.support.ui import WebDriverWait

        self.base, self.downloads, self.artefacts = base, downloads, artefacts
        self.urls: list[str] = []
        self.driver = chromium()
        self.wait = WebDriverWait(self.driver, WAIT_SECONDS)
        downloads.mkdir(parents=True, exist_ok=True)
        artefacts.mkdir(parents=True, exist_ok=True)
        # downloads go, without asking, into a folder the test reads (the CDP twin of `download.default_directory`)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": str(downloads)})

    def drain(self) -> list[str]:
        """Keep the URLs requested since the last call."""
        self.urls += requested_urls(self.driver)
        return self.urls

    def login(self, user: str, password: str) -> None:
        """Open the Airflow UI at `/` and sign in through its login form, as a person would."""
        from selenium.webdriver.common.by import By

        self.driver.get(f"{self.base}/")
        field = self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=username]"))[0]
        field.send_keys(user)
        self.driver.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys(password)
        button = self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]")
        self.wait.until(lambda d: button.is_enabled())  # the form enables its button once both fields are filled
        button.click()
        self.wait.until(lambda d: d.get_cookie("_token") and "/auth/login" not in d.current_url)
        self.drain()

    def token(self) -> str:
        """The session's `_token` cookie (what the browser sends to the plugin)."""
        return self.driver.get_cookie("_token")["value"]

    def get(self, path: str) -> None:
        self.driver.get(self.base + path)
        self.ready()

    def ready(self) -> None:
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.drain()

    def submit(self, button) -> None:
        """Click a form's button and wait for the page it loads (the old page gone, the new one complete)."""
        from selenium.common.exceptions import WebDriverException

        def gone(driver) -> bool:
            try:
                button.is_enabled()
                return False
            except WebDriverException:  # stale; or, mid-navigation, Chromium's "node does not belong to the document"
                return True

        button.click()
        self.wait.until(gone)
        self.ready()

    def css(self, selector: str, within=None) -> list:
        from selenium.webdriver.common.by import By

        return (within or self.driver).find_elements(By.CSS_SELECTOR, selector)

    def shot(self, name: str) -> Path:
        """A screenshot of the whole page (beyond the window) in the artefacts folder."""
        path = self.artefacts / f"{name}.png"
        try:
            data = self.driver.execute_cdp_cmd("Page.captureScreenshot",
                                               {"format": "png", "captureBeyondViewport": True})["data"]
            path.write_bytes(base64.b64decode(data))
        except Exception:  # an older driver: the window only
            self.driver.save_screenshot(str(path))
        return path

    def downloaded(self, before: set[str], seconds: float = WAIT_SECONDS) -> Path:
        """The file that appeared in the downloads folder since `before` (names), once Chromium finished it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            new = [p for p in self.downloads.iterdir() if p.name not in before]
            if new and not any(p.suffix == ".crdownload" for p in new):
                return new[0]
            time.sleep(0.5)
        raise AssertionError(f"nothing downloaded into {self.downloads} within {seconds}s")

    def quit(self) -> None:
        try:
            self.drain()
        finally:
            self.driver.quit()


class _Links(HTMLParser):
    def __init__(self, css_class: str):
        super().__init__()
        self.css_class, self.hrefs = css_class, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and self.css_class in (attrs.get("class") or "").split() and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def links(html: str, css_class: str) -> list[str]:
    """The hrefs of the `a` elements of class `css_class` in a page."""
    parser = _Links(css_class)
    parser.feed(html)
    return parser.hrefs
