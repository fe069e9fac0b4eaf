"""E-learning content in a real headless Chromium page: the TinCanJS client (npm) posts statements and keeps state.

The page is served from its own origin, as content is in an LMS, so every LRS call
goes through CORS and its preflight. The npm package is installed by this test into
test-artifacts/npm (git-ignored), from the registry, the first time it runs.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright

from tests.fixtures import chromium
from tests.fixtures.data import REPO, free_port
from tests.fixtures.lrs import LrsProcess

NPM_PACKAGE = "tincanjs@0.50.0"
NPM_PREFIX = REPO / "test-artifacts" / "npm"
BUNDLE = NPM_PREFIX / "node_modules" / "tincanjs" / "build" / "tincan.js"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Module 3: Safety at work</title>
<script src="tincan.js"></script></head>
<body><h1>Safety at work</h1>
<script>
function call(method, ...args) {
  return new Promise((resolve, reject) => {
    const options = args.pop() || {};
    options.callback = (err, result) =>
      err ? reject(new Error(String(err) + ' ' + JSON.stringify(result))) : resolve(result);
    lrs[method](...args, options);
  });
}
let lrs;
async function learn(endpoint, key, secret, learnerMbox, courseId) {
  lrs = new TinCan.LRS({endpoint: endpoint, username: key, password: secret, version: "1.0.2", allowFail: false});
  const actor = new TinCan.Agent({mbox: learnerMbox, name: "Noor"});
  const course = new TinCan.Activity({id: courseId});
  const ids = [];
  for (const verb of ["launched", "experienced", "completed"]) {
    const statement = new TinCan.Statement({actor: actor, target: course,
      verb: {id: "http://adlnet.gov/expapi/verbs/" + verb, display: {"en-US": verb}}});
    await call("saveStatement", statement, {});
    ids.push(statement.id);
  }
  await call("saveState", "bookmark", JSON.stringify({slide: 12}), {activity: course, agent: actor,
                                                                     contentType: "application/json"});
  const state = await call("retrieveState", "bookmark", {activity: course, agent: actor});
  return {ids: ids, state: state.contents, etag: state.etag};
}
</script></body></html>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the test page's files without logging every request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def tincanjs_bundle() -> Path:
    """TinCanJS from the npm registry, installed outside the tracked tree on first use."""
    if not BUNDLE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install the JavaScript xAPI client (apt-get install npm)")
        NPM_PREFIX.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(NPM_PREFIX), NPM_PACKAGE],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not BUNDLE.exists():
            pytest.fail(f"npm install {NPM_PACKAGE} failed:\n{done.stdout}\n{done.stderr}")
    return BUNDLE


@pytest.fixture
def content_site(tmp_path: Path, tincanjs_bundle: Path) -> Iterator[str]:
    """A separate origin serving the course page and the client bundle."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE)
    shutil.copy(tincanjs_bundle, site / "tincan.js")
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


@pytest.mark.browser
def test_course_page_posts_statements_and_keeps_state(lrs: LrsProcess, content_site: str) -> None:
    learner = f"mailto:noor-{uuid.uuid4().hex[:6]}@example.org"
    course = f"http://example.org/courses/{uuid.uuid4()}"
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(content_site)
            result = page.evaluate(
                "([e, k, s, m, c]) => learn(e, k, s, m, c).catch(err => ({error: JSON.stringify(err) + String(err)}))",
                [lrs.endpoint, lrs.key, lrs.secret, learner, course],
            )
        finally:
            browser.close()
    assert not errors and "error" not in result, (errors, result)
    # TinCanJS parses JSON documents itself, and reads the ETag the LRS sent.
    assert result["state"] == {"slide": 12} and result["etag"]
    with httpx.Client(base_url=lrs.endpoint, auth=lrs.auth, headers={"X-Experience-API-Version": "1.0.3"}) as client:
        stored = client.get("statements", params={"agent": json.dumps({"mbox": learner})}).json()["statements"]
    assert [s["id"] for s in stored] == list(reversed(result["ids"]))
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in stored] == ["completed", "experienced", "launched"]
