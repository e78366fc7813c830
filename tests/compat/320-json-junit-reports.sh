#!/bin/bash
# The reports a CI pipeline reads: the json callback's document (what jq
# scripts query), the junit callback's XML and the minimal and oneline
# stdout callbacks, from ansible-playbook and
# from cairn on the same playbook (controller only: a local connection),
# compared after dropping what differs between any two runs (times, ids,
# command timestamps) and what only Python modules report (invocation,
# discovered interpreter).  usage: 320-json-junit-reports.sh CAIRN
set -uo pipefail
cairn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
bad=0

cat >site.yml <<'EOF2'
- name: reports
  hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      debug:
        msg: "hi <&> \"q\""
    - name: a change
      command: echo changed
    - name: never
      command: echo x
      when: false
    - name: items
      debug:
        msg: "{{ item }}"
      loop: [a, b]
    - name: a failure that is ignored
      command: /bin/false
      ignore_errors: true
    - name: secret
      debug:
        msg: hidden
      no_log: true
    - name: the end
      fail:
        msg: boom
EOF2
echo 'here ansible_connection=local ansible_python_interpreter=/usr/bin/python3' >hosts.ini

# norm_json FILE: the document without run-specific values, keys sorted.
norm_json() {
	python3 - "$1" <<'EOF2'
import json, sys
drop = {"duration", "id", "start", "end", "delta", "invocation",
        "ansible_facts", "warnings", "deprecations"}
def strip(d):
    if isinstance(d, dict):
        return {k: strip(v) for k, v in d.items() if k not in drop}
    if isinstance(d, list):
        return [strip(x) for x in d]
    return d
doc = json.load(open(sys.argv[1]))
for p in doc.get("plays", []):
    p["play"]["path"] = p["play"]["path"].rsplit("/", 1)[-1]
    for t in p["tasks"]:
        t["task"]["path"] = t["task"]["path"].rsplit("/", 1)[-1]
print(json.dumps(strip(doc), indent=1, sort_keys=True))
EOF2
}

# norm_junit FILE: the XML without times and command timestamps.
norm_junit() {
	sed -E 's/ time="[^"]*"/ time="T"/g; s|classname="[^"]*/|classname="|;
	    /&quot;(delta|end|start|discovered_interpreter_python)&quot;/d;
	    /^&quot;ansible_facts&quot;: \{$/,/^\},?$/d' "$1"
}

ANSIBLE_STDOUT_CALLBACK=json ansible-playbook -i hosts.ini site.yml >a.json 2>a.err
arc=$?
"$cairn" play -i hosts.ini --json site.yml >c.json 2>c.err
crc=$?
[ "$arc" = "$crc" ] || { echo "json run: ansible-playbook exit $arc, cairn $crc"; bad=1; }
if ! diff -u <(norm_json a.json) <(norm_json c.json) >json.diff; then
	echo "json callback documents differ:"
	cat json.diff
	bad=1
fi

mkdir -p ja jc
JUNIT_OUTPUT_DIR=$w/ja ANSIBLE_CALLBACKS_ENABLED=junit \
    ansible-playbook -i hosts.ini site.yml >/dev/null 2>&1
JUNIT_OUTPUT_DIR=$w/jc ANSIBLE_CALLBACKS_ENABLED=junit \
    "$cairn" play -i hosts.ini site.yml >/dev/null 2>&1
set -- ja/site-*.xml
fa=$1
set -- jc/site-*.xml
fc=$1
if [ ! -f "$fa" ] || [ ! -f "$fc" ]; then
	echo "junit report missing: ansible '$fa', cairn '$fc'"
	bad=1
elif ! diff -u <(norm_junit "$fa") <(norm_junit "$fc") >junit.diff; then
	echo "junit reports differ:"
	cat junit.diff
	bad=1
fi

# The one-line-per-result stdout callbacks pipelines set for short logs.
for cb in minimal oneline; do
	ANSIBLE_STDOUT_CALLBACK=$cb ansible-playbook -i hosts.ini site.yml 2>&1 |
	    sed -E 's/"(delta|end|start)": "[^"]*"/"\1": T/g' >a.$cb
	ANSIBLE_STDOUT_CALLBACK=$cb "$cairn" play -i hosts.ini site.yml 2>&1 |
	    sed -E 's/"(delta|end|start)": "[^"]*"/"\1": T/g' >c.$cb
	if ! diff -u a.$cb c.$cb >$cb.diff; then
		echo "the $cb callback's output differs:"
		cat $cb.diff
		bad=1
	fi
done
exit $bad
