"""Debian's headless Chromium under Selenium, cut off from the network, for the course's pages and the browser test.

Every host name but 127.0.0.1 resolves to nothing, so a page that reaches for a CDN (MathJax, fonts, scripts)
shows it the way a reader without network would see it, instead of quietly loading it.
Needs Debian's chromium, chromium-driver and python3-selenium (environment/setup installs them).
"""
import time
from contextlib import contextmanager

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")


@contextmanager
def headless_chromium(width=1280, height=2000):
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for flag in FLAGS + (f"--window-size={width},{height}",):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(predicate, timeout, what):
    """Polls predicate until it returns something true; raises TimeoutError naming what it waited for."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as e:  # the page may still be loading
            last = e
        time.sleep(0.25)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")
