#!/bin/bash
# apt keys on a host without gpg (a minimal Debian has gpgv only): an
# armored key from data into trusted.gpg.d, a binary one from a file on
# the host into a keyring of its own, a second run that changes nothing,
# --check that predicts, a key removed from every file holding it, and
# clean failures (an id the key does not have, a bad id, no id to
# remove, exclusive parameters).
. "$(dirname "$0")/lib.sh"

reset_hosts 1
assert_host 1 '! command -v gpg' "no gpg on the host"
# the test keys of tests/unit/test-aptkey-plan.c: key 2 as a binary file
host_exec 1 'echo mDMEaxFngRYJKwYBBAHaRw8BAQdA1WsJxqf5CkapDdFOs/I0GIIXw1DORuAX+SSm2M/JkCu0ImNhaXJuIHRlc3QgdHdvIDx0d29AY2Fpcm4uaW52YWxpZD6IkAQTFggAOBYhBJ7pjoyG22sSvRmgIUtvseLwfPTMBQJrEWeBAhsBBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEEtvseLwfPTMhMoBALdrLLpo5btUM5MBCYu2k9wjRZnDdY1sZrUZFbQ7hNbNAQCq+NoYNBanW1OywvqklH5581l8EaxiCjZRw//P3/idB7g4BGsRZ4ESCisGAQQBl1UBBQEBB0Bce6yiDYUQQJQi28+58O1fzFrJnX+4D/YzEM2Q73FXKwMBCAeIeAQYFggAIBYhBJ7pjoyG22sSvRmgIUtvseLwfPTMBQJrEWeBAhsMAAoJEEtvseLwfPTMQcYA/22hZFcd2JZqeIjhShYjQTrm1X2hFm/QBtO576sKIgZkAQCLPnl2bzIDV34zoyTRQ/TBA5ilM5DSw/Vf53L7boEbBA== | base64 -d >/srv/key2.gpg'
K1=D148B109BAD848F6
K2=4B6FB1E2F07CF4CC

pb=$(playbook add.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt_key:
        data: |
          -----BEGIN PGP PUBLIC KEY BLOCK-----
          
          mDMEaxFngRYJKwYBBAHaRw8BAQdAnzWbK80uJpMiQjTwO+n/aldqN2wPmGJPMLoc
          cKv8Es60ImNhaXJuIHRlc3Qgb25lIDxvbmVAY2Fpcm4uaW52YWxpZD6IkAQTFggA
          OBYhBMUQGliZEP75vZtHz9FIsQm62Ej2BQJrEWeBAhsBBQsJCAcCBhUKCQgLAgQW
          AgMBAh4BAheAAAoJENFIsQm62Ej2gEIA/ArawLlexCS/G6sNWj9yq609woWOaNqJ
          Ict2NEflzeH8AQC34Zh0KLzFZguATD7o5HB2znE6G1oSHqV/x9q2iFvkBbg4BGsR
          Z4ESCisGAQQBl1UBBQEBB0DTgc5Jqtp1uG7Jsthv3wYWGBU/Ekp1bWFMGLgPjtKY
          aAMBCAeIeAQYFggAIBYhBMUQGliZEP75vZtHz9FIsQm62Ej2BQJrEWeBAhsMAAoJ
          ENFIsQm62Ej2E8QA/23qGR3WENRgGdxZaSKao0MqoU3OxhNwP2ENXnZHkOgaAPwI
          T2+yyJydK4/Dd8zBL6g5PkBgxYLX740q/pwanHcpBg==
          =G++D
          -----END PGP PUBLIC KEY BLOCK-----
      register: k1
    - apt_key:
        id: 9EE98E8C86DB6B12BD19A0214B6FB1E2F07CF4CC
        file: /srv/key2.gpg
        keyring: /etc/apt/trusted.gpg.d/cairn-two.gpg
      register: k2
    - assert:
        that:
          - k1.id == "D148B109BAD848F6"
          - k1.short_id == "BAD848F6"
          - k1.fp == "D148B109BAD848F6"
          - k2.key_id == "9EE98E8C86DB6B12BD19A0214B6FB1E2F07CF4CC"
          - k2.fp == "4B6FB1E2F07CF4CC"
YAML
)
note "check mode predicts both, writes nothing"
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host 1 "! test -e /etc/apt/trusted.gpg.d/$K1.gpg && ! test -e /etc/apt/trusted.gpg.d/cairn-two.gpg"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host 1 "test -s /etc/apt/trusted.gpg.d/$K1.gpg"
assert_host_eq 1 "644" "stat -c %a /etc/apt/trusted.gpg.d/$K1.gpg"
assert_host 1 "cmp /srv/key2.gpg /etc/apt/trusted.gpg.d/cairn-two.gpg"
run_play "$pb"
assert_recap h1 changed=0 failed=0
# apt still reads its sources with these keyrings in place
assert_host 1 "apt-get update -q -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts=/nonexistent"

note "a second key into the same keyring, then removed from every file"
pb2=$(playbook both.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt_key:
        file: /etc/apt/trusted.gpg.d/D148B109BAD848F6.gpg
        keyring: /etc/apt/trusted.gpg.d/cairn-two.gpg
    - apt_key:
        id: BAD848F6
        state: absent
      register: gone
    - assert:
        that:
          - gone.before | select('eq', 'BAD848F6') | list | length == 2
          - "'BAD848F6' not in gone.after and 'B65C350D' not in gone.after"
          - "'F07CF4CC' in gone.after"
          # Debian's archive keys (trusted.gpg.d/*.asc) are read too
          - gone.after | length > 2
      when: not ansible_check_mode
YAML
)
run_play --check "$pb2"
assert_recap h1 changed=2
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host 1 "! test -e /etc/apt/trusted.gpg.d/$K1.gpg"
assert_host 1 "cmp /srv/key2.gpg /etc/apt/trusted.gpg.d/cairn-two.gpg"
pb2b=$(playbook gone.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt_key: id=D148B109BAD848F6 state=absent
YAML
)
run_play "$pb2b"
assert_rc 0
assert_recap h1 changed=0

note "failures"
pb3=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt_key: id=D148B109BAD848F6 file=/srv/key2.gpg
      ignore_errors: yes
    - apt_key: id=XYZ file=/srv/key2.gpg
      ignore_errors: yes
    - apt_key: state=absent
      ignore_errors: yes
    - apt_key: file=/srv/key2.gpg data=x
      ignore_errors: yes
    - apt_key: file=/srv/nosuch.gpg
      ignore_errors: yes
    - apt_key: keyserver=keyserver.ubuntu.com
      ignore_errors: yes
YAML
)
run_play "$pb3"
assert_recap h1 failed=0 ignored=6
assert_contains "$OUT" "failed to add the key (check that the id is correct and *not* a subkey)"
assert_contains "$OUT" "Invalid key_id"
assert_contains "$OUT" "key is required to remove a key"
assert_contains "$OUT" "mutually exclusive: data|file|keyserver|url"
assert_contains "$OUT" "Unable to extract key from '/srv/nosuch.gpg'"
assert_contains "$OUT" "Missing key_id, required with keyserver."
assert_host 1 "! test -e /etc/apt/trusted.gpg.d/$K2.gpg"
