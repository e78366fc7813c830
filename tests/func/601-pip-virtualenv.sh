#!/bin/bash
# Python packages with the host's own pip (installed here from the offline
# .debs; cairn needs no Python): a virtualenv made on demand and a wheel
# from a local directory (--no-index --find-links, no PyPI), a second run
# that changes nothing, --check that predicts, latest, absent,
# requirements, and clean failures for bad arguments.
. "$(dirname "$0")/lib.sh"

reset_hosts 1
# One dpkg -i of them all trips over the Pre-Depends chain
# (python3 -> python3-minimal -> python3.11-minimal; dpkg takes the files
# in name order): each pass unpacks one more link.
host_exec 1 'for i in 1 2 3 4 5; do dpkg -i /srv/debs/python/*.deb >/tmp/dpkg.log 2>&1 && break; done; dpkg -s python3-pip python3-venv >/dev/null || { tail -20 /tmp/dpkg.log; exit 1; }' || fail "python debs"
# two versions of a tiny pure-Python wheel, written with zipfile
host_exec 1 'mkdir -p /srv/wheels && cd /srv/wheels && python3 - <<"PY"
import base64, hashlib, zipfile
def rec(path, data):
    h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "%s,sha256=%s,%d" % (path, h.decode(), len(data))
for ver in ("1.0", "2.0"):
    di = "cairn_demo-%s.dist-info" % ver
    files = {
        "cairn_demo/__init__.py": ("VERSION = %r\n" % ver).encode(),
        di + "/METADATA": ("Metadata-Version: 2.1\nName: cairn-demo\nVersion: %s\n" % ver).encode(),
        di + "/WHEEL": b"Wheel-Version: 1.0\nGenerator: cairn-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        di + "/top_level.txt": b"cairn_demo\n",
    }
    records = [rec(p, d) for p, d in files.items()] + [di + "/RECORD,,"]
    with zipfile.ZipFile("cairn_demo-%s-py3-none-any.whl" % ver, "w") as z:
        for p, d in files.items():
            z.writestr(p, d)
        z.writestr(di + "/RECORD", "\n".join(records) + "\n")
PY' || fail "wheels"
demo() {
	host_exec 1 '/srv/venv/bin/python -c "import cairn_demo; print(cairn_demo.VERSION)" 2>/dev/null || echo none'
}

pb=$(playbook install.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - pip:
        name: cairn-demo==1.0
        virtualenv: /srv/venv
        virtualenv_command: python3 -m venv
        extra_args: --no-index --find-links /srv/wheels
      register: p
    - assert:
        that:
          - p.virtualenv == "/srv/venv"
          - p.state == "present"
          - "'cairn-demo==1.0' in p.cmd"
YAML
)
note "check mode: the virtualenv to make is predicted, nothing made"
run_play --check "$pb"
assert_recap h1 changed=1
assert_host 1 "! test -e /srv/venv"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_eq "1.0" "$(demo)" "installed"
run_play "$pb"
assert_recap h1 changed=0 failed=0

note "without extra arguments the freeze list decides, in check mode too"
pb2=$(playbook check.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - pip: name=Cairn_Demo virtualenv=/srv/venv
    - pip: name=cairn-demo>=1.0,<2 virtualenv=/srv/venv
    - pip: name=not-there virtualenv=/srv/venv state=absent
    - pip: name=cairn-demo virtualenv=/srv/venv state=absent
YAML
)
run_play --check "$pb2"
assert_rc 0
assert_recap h1 ok=4 changed=1
assert_eq "1.0" "$(demo)" "still there after --check"

note "latest upgrades, then absent removes; again changes nothing"
pb3=$(playbook latest.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - pip:
        name: cairn-demo
        state: latest
        virtualenv: /srv/venv
        extra_args: --no-index --find-links /srv/wheels
YAML
)
run_play "$pb3"
assert_recap h1 changed=1
assert_eq "2.0" "$(demo)" "upgraded"
pb4=$(playbook absent.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - pip: name=cairn-demo state=absent virtualenv=/srv/venv
YAML
)
run_play "$pb4"
assert_recap h1 changed=1
assert_eq "none" "$(demo)" "removed"
run_play "$pb4"
assert_recap h1 changed=0

note "requirements in chdir, judged by the freeze list before and after"
host_exec 1 'echo "cairn-demo==1.0" >/srv/req.txt'
pb5=$(playbook req.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - pip:
        requirements: req.txt
        chdir: /srv
        virtualenv: venv
        extra_args: --no-index --find-links /srv/wheels
YAML
)
run_play "$pb5"
assert_rc 0
assert_recap h1 changed=1
assert_eq "1.0" "$(demo)" "from requirements"
run_play "$pb5"
assert_recap h1 changed=0

note "bad arguments fail the task with Ansible's messages"
pb6=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - pip: virtualenv=/srv/venv
      ignore_errors: yes
    - pip: name=x state=sideways
      ignore_errors: yes
    - pip: name=x state=latest version=1.0
      ignore_errors: yes
    - pip: name=x,y version=1.0 virtualenv=/srv/venv
      ignore_errors: yes
    - pip: name=x virtualenv=/srv/venv executable=/usr/bin/pip3
      ignore_errors: yes
    - pip: name=nosuch virtualenv=/srv/venv extra_args="--no-index --find-links /srv/wheels"
      ignore_errors: yes
YAML
)
run_play "$pb6"
assert_recap h1 failed=0 ignored=6
assert_contains "$OUT" "one of the following is required: name, requirements"
assert_contains "$OUT" "value of state must be one of"
assert_contains "$OUT" "version is incompatible with state=latest"
assert_contains "$OUT" "'version' argument is ambiguous"
assert_contains "$OUT" "mutually exclusive: executable|virtualenv"
assert_contains "$OUT" "No matching distribution found for nosuch"
