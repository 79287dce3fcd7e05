"""What the browser tests share: archives, a real archive-serve, one headless Chromium,
tokens, axe-core and screenshots.

Everything runs on loopback: archive-serve on a free port, a static server for the
embedding example on another (a second origin), and Chromium driven through chromedriver.
"""
import base64
import functools
import hashlib
import hmac
import http.server
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
AXE = os.path.join(HERE, "vendor", "axe-core", "axe.min.js")
SECRET = b"browser-test-secret-of-at-least-32-bytes"

DESKTOP = ("desktop", 1280, 800)
PHONE = ("phone", 390, 844)


def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return True
        except StaleElementReferenceException:
            pass  # the page re-rendered under us: look again
        time.sleep(0.02)
    return False


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(claims, expires_in=3600):
    """An HS256 JWT signed with the test server's secret."""
    claims = dict(claims, exp=int(time.time()) + expires_in)
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


class Server:
    """The real archive-serve over an index of `articles_path`."""

    def __init__(self, bin_dir, workdir, name, articles_path, cors_origin=None):
        index = os.path.join(workdir, name + "-index")
        subprocess.run([os.path.join(bin_dir, "archive-index"), "--index", index, articles_path],
                       check=True, capture_output=True)
        secret = os.path.join(workdir, "secret")
        with open(secret, "wb") as f:
            f.write(SECRET)
        self.log = open(os.path.join(workdir, name + "-serve.log"), "w+")
        args = [os.path.join(bin_dir, "archive-serve"), "--index", index, "--listen", "127.0.0.1:0",
                "--token-secret-file", secret, "--threads", "2"]
        if cors_origin:
            args += ["--cors-origin", cors_origin]
        self.process = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        port = []

        def listening():
            self.log.seek(0)
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.log.read())
            if m:
                port.append(m.group(1))
            return bool(port)
        if not wait_for(listening, timeout=30):
            self.log.seek(0)
            raise AssertionError("archive-serve did not start; its log:\n" + self.log.read())
        self.base = f"http://127.0.0.1:{port[0]}"

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(10)
        self.log.close()
        assert code == 0, f"archive-serve exited {code}"


class StaticSite:
    """A second origin serving one directory (the embedding example's host page)."""

    def __init__(self, directory):
        handler = functools.partial(_QuietHandler, directory=directory)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def start_browser(workdir):
    options = Options()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-extensions",
                "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                "--user-data-dir=" + os.path.join(workdir, "chromium")]:
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def set_viewport(browser, size, dark=False):
    _, width, height = size
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})


@functools.lru_cache(maxsize=1)
def axe_source():
    with open(AXE, encoding="utf-8") as f:
        return f.read()


def serious_violations(browser):
    """axe-core's serious and critical violations on the page as it is now."""
    if not browser.execute_script("return typeof window.axe === 'object'"):
        browser.execute_script(axe_source())
    found = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]}).then((r) => done(r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}))));""")
    return found


def screenshot(browser, directory, name):
    os.makedirs(directory, exist_ok=True)
    browser.save_screenshot(os.path.join(directory, name + ".png"))


def write_jsonl(path, articles):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(a) for a in articles) + "\n")


def new_workdir():
    return tempfile.TemporaryDirectory(prefix="archive-browser-")
