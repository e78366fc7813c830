#!/bin/bash
# Compares each cairn module's parameter table (cairn doc -j) with Ansible's
# (ansible-doc -j) and prints a Markdown table: per module, the parameters
# Ansible has that cairn lacks and the ones only cairn has.  Needs
# ansible-doc (Debian's ansible-core and ansible); docs/compat.md holds its
# output.
#
# usage: tools/compare-ansible-doc.sh [CAIRN]    exit 1 if anything is missing
set -uo pipefail
cairn=${1:-./cairn}
command -v ansible-doc >/dev/null ||
	{ echo "compare-ansible-doc: no ansible-doc here (apt-get install ansible-core ansible)" >&2; exit 2; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
"$cairn" doc -l >"$w/list" || exit 2
while read -r fq _; do
	"$cairn" doc -j "$fq" >"$w/$fq.cairn" 2>/dev/null
	ansible-doc -j "$fq" >"$w/$fq.ansible" 2>/dev/null
done <"$w/list"
python3 - "$w" <<'PY'
import json, os, sys
w = sys.argv[1]
# Not parameters: ansible-doc's names for free-form text, for "the file
# module's arguments too" and for set_fact's any-key form.
PSEUDO = {"free_form", "others", "key_value"}
def names(path):
    try:
        d = json.load(open(path))
    except Exception:
        return {}
    out = {}
    for v in d.values():
        for k, o in ((v.get("doc") or {}).get("options") or {}).items():
            if k not in PSEUDO:
                out[k] = set([k] + list(o.get("aliases") or []))
    return out
print("| module | missing in cairn | only in cairn |")
print("| --- | --- | --- |")
bad = 0
for line in open(os.path.join(w, "list")):
    fq = line.split()[0]
    o = names(os.path.join(w, fq + ".cairn"))
    t = names(os.path.join(w, fq + ".ansible"))
    if not t:
        print("| %s | (not in this Ansible) | |" % fq)
        continue
    on = set().union(*o.values()) if o else set()
    tn = set().union(*t.values())
    miss = sorted(k for k, al in t.items() if not (al & on))
    # cairn's free-form text parameter is ansible-doc's free_form.
    extra = sorted(k for k, al in o.items() if not (al & tn) and
                   k != "_raw_params")
    bad |= bool(miss)
    print("| %s | %s | %s |" % (fq, ", ".join(miss) or "-", ", ".join(extra) or "-"))
sys.exit(1 if bad else 0)
PY
