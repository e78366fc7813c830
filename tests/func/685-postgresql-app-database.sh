#!/bin/bash
# An application's PostgreSQL 15 database through become_user postgres:
# postgresql_user creates the owner role with a password (stored as
# SCRAM-SHA-256, checked without changing it again), flags, a connection
# limit and a comment, and a reader role with the deprecated priv string;
# postgresql_db creates the database owned by it, dumps and restores it;
# postgresql_privs grants on a table, on all tables in the schema, on the
# database with grant option, default privileges and a group membership;
# a second run and --check change nothing; --check predicts without
# changing; state=absent and bad input.  PostgreSQL runs inside the host,
# socket only.
. "$(dirname "$0")/lib.sh"

note "start PostgreSQL in h1 (no TCP: the test hosts share the loopback)"
host_exec 1 "echo \"listen_addresses = ''\" >>/etc/postgresql/15/main/postgresql.conf
sed -i '/^local *all *all/i local all shop scram-sha-256' /etc/postgresql/15/main/pg_hba.conf
mkdir -p /run/postgresql && chown postgres:postgres /run/postgresql
cd / && su postgres -c 'pg_ctlcluster 15 main start'" || fail "PostgreSQL did not start"
# pgq DB SQL: the rows of a query as the postgres user
host_exec 1 'cat >/usr/local/bin/pgq <<"SH"
#!/bin/sh
cd / && printf "%s\n" "$2" | su postgres -c "psql -X -q -A -t -d $1"
SH
chmod +x /usr/local/bin/pgq'
host_exec 1 "pgq postgres 'CREATE ROLE old_app LOGIN'"

pb=$(playbook pg.yml <<'YAML'
- hosts: h1
  gather_facts: no
  become: yes
  become_user: postgres
  tasks:
    - postgresql_user:
        name: shop
        password: "s3cr'et\\pw"
        role_attr_flags: CREATEDB,NOSUPERUSER
        conn_limit: 20
        comment: the shop's owner
      register: u
    - community.postgresql.postgresql_db:
        name: shop
        owner: shop
        encoding: UTF8
        template: template0
        conn_limit: "50"
      register: d
    - postgresql_user: name=reader db=shop priv=CONNECT
    - postgresql_user: name=old_app state=absent
      register: gone
    - assert: { that: [ "gone.user_removed" ] }
      when: gone is changed
YAML
)
pb2=$(playbook privs.yml <<'YAML'
- hosts: h1
  gather_facts: no
  become: yes
  become_user: postgres
  tasks:
    - postgresql_privs: db=shop roles=reader objs=items privs=SELECT,INSERT
    - postgresql_privs: db=shop role=reader type=table objs=ALL_IN_SCHEMA privs=SELECT
    - postgresql_privs: db=shop roles=reader type=database privs=CONNECT,TEMP grant_option=yes
    - postgresql_privs: db=shop roles=reader type=default_privs objs=TABLES privs=SELECT
    - postgresql_privs: db=shop roles=reader type=group objs=shop
YAML
)
digest_cmd="pgq postgres 'SELECT rolname, rolcanlogin, rolconnlimit FROM pg_roles ORDER BY 1; SELECT datname, datacl FROM pg_database ORDER BY 1'"

note "--check on a fresh server: changes predicted, nothing written"
# (without reader: its priv needs the database, which --check does not
# create, and Ansible's module fails to connect to it too)
grep -v 'name=reader' "$pb" >"$T/check.yml"
before=$(host_digest 1 "$digest_cmd")
run_play --check "$T/check.yml"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_eq "$before" "$(host_digest 1 "$digest_cmd")" "state after --check"

run_play -v "$pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_not_contains "$OUT" "s3cr"
assert_contains "$OUT" 'PASSWORD %(password)s'
assert_host_eq 1 "shop|t|f|20|the shop's owner" "pgq postgres \"SELECT rolname, rolcreatedb, rolsuper, rolconnlimit, shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = 'shop'\""
assert_host 1 "pgq postgres \"SELECT rolpassword FROM pg_authid WHERE rolname = 'shop'\" | grep -q '^SCRAM-SHA-256'"
assert_host_eq 1 'shop|UTF8|50' "pgq postgres \"SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datconnlimit FROM pg_database WHERE datname = 'shop'\""
assert_host_eq 1 t "pgq postgres \"SELECT has_database_privilege('reader', 'shop', 'CONNECT')\""
assert_host 1 "cd / && PGPASSWORD=\"s3cr'et\\\\pw\" psql -X -h /run/postgresql -U shop -d shop -A -t -c 'SELECT 1' | grep -qx 1"
assert_host_eq 1 '0' "pgq postgres \"SELECT count(*) FROM pg_roles WHERE rolname = 'old_app'\""
assert_host 1 '! grep -rls "s3cr" /tmp 2>/dev/null'

note "second run and --check: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "privileges: --check predicts in a rolled back transaction"
host_exec 1 "pgq shop 'CREATE TABLE items (id int); CREATE TABLE orders (id int); INSERT INTO items VALUES (7)'"
acl_cmd="pgq shop \"SELECT relname, relacl FROM pg_class WHERE relname IN ('items', 'orders') ORDER BY 1; SELECT datacl FROM pg_database; SELECT defaclacl FROM pg_default_acl; SELECT count(*) FROM pg_auth_members\""
before=$(host_digest 1 "$acl_cmd")
run_play --check "$pb2"
assert_rc 0
assert_recap h1 changed=5 failed=0
assert_eq "$before" "$(host_digest 1 "$acl_cmd")" "ACLs after --check"
run_play -v "$pb2"
assert_rc 0
assert_recap h1 changed=5 failed=0
assert_host_eq 1 'items|{postgres=arwdDxt/postgres,reader=ar/postgres}
orders|{postgres=arwdDxt/postgres,reader=r/postgres}' "pgq shop \"SELECT relname, relacl FROM pg_class WHERE relname IN ('items', 'orders') ORDER BY 1\""
assert_host_eq 1 t "pgq postgres \"SELECT has_database_privilege('reader', 'shop', 'TEMP WITH GRANT OPTION')\""
assert_host_eq 1 t "pgq postgres \"SELECT pg_has_role('reader', 'shop', 'MEMBER')\""
assert_host 1 "pgq shop 'SELECT defaclacl FROM pg_default_acl' | grep -qx '{reader=r/postgres}'"
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "dump, restore into a new database, rename, drop"
pb3=$(playbook dump.yml <<'YAML'
- hosts: h1
  gather_facts: no
  become: yes
  become_user: postgres
  tasks:
    - postgresql_db: name=shop state=dump target=/tmp/shop.sql.gz
    - postgresql_db: name=shop_copy
    - postgresql_db: name=shop_copy state=restore target=/tmp/shop.sql.gz
    - postgresql_db: name=shop_copy state=rename target=shop_old
    - postgresql_db: name=shop_old state=absent force=yes
      register: dropped
    - assert: { that: [ "dropped.executed_commands == ['DROP DATABASE \"shop_old\" WITH (FORCE)']" ] }
YAML
)
run_play "$pb3"
assert_rc 0
assert_recap h1 changed=5 failed=0
assert_host 1 'zcat /tmp/shop.sql.gz | grep -q "CREATE TABLE public.items"'
assert_host_eq 1 '0' "pgq postgres \"SELECT count(*) FROM pg_database WHERE datname LIKE 'shop_%'\""

note "bad input fails the task clearly"
pb4=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  become: yes
  become_user: postgres
  tasks:
    - postgresql_db: state=present
      ignore_errors: yes
    - postgresql_db: name=x state=sideways
      ignore_errors: yes
    - postgresql_db: name=shop encoding=LATIN1
      ignore_errors: yes
    - postgresql_user: name=x role_attr_flags=CREATEDB,SUPERPOWERS
      ignore_errors: yes
    - postgresql_user: name=x priv=CONNECT
      ignore_errors: yes
    - postgresql_privs: db=shop roles=reader objs=items
      ignore_errors: yes
    - postgresql_privs: db=shop roles=reader objs=items privs="SELECT; DROP TABLE items"
      ignore_errors: yes
    - postgresql_privs: db=shop roles=nobody objs=items privs=SELECT
      ignore_errors: yes
YAML
)
run_play "$pb4"
assert_rc 0
assert_recap h1 failed=0 ignored=8
assert_contains "$OUT" "missing required arguments: name"
assert_contains "$OUT" "value of state must be one of: absent, dump, present, rename, restore, got: sideways"
assert_contains "$OUT" "Changing database encoding is not supported. Current encoding: UTF8"
assert_contains "$OUT" "Invalid role_attr_flags specified: SUPERPOWERS"
assert_contains "$OUT" "privileges require a database to be specified"
assert_contains "$OUT" 'Argument \"privs\" is required for type \"table\".'
assert_contains "$OUT" "Invalid privileges specified"
assert_contains "$OUT" "Role 'nobody' does not exist"
assert_host_eq 1 '7' "pgq shop 'SELECT id FROM items'"
