#!/usr/bin/python3
"""A proxy in front of a plain-HTTP registry that fails on purpose, for
pull's retries. Usage: flaky-registry.py PORTFILE LOGFILE UPSTREAM FAILS.
Repository "flaky/NAME" is UPSTREAM's "podutils/NAME", but its first FAILS
manifest requests get 503 with a registry UNAVAILABLE error (what Podman
retries); "bare503/NAME" always gets a 503 without a body (what it does
not). Everything else is passed on. Each request is logged as
"METHOD PATH STATUS"."""
import http.server
import sys
import urllib.error
import urllib.request

PORTFILE, LOGFILE, UPSTREAM, FAILS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
failed = 0


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, body=b"", headers=()):
        with open(LOGFILE, "a") as f:
            f.write("%s %s %d\n" % (self.command, self.path, code))
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        global failed
        p = self.path
        if p.startswith("/v2/bare503/"):
            return self.reply(503)
        if p.startswith("/v2/flaky/") and "/manifests/" in p and failed < FAILS:
            failed += 1
            return self.reply(503, b'{"errors":[{"code":"UNAVAILABLE","message":"service unavailable"}]}',
                              [("Content-Type", "application/json")])
        if p.startswith("/v2/flaky/"):
            p = "/v2/podutils/" + p[len("/v2/flaky/"):]
        req = urllib.request.Request("http://%s%s" % (UPSTREAM, p), method=self.command)
        for k in ("Accept", "Authorization"):
            for v in self.headers.get_all(k) or []:
                req.add_header(k, v)
        try:
            r = urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            r = e
        body = r.read()
        hdrs = [(k, v) for k, v in r.headers.items()
                if k.lower() in ("content-type", "docker-content-digest", "www-authenticate")]
        self.reply(r.status if hasattr(r, "status") else r.code, body, hdrs)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
