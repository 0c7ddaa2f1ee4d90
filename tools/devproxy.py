"""The reverse proxy of ``make run WORKERS=N``: one URL for Odoo in prefork, as nginx gives it in
production. Requests under ``/websocket`` go to Odoo's gevent port (websocket upgrades tunnelled
both ways), every other one to its HTTP workers; each carries X-Forwarded-For, -Host and -Proto,
which Odoo trusts with ``--proxy-mode``.

    python devproxy.py --port 8069 --http-port 8071 --gevent-port 8072 [--interface 127.0.0.1]

Standard library only. For development: in production put nginx in front (see the README).
"""

import argparse
import http.client
import os
import shutil
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BACKEND_HOST = "127.0.0.1"
WEBSOCKET_PREFIX = "/websocket"  # nginx: location /websocket { proxy_pass <gevent port>; }
CHUNK = 64 * 1024
# Headers of one connection, not of the request: never passed on (RFC 9110, 7.6.1).
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
FORWARDED = {"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"}
NO_BODY_STATUSES = {204, 304}


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive with the browser, as nginx does

    def do_GET(self):
        backend = self.server.backend_for(self.path)
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self.tunnel(backend)
        else:
            self.relay(backend)

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    # Plain HTTP --------------------------------------------------------------------------------

    def relay(self, backend):
        body = self.read_body()
        # No timeout: Odoo's --limit-time-real ends a request that runs too long.
        upstream = http.client.HTTPConnection(*backend)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.upstream_headers():
                upstream.putheader(name, value)
            if body is not None:
                upstream.putheader("Content-Length", str(len(body)))
            upstream.endheaders(body)
            response = upstream.getresponse()
        except OSError as error:
            upstream.close()
            self.send_error(502, f"Odoo is not answering on port {backend[1]}: {error}")
            return
        try:
            self.send_back(response)
        finally:
            upstream.close()

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        length = self.headers.get("Content-Length")
        return self.rfile.read(int(length)) if length else None

    def read_chunked(self):
        parts = []
        while size := int(self.rfile.readline().split(b";")[0], 16):
            parts.append(self.rfile.read(size))
            self.rfile.readline()  # the CRLF after each chunk
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return b"".join(parts)

    def upstream_headers(self):
        """The request's headers for Odoo: hop-by-hop ones dropped, X-Forwarded-* set."""
        listed = {name.strip().lower() for name in self.headers.get("Connection", "").split(",")}
        # The body is read here: its length is set again, and a 100-continue already answered.
        dropped = HOP_BY_HOP | FORWARDED | listed | {"content-length", "expect"}
        headers = [
            (name, value) for name, value in self.headers.items() if name.lower() not in dropped
        ]
        host = self.headers.get("Host") or f"{self.server.server_name}:{self.server.server_port}"
        if "host" not in {name.lower() for name, _value in headers}:
            headers.append(("Host", host))
        headers += [
            ("X-Forwarded-For", self.client_address[0]),
            ("X-Forwarded-Host", host),
            ("X-Forwarded-Proto", "http"),
        ]
        return headers

    def send_back(self, response):
        """Odoo's answer, streamed: with its length when it gives one, else in chunks."""
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        has_body = self.command != "HEAD" and response.status not in NO_BODY_STATUSES
        unsized = has_body and response.getheader("Content-Length") is None
        chunked = unsized and self.request_version == "HTTP/1.1"
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif unsized:
            self.close_connection = True  # an HTTP/1.0 client reads to the end of the stream
        self.end_headers()
        if not has_body:
            return
        if not chunked:
            shutil.copyfileobj(response, self.wfile, CHUNK)
            return
        while data := response.read1(CHUNK):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.write(b"0\r\n\r\n")

    # Websocket ---------------------------------------------------------------------------------

    def tunnel(self, backend):
        """Pass the handshake on, then copy bytes both ways until either side closes."""
        try:
            upstream = socket.create_connection(backend)
        except OSError as error:
            self.send_error(502, f"Odoo's websocket is not answering on port {backend[1]}: {error}")
            return
        headers = self.upstream_headers() + [("Upgrade", "websocket"), ("Connection", "Upgrade")]
        lines = [f"{self.command} {self.path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers]
        upstream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        self.close_connection = True  # the connection is the websocket's from now on
        to_browser = threading.Thread(
            target=pump, args=(upstream.recv, self.connection), daemon=True
        )
        to_browser.start()
        # rfile may already hold the first bytes after the handshake: read through it.
        pump(self.rfile.read1, upstream)
        to_browser.join()
        upstream.close()

    def log_request(self, code="-", size="-"):
        pass  # Odoo logs every request itself


def pump(read, destination):
    """Copy from `read` to the `destination` socket until the source ends, then pass the end on."""
    try:
        while data := read(CHUNK):
            destination.sendall(data)
    except OSError:
        pass  # either side went away: the end below tells the other
    try:
        destination.shutdown(socket.SHUT_WR)
    except OSError:
        pass


class DevProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, http_port, gevent_port):
        super().__init__(address, ProxyHandler)
        self.http_backend = (BACKEND_HOST, http_port)
        self.gevent_backend = (BACKEND_HOST, gevent_port)

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
        # else the browser left mid-answer (a page closed, a download stopped): nothing to say

    def backend_for(self, path):
        route = path.split("?", 1)[0]
        if route == WEBSOCKET_PREFIX or route.startswith(f"{WEBSOCKET_PREFIX}/"):
            return self.gevent_backend
        return self.http_backend


def stop_with_parent(proxy):
    """Stop when the process that started the proxy ends (Odoo, which make run became), however
    it ends: a proxy left behind would hold the port the next make run needs."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        proxy.shutdown()

    threading.Thread(target=watch, daemon=True).start()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True, help="where the browser connects")
    parser.add_argument("--interface", default="127.0.0.1", help='"" = all interfaces')
    parser.add_argument("--http-port", type=int, required=True, help="Odoo's --http-port")
    parser.add_argument("--gevent-port", type=int, required=True, help="Odoo's --gevent-port")
    args = parser.parse_args(argv)
    proxy = DevProxy((args.interface, args.port), args.http_port, args.gevent_port)
    print(
        f"[proxy] port {args.port}: /websocket -> {BACKEND_HOST}:{args.gevent_port}, "
        f"the rest -> {BACKEND_HOST}:{args.http_port}",
        flush=True,
    )
    stop_with_parent(proxy)
    try:
        proxy.serve_forever()
    except KeyboardInterrupt:
        pass  # Ctrl-C stops Odoo and the proxy together
    finally:
        proxy.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
