#!/bin/bash
# A deploy that talks HTTP from the target, through a small server on the
# controller's loopback (the test hosts share it): wait_for waits for the
# server's port and for a file with a pattern, get_url downloads a file
# with a checksum and mode and keeps it on a second run, uri posts JSON
# and a form, reads status codes, follows a redirect, authenticates and
# saves a body; --check predicts, bad input fails clearly.
. "$(dirname "$0")/lib.sh"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/www/files"
printf 'release 1.0\n' >"$T/www/files/app.txt"
sum=$(sha256sum "$T/www/files/app.txt" | cut -d' ' -f1)
cat >"$T/server.py" <<'PY'
import base64, http.server, json, os, sys
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def reply(self, code, obj, ctype="application/json"):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/files/app.txt")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/auth":
            ok = "Basic " + base64.b64encode(b"deploy:pw").decode()
            if self.headers.get("Authorization") != ok:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="x"')
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.reply(200, {"user": "deploy"})
        elif self.path == "/missing":
            self.reply(404, {"error": "no such thing"})
        else:
            super().do_GET()
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n).decode()
        self.reply(201, {"method": "POST", "body": body,
                         "ctype": self.headers.get("Content-Type"),
                         "token": self.headers.get("X-Token")})
os.chdir(sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$T/server.py" "$port" "$T/www" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
base=http://127.0.0.1:$port
for i in $(seq 50); do curl -s -o /dev/null "$base/" && break; sleep 0.2; done
host_exec 1 "curl -s -o /dev/null $base/" || fail "h1 cannot reach the server on the loopback"

pb=$(playbook http.yml <<YAML
- hosts: h1
  gather_facts: no
  tasks:
    - wait_for: port=$port timeout=20
      register: w
    - assert: { that: [ "w.elapsed is defined", "w.port == $port" ] }
    - get_url:
        url: $base/files/app.txt
        dest: /srv/app.txt
        checksum: "sha256:$sum"
        mode: "0640"
      register: g
    # a directory dest gets the URL's file name: the same file, unchanged
    - get_url: url=$base/files/app.txt dest=/srv/
    - uri:
        url: $base/echo
        method: POST
        body_format: json
        body: { name: web, replicas: 2 }
        headers: { X-Token: "t0k 'quoted' \$(x)" }
        status_code: [200, 201]
      register: j
    - assert:
        that:
          - "j.status == 201"
          - "j.json.ctype == 'application/json'"
          - "(j.json.body | from_json).replicas == 2"
          - "j.json.token == \"t0k 'quoted' \$(x)\""
          - "j.content_type == 'application/json'"
    - uri:
        url: $base/echo
        method: POST
        body_format: form-urlencoded
        body: { name: "a b", n: 1 }
        status_code: 201
        return_content: yes
      register: f
    - assert: { that: [ "f.json.body == 'name=a+b&n=1'", "f.content is string" ] }
    - uri: url=$base/redirect return_content=yes
      register: rd
    - assert: { that: [ "rd.redirected", "rd.content == 'release 1.0\n'", "rd.url == '$base/files/app.txt'" ] }
    - uri: url=$base/auth user=deploy password=pw force_basic_auth=yes
    - uri: url=$base/auth user=deploy password=pw
    - uri: url=$base/missing status_code=404
      register: m
    - assert: { that: [ "m.json.error == 'no such thing'" ] }
    - uri: url=$base/files/app.txt dest=/srv/copy.txt creates=/srv/copy.txt
    - wait_for: path=/srv/app.txt search_regex='release (?P<version>[0-9.]+)' timeout=5
      register: wp
    - assert: { that: [ "wp.match_groups == ['1.0']", "wp.match_groupdict.version == '1.0'" ] }
    - wait_for: path=/srv/nothing state=absent timeout=5
YAML
)

note "--check on a fresh host: get_url predicts, nothing is written; wait_for and uri are skipped, as in Ansible"
pbc=$(playbook check.yml <<YAML
- hosts: h1
  gather_facts: no
  tasks:
    - wait_for: port=$port timeout=20
    - get_url: url=$base/files/app.txt dest=/srv/app.txt checksum=sha256:$sum
    - uri: url=$base/echo method=POST body=x status_code=201
YAML
)
run_play --check "$pbc"
assert_rc 0
assert_recap h1 changed=1 skipped=2 failed=0
assert_host 1 '! test -e /srv/app.txt'

run_play "$pb"
assert_rc 0
assert_recap h1 failed=0 changed=2
assert_host_eq 1 'release 1.0
640' 'cat /srv/app.txt; stat -c %a /srv/app.txt'
assert_host 1 'cmp /srv/app.txt /srv/copy.txt'
assert_host 1 '! ls -a /srv | grep -q cairn-http'
assert_not_contains "$OUT" "deploy:pw"

note "second run: nothing changes"
run_play "$pb"
assert_rc 0
assert_recap h1 failed=0 changed=0

note "a new release is downloaded again; a wrong checksum leaves the file"
printf 'release 2.0\n' >"$T/www/files/app.txt"
pb2=$(playbook new.yml <<YAML
- hosts: h1
  gather_facts: no
  tasks:
    - get_url: url=$base/files/app.txt dest=/srv/app.txt force=yes backup=yes
      register: g
    - assert: { that: [ "g.backup_file is defined", "g.status_code == 200" ] }
YAML
)
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_host_eq 1 'release 2.0' 'cat /srv/app.txt'
bad=$(playbook badsum.yml <<YAML
- hosts: h1
  gather_facts: no
  tasks:
    - get_url: url=$base/files/app.txt dest=/srv/app.txt checksum=sha256:$sum
YAML
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "did not match"
assert_host_eq 1 'release 2.0' 'cat /srv/app.txt'

note "failures: timeouts, a status not accepted, bad input"
bad=$(playbook bad.yml <<YAML
- hosts: h1
  gather_facts: no
  tasks:
    - wait_for: port=1 timeout=2
      ignore_errors: yes
      register: t
    - assert: { that: [ "t.msg == 'Timeout when waiting for 127.0.0.1:1'" ] }
    - uri: url=$base/missing
      ignore_errors: yes
      register: u
    - assert: { that: [ "u.status == 404", "u.msg.startswith('Status code was 404 and not [200]')" ] }
    - get_url: url=$base/nothing dest=/srv/x
YAML
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "Request failed"
for t in "uri: url=$base method=get" "wait_for: port=1 path=/x" "get_url: url=$base" \
	"uri: url=$base body_format=xml" "get_url: url=$base dest=/x checksum=abc"; do
	bad=$(playbook bad2.yml <<YAML
- hosts: h1
  gather_facts: no
  tasks:
    - $t
YAML
)
	run_play "$bad"
	assert_ne 0 "$RC" "exit status for '$t'"
done
