#!/bin/bash
# run by tests/compat/542-script.yml: arguments and bash-isms
words=("$@")
[[ ${#words[@]} -eq 2 ]] || exit 3
printf '%s\n' "${words[@]}" > /srv/compat-script/args
