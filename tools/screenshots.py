"""``make screenshots``: the README's pictures of the agent desk, taken from the running demo.

Start the demo first (``make run``), then run this. It drives a headless Chromium through the
DevTools protocol as the demo agent Ana: the queue in Discuss's sidebar, a conversation with an
internal note, the customer info panel and the transfer dialog, saved in docs/images/.
Nothing is changed in the demo: the dialog is cancelled.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import requests
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env

BASE = f"http://localhost:{os.environ.get('OMNICHANNEL_HTTP_PORT', '8069')}"
DB = os.environ.get("OMNICHANNEL_DB", "omnichannel")
OUT = odoo_env.REPO / "docs" / "images"
WIDTH, HEIGHT = 1440, 860


class Page:
    """The few DevTools calls this needs: navigate, evaluate, wait for, screenshot."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def js(self, expression):
        result = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(f"!!document.querySelector({json.dumps(selector)})"):
                return
            time.sleep(0.25)
        raise RuntimeError(f"timed out waiting for {selector}")

    def click(self, selector):
        self.wait(selector)
        self.js(f"document.querySelector({json.dumps(selector)}).click()")

    def shot(self, name):
        time.sleep(1)  # animations, images
        # the demo's own notifications (customers waiting) would cover the picture
        self.js("document.querySelectorAll('.o_notification_close').forEach((b) => b.click())")
        time.sleep(0.5)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path = OUT / name
        path.write_bytes(base64.b64decode(data))
        print(f"[screenshots] {path.relative_to(odoo_env.REPO)}", flush=True)


def login(login, password):
    session = requests.Session()
    reply = session.post(
        f"{BASE}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": DB, "login": login, "password": password}},
        timeout=30,
    )
    reply.raise_for_status()
    if not reply.json().get("result", {}).get("uid"):
        sys.exit(f"[screenshots] cannot log in as {login} on {BASE} ({DB})")
    return session.cookies["session_id"]


def start_chromium(profile):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("[screenshots] Chromium is missing: run `make bootstrap` first")
    port = odoo_env.free_port()
    process = subprocess.Popen(
        [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as reply:
                pages = [t for t in json.load(reply) if t["type"] == "page"]
            if pages:
                return process, pages[0]["webSocketDebuggerUrl"]
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    sys.exit("[screenshots] Chromium did not start")


def main():
    try:
        requests.get(f"{BASE}/web/health", timeout=5).raise_for_status()
    except requests.RequestException:
        sys.exit(f"[screenshots] no Odoo on {BASE}: start the demo with `make run` first")
    OUT.mkdir(parents=True, exist_ok=True)
    session_id = login("ana", "ana")
    with tempfile.TemporaryDirectory() as profile:
        process, ws_url = start_chromium(profile)
        try:
            page = Page(ws_url)
            page.call("Network.enable")
            page.call("Network.setCookie", name="session_id", value=session_id, url=BASE, path="/")
            page.call("Page.enable")
            page.call("Page.navigate", url=f"{BASE}/odoo/discuss")
            page.wait(".o-omnichannel-DeskSection[data-section=queue] .o-omnichannel-DeskItem")
            page.shot("desk-queue.png")
            # Ana's conversation with an internal note (the demo has one).
            found = page.js(
                """(async () => {
                    const items = [...document.querySelectorAll(
                        ".o-omnichannel-DeskSection[data-section=mine] .o-omnichannel-DeskItem")];
                    for (const item of items) {
                        item.click();
                        for (let i = 0; i < 20; i++) {
                            await new Promise((r) => setTimeout(r, 150));
                            if (document.querySelector(".o-mail-Message .o-note")) {
                                return true;
                            }
                        }
                    }
                    return false;
                })()"""
            )
            if not found:
                sys.exit("[screenshots] none of Ana's demo conversations has an internal note")
            page.click(".o-omnichannel-ComposerMode-note")
            page.shot("desk-internal-note.png")
            page.click(".o-omnichannel-ComposerMode-reply")
            page.click(".o-mail-Discuss-headerActions button[name='omnichannel-info']")
            page.wait(".o-omnichannel-InfoPanel-event")
            page.shot("desk-info-panel.png")
            page.click(".o-mail-Discuss-headerActions button[name='omnichannel-info']")
            page.click(".o-mail-Discuss-headerActions button[name='omnichannel-transfer']")
            page.wait(".o-omnichannel-TransferDialog-agent")
            page.click(".o-omnichannel-TransferDialog-agent")
            page.shot("desk-transfer-dialog.png")
            page.click(".o-omnichannel-TransferDialog .modal-footer .btn-secondary")  # cancel
        finally:
            process.kill()
            process.wait()


if __name__ == "__main__":
    main()
