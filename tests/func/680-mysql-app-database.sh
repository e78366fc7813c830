#!/bin/bash
# An application's MariaDB database and users: mysql_db creates the
# database with its character set and dumps it, mysql_user creates a user
# with a password and privileges, narrows them, gives another user TLS
# and resource limits and removes a third; the password never shows in
# the output nor stays in a file, a second run and --check change
# nothing, --check predicts without changing, and bad input fails the
# task clearly.  MariaDB runs inside the host, socket only.
. "$(dirname "$0")/lib.sh"

note "start MariaDB in h1 (no TCP: the test hosts share the loopback)"
host_exec 1 'printf "[mysqld]\nskip-networking\n" >/etc/mysql/mariadb.conf.d/99-cairn.cnf
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
setsid mysqld_safe </dev/null >/dev/null 2>&1 &
for i in $(seq 120); do mysql -N -B -e "select 1" >/dev/null 2>&1 && exit 0; sleep 0.5; done; exit 1' ||
	fail "MariaDB did not start"
host_exec 1 'mysql -e "CREATE USER gone@localhost; CREATE DATABASE legacy; CREATE TABLE legacy.t (id int); INSERT INTO legacy.t VALUES (42)"'

pb=$(playbook mysql.yml <<'YAML'
- hosts: h1
  gather_facts: no
  vars:
    app_pw: "Sup3r'sec\"ret\\x"
  tasks:
    - mysql_db: name=shop encoding=utf8mb4 collation=utf8mb4_bin
      register: db
    - community.mysql.mysql_db:
        name: [shop, reports]
        state: present
    - mysql_user:
        name: shop
        password: "{{ app_pw }}"
        priv: "shop.*:SELECT,INSERT,UPDATE/reports.*:SELECT"
      register: u
    - mysql_user:
        name: report
        host: "%"
        password: other-pw
        priv:
          "reports.*": "SELECT,GRANT"
        resource_limits:
          MAX_QUERIES_PER_HOUR: 100
          MAX_USER_CONNECTIONS: 2
        tls_requires:
          SSL:
    - mysql_user: name=gone state=absent
    - mysql_db: name=legacy state=dump target=/srv/legacy.sql.gz
    - mysql_db: name=legacy_copy state=import target=/srv/legacy.sql.gz
YAML
)

note "--check on a fresh server: changes predicted, nothing written"
before=$(host_digest 1 'mysql -N -B -e "SELECT user, host FROM mysql.user ORDER BY 1, 2; SHOW DATABASES"')
run_play --check "$pb"
assert_rc 0
# the dump, and the import of a dump that does not exist yet, are
# predicted too: Ansible's module answers changed for them in check mode
assert_recap h1 changed=7 failed=0
assert_eq "$before" "$(host_digest 1 'mysql -N -B -e "SELECT user, host FROM mysql.user ORDER BY 1, 2; SHOW DATABASES"')" "state after --check"

run_play -v "$pb"
assert_rc 0
assert_recap h1 changed=7 failed=0
assert_not_contains "$OUT" "Sup3r"
assert_not_contains "$OUT" "other-pw"
assert_host_eq 1 'utf8mb4 utf8mb4_bin' 'mysql -N -B -e "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = \"shop\"" | tr "\t" " "'
assert_host_eq 1 "GRANT USAGE ON *.* TO \`shop\`@\`localhost\` IDENTIFIED BY PASSWORD '*$(printf '%s' "Sup3r'sec\"ret\\x" | sha1sum | cut -c1-40 | xxd -r -p | sha1sum | cut -c1-40 | tr a-f A-F)'
GRANT SELECT, INSERT, UPDATE ON \`shop\`.* TO \`shop\`@\`localhost\`
GRANT SELECT ON \`reports\`.* TO \`shop\`@\`localhost\`" 'mysql -N -B -e "SHOW GRANTS FOR shop@localhost"'
assert_host 1 "mysql -ushop -p'Sup3r'\\''sec\"ret\\x' -N -B -e 'SELECT 1' shop"
assert_host_eq 1 '100 2 ANY' 'mysql -N -B -e "SELECT max_questions, max_user_connections, ssl_type FROM mysql.user WHERE user = \"report\""| tr "\t" " "'
assert_host_eq 1 'GRANT SELECT ON `reports`.* TO `report`@`%` WITH GRANT OPTION' 'mysql -N -B -e "SHOW GRANTS FOR report" | grep reports'
assert_host_eq 1 '0' 'mysql -N -B -e "SELECT count(*) FROM mysql.user WHERE user = \"gone\""'
assert_host_eq 1 '42' 'mysql -N -B -e "SELECT id FROM legacy_copy.t"'
assert_host 1 'zcat /srv/legacy.sql.gz | grep -q "^(42)"'
note "no option file with a password left behind"
assert_host 1 '! grep -rls "other-pw\|Sup3r" /tmp /root 2>/dev/null'

note "second run and --check: nothing to do but the dump and import"
grep -v 'legacy' "$pb" >"$T/again.yml"
run_play "$T/again.yml"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$T/again.yml"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "narrowing privileges: a revoke and a grant, --check first"
pb2=$(playbook narrow.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - mysql_user: name=shop priv="shop.*:SELECT,DELETE"
      register: n
    - mysql_user: name=shop priv="shop.*:DELETE" subtract_privs=yes
    - mysql_user: name=shop priv="shop.*:INSERT" append_privs=yes
YAML
)
run_play --check "$pb2"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_host 1 'mysql -N -B -e "SHOW GRANTS FOR shop@localhost" | grep -q "ON .reports"'
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_host_eq 1 'GRANT SELECT, INSERT ON `shop`.* TO `shop`@`localhost`' 'mysql -N -B -e "SHOW GRANTS FOR shop@localhost" | grep "ON .shop"'
assert_host 1 '! mysql -N -B -e "SHOW GRANTS FOR shop@localhost" | grep -q "ON .reports"'

note "bad input fails the task clearly"
pb3=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - mysql_db: state=present
      ignore_errors: yes
    - mysql_db: name=x state=sideways
      ignore_errors: yes
    - mysql_db: name=x state=dump
      ignore_errors: yes
    - mysql_user: name=x priv="shop.*:SELECT; DROP DATABASE shop"
      ignore_errors: yes
    - mysql_user: name=x priv="shop.*"
      ignore_errors: yes
    - mysql_user: name=x append_privs=yes subtract_privs=yes
      ignore_errors: yes
    - mysql_db: name=x login_user=nobody login_password=wrong login_unix_socket=/run/mysqld/mysqld.sock
      ignore_errors: yes
YAML
)
run_play "$pb3"
assert_rc 0
assert_recap h1 failed=0 ignored=7
assert_contains "$OUT" "missing required arguments: name"
assert_contains "$OUT" "value of state must be one of: absent, dump, import, present, got: sideways"
assert_contains "$OUT" "with state=dump target is required"
assert_contains "$OUT" "Invalid privileges specified"
assert_contains "$OUT" "has no ':' between the object and its privileges"
assert_contains "$OUT" "parameters are mutually exclusive: append_privs|subtract_privs"
assert_contains "$OUT" "unable to connect to database, check login_user and login_password"
assert_host 1 'mysql -N -B -e "SHOW DATABASES" | grep -qx shop'
