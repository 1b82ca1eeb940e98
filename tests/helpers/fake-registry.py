#!/usr/bin/python3
"""A tiny registry double for the parts a real docker-registry cannot show:
bearer token auth, a redirect to another origin, tag pagination and a
lying Docker-Content-Digest. Usage: fake-registry.py PORTFILE LOGFILE.
It binds 127.0.0.1 on a free port and writes the port to PORTFILE."""
import base64
import hashlib
import http.server
import json
import sys
import urllib.parse

PORTFILE, LOGFILE = sys.argv[1], sys.argv[2]
REPO = "r/img"
CONFIG = json.dumps({"architecture": "amd64", "os": "linux",
                     "config": {"Cmd": ["/bin/true"]},
                     "rootfs": {"type": "layers", "diff_ids": []}}).encode()
LAYER = b"layer-bytes" * 100


def dg(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
               "digest": dg(CONFIG), "size": len(CONFIG)},
    "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "digest": dg(LAYER), "size": len(LAYER)}]}).encode()
BLOBS = {dg(CONFIG): CONFIG, dg(LAYER): LAYER}
TOKEN = "tok-" + hashlib.sha256(b"fake").hexdigest()[:16]
TAGS = ["a", "b", "c", "d", "e"]
SEARCH = [{"name": "r/img", "star_count": 7, "is_official": True, "is_automated": False,
           "description": "The one image of the fake registry, described at some length"},
          {"name": "r/other", "star_count": 1, "is_official": False, "is_automated": True,
           "description": "another"}]


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def log(self):
        auth = self.headers.get("Authorization", "none").split(" ")[0]
        with open(LOGFILE, "a") as f:
            f.write("%s %s %s host=%s\n" % (self.command, self.path, auth,
                                            self.headers.get("Host", "").split(":")[0]))

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def challenge(self):
        port = self.server.server_address[1]
        err = json.dumps({"errors": [{"code": "UNAUTHORIZED",
                                      "message": "authentication required"}]}).encode()
        self.send(401, err, [("WWW-Authenticate",
                              'Bearer realm="http://127.0.0.1:%d/token",service="fake \\"svc\\""'
                              % port), ("Content-Type", "application/json")])

    def authed(self):
        return self.headers.get("Authorization") == "Bearer " + TOKEN

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.log()
        p = self.path
        if p.startswith("/token"):
            want = "Basic " + base64.b64encode(b"bob:pw").decode()
            if self.headers.get("Authorization") != want:
                return self.send(401, b'{"details":"bad creds"}')
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(p).query)
            if q.get("service") != ['fake "svc"'] or q.get("scope") not in (None, ["repository:r/img:pull"]) \
                    or q.get("account") != ["bob"]:
                return self.send(400, b"bad token request")
            return self.send(200, json.dumps({"access_token": TOKEN, "expires_in": 300}).encode())
        if p.startswith("/v1/search"):
            # the old search API (Docker Hub, quay.io), anonymous
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(p).query)
            term, n = q.get("q", [""])[0], int(q.get("n", ["25"])[0])
            res = [i for i in SEARCH if term in i["name"]][:n]
            return self.send(200, json.dumps({"num_results": len(res), "query": term,
                                              "results": res}).encode(),
                             [("Content-Type", "application/json")])
        if p.startswith("/external/"):
            if "Authorization" in self.headers:
                return self.send(400, b"credentials leaked to another host")
            return self.send(200, BLOBS[p[len("/external/"):]])
        if not self.authed():
            return self.challenge()
        if p == "/v2/":
            return self.send(200, b"{}")
        if p == "/v2/%s/manifests/latest" % REPO:
            return self.send(200, MANIFEST, [
                ("Content-Type", "application/vnd.docker.distribution.manifest.v2+json"),
                ("Docker-Content-Digest", dg(MANIFEST))])
        if p == "/v2/%s/manifests/liar" % REPO:
            return self.send(200, MANIFEST, [
                ("Content-Type", "application/vnd.docker.distribution.manifest.v2+json"),
                ("Docker-Content-Digest", dg(b"something else"))])
        if p.startswith("/v2/%s/blobs/" % REPO):
            d = p.rsplit("/", 1)[1]
            if d not in BLOBS:
                return self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}')
            port = self.server.server_address[1]
            return self.send(307, b"", [("Location", "http://localhost:%d/external/%s" % (port, d))])
        if p.startswith("/v2/%s/tags/list" % REPO):
            last = p.split("last=")[1].split("&")[0] if "last=" in p else ""
            rest = [t for t in TAGS if t > last]
            page, more = rest[:2], len(rest) > 2
            hdrs = [("Content-Type", "application/json")]
            if more:
                hdrs.append(("Link", '</v2/%s/tags/list?n=2&last=%s>; rel="next"' % (REPO, page[-1])))
            return self.send(200, json.dumps({"name": REPO, "tags": page}).encode(), hdrs)
        self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}')


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
