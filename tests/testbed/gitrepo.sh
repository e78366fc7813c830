#!/bin/bash
# A git server without the network: a bare repository /srv/git/app.git
# inside running test host I, with tags v1.0 and v1.1 on main and a branch
# "feature".  Replaces any earlier one.
#
# usage: gitrepo.sh I [PATH]
#
# Needs root; uses testbed.sh's environment (CAIRN_TESTBED_DIR...).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: gitrepo.sh I [PATH]" >&2; exit 1; }
REPO=${2:-/srv/git/app.git}

"$HERE/testbed.sh" exec "$1" "set -e
export GIT_AUTHOR_NAME=cairn GIT_AUTHOR_EMAIL=cairn@example.com
export GIT_COMMITTER_NAME=cairn GIT_COMMITTER_EMAIL=cairn@example.com
export GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
rm -rf '$REPO' /tmp/cairn-gitwork
mkdir -p '$REPO'
git init -q --bare -b main '$REPO'
git init -q -b main /tmp/cairn-gitwork
cd /tmp/cairn-gitwork
echo 'version 1.0' >VERSION
echo 'print hello' >app.txt
git add . && git commit -q -m 'version 1.0'
git tag -a -m 'release 1.0' v1.0
echo 'version 1.1' >VERSION
git commit -q -am 'version 1.1'
git tag v1.1
git checkout -q -b feature
echo 'feature work' >FEATURE
git add FEATURE && git commit -q -m 'feature'
git checkout -q main
git push -q '$REPO' main feature v1.0 v1.1
cd / && rm -rf /tmp/cairn-gitwork"
