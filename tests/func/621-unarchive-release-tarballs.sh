#!/bin/bash
# The release-tarball story: unarchive unpacks a tarball (gz, bz2, xz, zst,
# plain) and a zip built here on the controller into /srv/app, or an archive
# already on the host (remote_src); a second run changes nothing, --check
# predicts a zip and skips a tarball as Ansible does, creates skips,
# list_files lists, exclude leaves a member out, owner/mode apply to every
# member; bad input fails the task clearly.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/files/rel/app/bin" "$T/files/rel/app/etc"
printf '#!/bin/sh\necho hi\n' >"$T/files/rel/app/bin/run" && chmod 755 "$T/files/rel/app/bin/run"
printf 'port=80\n' >"$T/files/rel/app/etc/app.conf"
printf 'secret\n' >"$T/files/rel/app/etc/local.conf"
(cd "$T/files/rel" && tar czf ../app.tar.gz app && tar cjf ../app.tar.bz2 app &&
	tar cJf ../app.tar.xz app && tar --zstd -cf ../app.tar.zst app && tar cf ../app.tar app &&
	zip -qr ../app.zip app)
: >"$T/files/empty.tar.gz"
host_exec 1 'mkdir -p /srv/gz /srv/bz2 /srv/xz /srv/zst /srv/tar /srv/zip /srv/remote /srv/attrs'

pb=$(playbook unarchive.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - unarchive: { src: app.tar.gz, dest: /srv/gz, list_files: true }
      register: gz
    - unarchive: { src: app.tar.bz2, dest: /srv/bz2 }
    - unarchive: { src: app.tar.xz, dest: /srv/xz }
    - unarchive: { src: app.tar.zst, dest: /srv/zst }
    - unarchive: { src: app.tar, dest: /srv/tar, exclude: [app/etc/local.conf] }
    - unarchive: { src: app.zip, dest: /srv/zip }
      register: zip
    - unarchive: { src: app.zip, dest: /srv/attrs, owner: nobody, mode: "u=rwX,g=rX,o=" }
    - assert:
        that:
          - gz.handler == 'TgzArchive'
          - zip.handler == 'ZipArchive'
          - gz.dest == '/srv/gz'
          - "'app/bin/run' in gz.files"
      when: not ansible_check_mode
EOF
)

note "--check: the zips are predicted, the tarballs skipped"
before=$(host_digest 1 'find /srv | sort')
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=2 skipped=6 failed=0
assert_eq "$before" "$(host_digest 1 'find /srv | sort')" "/srv after --check"

run_play --diff "$pb"
assert_rc 0
assert_recap h1 changed=7 failed=0
for d in gz bz2 xz zst tar zip; do
	assert_host_eq 1 'port=80' "cat /srv/$d/app/etc/app.conf"
	assert_host_eq 1 755 "stat -c %a /srv/$d/app/bin/run"
done
assert_host 1 '[ ! -e /srv/tar/app/etc/local.conf ]' "the excluded member"
assert_host_eq 1 "nobody 750 640" 'echo $(stat -c %U /srv/attrs/app/etc/app.conf) $(stat -c %a /srv/attrs/app) $(stat -c %a /srv/attrs/app/etc/app.conf)'
assert_host 1 '! ls /tmp | grep -q cairn-unarchive' "no temp archive left"

note "second run: nothing to do, in check mode too"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 skipped=6 failed=0

note "a changed member is put back; a zip reports it in the diff"
host_exec 1 'echo port=81 >/srv/gz/app/etc/app.conf; echo port=81 >/srv/zip/app/etc/app.conf'
run_play --diff "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host_eq 1 'port=80' 'cat /srv/gz/app/etc/app.conf'
assert_host_eq 1 'port=80' 'cat /srv/zip/app/etc/app.conf'
assert_contains "$OUT" "app/etc/app.conf"

note "remote_src and creates"
host_exec 1 'mkdir -p /var/cache/rel'
tar czf - -C "$T/files/rel" app | host_exec 1 'cat >/var/cache/rel/app.tgz'
rpb=$(playbook remote.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - unarchive: { src: /var/cache/rel/app.tgz, dest: /srv/remote, remote_src: true, creates: /srv/remote/app/.done }
    - file: { path: /srv/remote/app/.done, state: touch, modification_time: preserve, access_time: preserve }
EOF
)
run_play "$rpb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host_eq 1 'port=80' 'cat /srv/remote/app/etc/app.conf'
run_play "$rpb"
assert_rc 0
assert_recap h1 changed=0 skipped=1 failed=0
note "--check with remote_src leaves the host's archive alone"
run_play --check "$(playbook remote-check.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - unarchive: { src: /var/cache/rel/app.tgz, dest: /srv/remote, remote_src: true }
EOF
)"
assert_rc 0
assert_recap h1 skipped=1 failed=0
assert_host 1 '[ -s /var/cache/rel/app.tgz ]' "the archive after --check"

note "bad input"
for args in '{ dest: /srv/gz }' \
	'{ src: app.tar.gz, dest: /srv/nothere }' \
	'{ src: empty.tar.gz, dest: /srv/gz }' \
	'{ src: app.tar.gz, dest: /srv/gz, copy: true, remote_src: false }' \
	'{ src: /nothere.tgz, dest: /srv/gz, remote_src: true }'; do
	bad=$(playbook bad.yml <<EOF
- hosts: h1
  gather_facts: false
  tasks:
    - unarchive: $args
EOF
)
	run_play "$bad"
	assert_ne 0 "$RC" "exit status for $args"
	echo "$OUT" | grep -E 'fatal|ERROR|error' | head -3
done
run_play "$(playbook nodir.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - unarchive: { src: app.tar.gz, dest: /srv/nothere }
EOF
)"
assert_rc 2
assert_contains "$OUT" "dest '/srv/nothere' must be an existing dir"
run_play "$(playbook empty.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - unarchive: { src: empty.tar.gz, dest: /srv/gz }
EOF
)"
assert_rc 2
assert_contains "$OUT" "the file is 0 bytes"
