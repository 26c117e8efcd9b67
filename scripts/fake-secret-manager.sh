# Sourced by scripts/test-modules.sh and scripts/test-modules-kube.sh (needs python3, curl, and
# the caller's fail function and fake_sm_pid variable).
#
# A fake Secret Manager on 127.0.0.1:28573 (the test files point the google.secrets provider at it):
# it answers the two calls the google provider's ephemeral google_secret_manager_secret_version makes
# (GET .../versions/<v>, then GET <name>:access) with a placeholder PEM naming the secret, and logs
# every request, so that the tests can tell the ephemeral path ran. Given a directory too, a secret
# with a file of its name there is served with that file's contents instead (real PEMs).
start_fake_secret_manager() { # logfile [dir]
	python3 -u - "$1" "${2:-}" <<'PY' &
import base64, http.server, json, os, re, sys
log = open(sys.argv[1], "a", buffering=1)
secrets_dir = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        log.write(self.path + "\n")
        m = re.fullmatch(r"/v1/(projects/[^/]+/secrets/([^/]+))/versions/([^/:]+)(:access)?", self.path.split("?")[0])
        if not m:
            self.send_response(404); self.end_headers(); return
        name = m.group(1) + "/versions/1"
        if m.group(4):
            data = ("-----BEGIN TEST PEM----- " + m.group(2)).encode()
            if secrets_dir and os.path.isfile(os.path.join(secrets_dir, m.group(2))):
                data = open(os.path.join(secrets_dir, m.group(2)), "rb").read()
            body = {"name": name, "payload": {"data": base64.b64encode(data).decode()}}
        else:
            body = {"name": name, "createTime": "2026-01-01T00:00:00Z", "state": "ENABLED"}
        data = json.dumps(body).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", 28573), H).serve_forever()
PY
	fake_sm_pid=$!
	for _ in $(seq 1 50); do
		curl -fsS -o /dev/null "http://127.0.0.1:28573/v1/projects/p/secrets/ready/versions/1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "the fake Secret Manager did not start on 127.0.0.1:28573"
}
