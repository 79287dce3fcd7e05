#!/usr/bin/python3
"""The search page in a real browser: headless Chromium driven through chromedriver.

Usage: search_page_test.py BIN_DIR
Indexes a small archive, starts the real archive-serve on a free loopback port, and types
into the page as a visitor would. Exits non-zero on the first failed check.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/bin"

ARTICLES = [
    {"id": "stretching-and-injury", "title": "Does Stretching Prevent Injury?", "kind": "review",
     "tags": ["stretching", "injury"], "published": "2019-05-01",
     "sections": [{"text": "Stretching before exercise does little to prevent injury in runners."}]},
    {"id": "hamstring-strains", "title": "Hamstring Strains", "kind": "guide",
     "tags": ["injury"], "published": "2016-08-30",
     "sections": [{"text": "Eccentric strength, not stretching, prevents most hamstring injuries."}]},
    {"id": "member-protocol", "title": "A Protocol for Sore Calves", "kind": "member-post",
     "access": "members", "headings_public": True, "tags": ["calves"],
     "sections": [{"access": "public", "text": "An introduction anyone can read about calves."},
                  {"heading": "The protocol", "text": "Members read about the quillwort method here."}]},
    {"id": "markup-in-text", "title": "Angle Brackets in Prose", "kind": "article",
     "sections": [{"text": "A careless page would run <img src=x onerror=\"window.pwned=1\"> as markup; "
                           "stretching is mentioned so the search finds it."}]},
]


def wait_for(predicate, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return True
        except StaleElementReferenceException:
            pass  # the page re-rendered under us: look again
        time.sleep(0.05)
    return False


class SearchPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        archive = os.path.join(cls.tmp.name, "archive.jsonl")
        with open(archive, "w", encoding="utf-8") as f:
            f.write("\n".join(json.dumps(a) for a in ARTICLES) + "\n")
        index = os.path.join(cls.tmp.name, "index")
        subprocess.run([os.path.join(BIN, "archive-index"), "--index", index, archive], check=True,
                       capture_output=True)
        cls.log = open(os.path.join(cls.tmp.name, "serve.log"), "w+")
        cls.server = subprocess.Popen([os.path.join(BIN, "archive-serve"), "--index", index,
                                       "--listen", "127.0.0.1:0"], stdout=cls.log, stderr=cls.log)
        port = None

        def listening():
            nonlocal port
            cls.log.seek(0)
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", cls.log.read())
            port = m and m.group(1)
            return port is not None
        if not wait_for(listening, timeout=30):
            cls.log.seek(0)
            raise AssertionError("archive-serve did not start; its log:\n" + cls.log.read())
        cls.base = f"http://127.0.0.1:{port}/"

        options = Options()
        for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1100,900",
                    "--user-data-dir=" + os.path.join(cls.tmp.name, "chromium")]:
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        cls.browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.server.send_signal(signal.SIGTERM)
        assert cls.server.wait(10) == 0
        cls.log.close()
        cls.tmp.cleanup()

    def setUp(self):
        self.browser.get(self.base)
        self.box = self.browser.find_element(By.ID, "q")

    def titles(self):
        # One script call reads them all, so a re-render cannot leave a stale reference.
        return self.browser.execute_script(
            "return [...document.querySelectorAll('#results a.title')].map(a => a.textContent)")

    def settled(self):
        """True once no keystroke is waiting and no request is in flight."""
        return self.browser.execute_script(
            "return document.body.dataset.pending === '0'")

    def type_and_wait(self, text):
        self.box.send_keys(text)
        time.sleep(0.1)  # past the page's keystroke debounce
        self.assertTrue(wait_for(lambda: self.settled() and self.titles()),
                        f"no results for {text!r}")

    def test_results_appear_as_you_type_with_highlights(self):
        self.type_and_wait("stretch")
        self.assertIn("Does Stretching Prevent Injury?", self.titles())
        marks = [m.text.lower() for m in self.browser.find_elements(By.CSS_SELECTOR, "#results mark")]
        self.assertTrue(any(m.startswith("stretch") for m in marks), marks)

    def test_one_letter_clears_the_page_and_two_search(self):
        self.type_and_wait("stretch")
        self.box.send_keys(Keys.CONTROL, "a")
        self.box.send_keys("h")
        time.sleep(0.1)
        self.assertTrue(wait_for(lambda: self.settled() and self.titles() == []), self.titles())
        self.assertEqual(self.browser.find_element(By.ID, "status").text, "")
        self.type_and_wait("a")  # "ha": hamstring, habit...
        self.assertIn("Hamstring Strains", self.titles())

    def test_unfinished_word_is_completed(self):
        self.box.send_keys("hamstr")
        self.assertTrue(wait_for(lambda: "Hamstring Strains" in self.titles()))
        options = [li.text for li in self.browser.find_elements(By.CSS_SELECTOR, "#completions li")]
        self.assertTrue(any(o.startswith("hamstring") for o in options), options)

    def test_member_text_stays_hidden_from_anonymous_visitors(self):
        self.box.send_keys("quillwort", Keys.ENTER)
        self.assertTrue(wait_for(lambda: "About 0 results" in
                                 self.browser.find_element(By.ID, "status").text))
        self.assertNotIn("quillwort", self.browser.page_source.lower().replace(
            'value="quillwort"', ""))
        # Control: the public introduction of the same article is found.
        self.box.clear()
        self.type_and_wait("calves introduction")
        self.assertIn("A Protocol for Sore Calves", self.titles())

    def test_facet_narrows_the_results(self):
        self.type_and_wait("stretching")
        before = self.titles()
        guide = [b for b in self.browser.find_elements(By.CSS_SELECTOR, "#facets button")
                 if b.text.startswith("guide")]
        self.assertTrue(guide)
        guide[0].click()
        self.assertTrue(wait_for(lambda: self.titles() == ["Hamstring Strains"]), self.titles())
        self.assertGreater(len(before), 1)

    def test_did_you_mean(self):
        self.box.send_keys("hamstrng", Keys.ENTER)
        link = self.browser.find_element(By.ID, "corrected")
        self.assertTrue(wait_for(lambda: link.text == "hamstring"), link.text)
        link.click()
        self.assertTrue(wait_for(lambda: "Hamstring Strains" in self.titles()))

    def test_markup_in_article_text_is_shown_as_text(self):
        self.type_and_wait("careless page")
        snippet = self.browser.find_element(By.CSS_SELECTOR, "li[data-id='markup-in-text'] .snippet")
        self.assertIn("<img src=x", snippet.text)
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, "#results img"), [])
        self.assertIsNone(self.browser.execute_script("return window.pwned"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
