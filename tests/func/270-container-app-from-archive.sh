#!/bin/bash
# The offline container story: an image archive on the controller is
# loaded onto a host with no registry (container_image, load_path), a
# container runs from it (started), a second run changes nothing, a new
# env value recreates it, --check predicts without touching it, stopped
# stops it and absent removes it; then the image is removed.
#
# Needs podman on the hosts: when the suite's hosts lack it, this test
# brings up its own host of the "podman" flavour (CAIRN_FUNC_PODMAN_DIR,
# CAIRN_FUNC_PODMAN_FIRST) and takes it down afterwards.
. "$(dirname "$0")/lib.sh"

if ! host_exec 1 'command -v podman' >/dev/null 2>&1; then
	# Beside the suite's own hosts (its state directory, the addresses
	# after its three), so that suites running at once never share it.
	export CAIRN_TESTBED_DIR=${CAIRN_FUNC_PODMAN_DIR:-$TESTBED_DIR-podman}
	export CAIRN_TESTBED_FIRST=${CAIRN_FUNC_PODMAN_FIRST:-$((TESTBED_FIRST + TESTBED_N))}
	export CAIRN_TESTBED_FLAVOUR=podman
	trap '"$TESTBED" down >/dev/null 2>&1' EXIT
	note "bringing up a podman host in $CAIRN_TESTBED_DIR"
	"$TESTBED" up 1 || fail "cannot bring up a podman host"
	eval "$("$TESTBED" env)"
fi

"$(dirname "$TESTBED")/podman.sh" image 1 "$T/busybox.tar" ||
	fail "cannot build the image archive"
assert_host 1 '! podman image exists localhost/cairn-busybox:1.0' "image gone before the test"

pb=$(playbook app.yml <<'PB'
- hosts: h1
  gather_facts: false
  tasks:
    - name: image from the controller
      containers.podman.podman_image:
        name: localhost/cairn-busybox
        tag: "1.0"
        load_path: busybox.tar
        state: "{{ img_state | default('present') }}"
      register: img
    - name: the app
      community.docker.docker_container:
        name: app
        image: localhost/cairn-busybox:1.0
        command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
        env:
          APP_MODE: "{{ mode | default('prod') }}"
        labels:
          role: web
        restart_policy: "no"
        state: "{{ st | default('started') }}"
      register: c
      when: img_state is not defined
    - debug:
        msg: "img={{ img.changed }} ctr={{ c.changed | default('-') }} status={{ c.container.State.Status | default('none') }}"
PB
)
cid() { host_exec 1 'podman inspect --format "{{.Id}}" app 2>/dev/null || echo none'; }

run_play "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_contains "$OUT" "img=True ctr=True status=running"
assert_host_eq 1 "true" 'podman inspect --format "{{.State.Running}}" app'
assert_host 1 'podman inspect --format "{{.Config.Env}}" app | grep -q APP_MODE=prod'
id1=$(cid)

run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
assert_contains "$OUT" "img=False ctr=False status=running"
assert_eq "$id1" "$(cid)" "container id after a second run"

run_play -e mode=dev --check --diff "$pb"
assert_rc 0
assert_recap h1 changed=1
assert_contains "$OUT" '+        "APP_MODE": "dev"'
assert_eq "$id1" "$(cid)" "container id after --check"

run_play -e mode=dev "$pb"
assert_rc 0
assert_recap h1 changed=1
id2=$(cid)
assert_ne "$id1" "$id2" "container id after an env change"
assert_host 1 'podman inspect --format "{{.Config.Env}}" app | grep -q APP_MODE=dev'
assert_host_eq 1 "web" 'podman inspect --format "{{.Config.Labels.role}}" app'

run_play -e mode=dev -e st=stopped "$pb"
assert_rc 0
assert_recap h1 changed=1
assert_host_eq 1 "false" 'podman inspect --format "{{.State.Running}}" app'
assert_eq "$id2" "$(cid)" "a stop keeps the container"
run_play -e mode=dev -e st=stopped "$pb"
assert_recap h1 changed=0

run_play -e mode=dev -e st=absent "$pb"
assert_rc 0
assert_recap h1 changed=1
assert_eq none "$(cid)" "container after state absent"
run_play -e mode=dev -e st=absent "$pb"
assert_recap h1 changed=0

run_play -e img_state=absent "$pb"
assert_rc 0
assert_recap h1 changed=1
assert_host 1 '! podman image exists localhost/cairn-busybox:1.0'

# A container from an image the host does not have, with no registry:
# a host failure with the engine's words, nothing created.
bad=$(playbook missing.yml <<'PB'
- hosts: h1
  gather_facts: false
  tasks:
    - podman_container: { name: other, image: "localhost/nope:1", pull: never }
PB
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "Cannot find image localhost/nope:1"
assert_eq none "$(host_exec 1 'podman inspect --format "{{.Id}}" other 2>/dev/null || echo none')"
