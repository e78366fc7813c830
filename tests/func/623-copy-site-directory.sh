#!/bin/bash
# The site-directory story: copy puts a controller directory tree on the
# host ("src: site" the directory itself, "src: site/" its contents), with
# directory_mode on the directories, mode and owner on the files, symlinks
# kept with local_follow: false; remote_src copies a host directory; a
# second run changes nothing, --check predicts, a changed file is put back.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/files/site/css" "$T/files/site/img/empty"
printf '<h1>hi</h1>\n' >"$T/files/site/index.html"
printf 'body{}\n' >"$T/files/site/css/main.css"
printf '\0\1\2binary' >"$T/files/site/img/logo.bin"
: >"$T/files/site/img/empty.txt"
ln -s index.html "$T/files/site/home.html"
host_exec 1 'mkdir -p /srv/www /srv/flat /srv/src/conf.d && echo a=1 >/srv/src/conf.d/a.conf &&
	echo top >/srv/src/top.txt && chmod 640 /srv/src/top.txt'

pb=$(playbook copy.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - copy: { src: site, dest: /srv/www, directory_mode: "0750", mode: "0640", owner: nobody }
      register: tree
    - copy: { src: site/, dest: /srv/flat, local_follow: false }
    - copy: { src: /srv/src/, dest: /srv/copy, remote_src: true }
    - copy: { src: /srv/src, dest: /srv/copy2/, remote_src: true, directory_mode: "0700" }
    - assert:
        that:
          - tree.dest == '/srv/www/'
      when: not ansible_check_mode
EOF
)

before=$(host_digest 1 'find /srv | sort')
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_eq "$before" "$(host_digest 1 'find /srv | sort')" "/srv after --check"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host_eq 1 '<h1>hi</h1>' 'cat /srv/www/site/index.html'
assert_host_eq 1 'body{}' 'cat /srv/www/site/css/main.css'
assert_host_eq 1 "$(cd "$T/files/site/img" && sha1sum <logo.bin)" 'sha1sum </srv/www/site/img/logo.bin'
assert_host_eq 1 "750 750 640 nobody" 'echo $(stat -c %a /srv/www/site/css) $(stat -c %a /srv/www/site/img/empty) $(stat -c %a /srv/www/site/index.html) $(stat -c %U /srv/www/site/index.html)'
assert_host 1 '[ -f /srv/www/site/home.html ] && [ ! -L /srv/www/site/home.html ]' "a followed link is a file"
assert_host 1 '[ -f /srv/flat/index.html ] && [ -d /srv/flat/img/empty ] && [ ! -e /srv/flat/site ]' "site/ copies the contents"
assert_host_eq 1 index.html 'readlink /srv/flat/home.html'
assert_host 1 '[ -f /srv/flat/img/empty.txt ] && [ ! -s /srv/flat/img/empty.txt ]' "an empty file"
assert_host_eq 1 'a=1' 'cat /srv/copy/conf.d/a.conf'
assert_host_eq 1 640 'stat -c %a /srv/copy/top.txt'
assert_host_eq 1 'a=1' 'cat /srv/copy2/src/conf.d/a.conf'
assert_host_eq 1 700 'stat -c %a /srv/copy2/src/conf.d'
assert_host 1 '! find /srv -name ".cairn-copy*" | grep -q .' "no temp file left"

note "second run: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0

note "a changed file and a changed mode are put back, one task each"
host_exec 1 'echo changed >/srv/www/site/css/main.css; chmod 755 /srv/flat/img'
run_play "$pb"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_host_eq 1 'body{}' 'cat /srv/www/site/css/main.css'
assert_host_eq 1 640 'stat -c %a /srv/www/site/css/main.css'

note "a file where a directory goes fails the task"
host_exec 1 'rm -rf /srv/flat/css && echo x >/srv/flat/css'
run_play "$pb"
assert_rc 2
assert_contains "$OUT" "css already exists as a file"
