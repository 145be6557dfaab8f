#!/bin/bash
# test-guest-build: the programs build-images.sh compiles into the real-Xen
# guest image (tests/xen/guest-*.c, static, with the libraries named on
# their "// xvs-guest-libs:" line; dom0-*.c alike) build here too, so that a change in the
# code they share (tests/sim/simfront.c) is caught by `make check` and not
# only by a QEMU boot of check-xen.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
out=$(mktemp -d /tmp/xvs-guest-build.XXXXXX)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
for src in "$HERE"/guest-*.c "$HERE"/dom0-*.c "$HERE"/xvs-pktgen.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    libs=$(head -10 "$src" | sed -n 's|^[[:space:]]*//[[:space:]]*xvs-guest-libs:||p' | head -1)
    # shellcheck disable=SC2086
    if err=$(gcc -O2 -Wall -Wextra -Werror -static -I"$TOP" -o "$out/$name" "$src" $libs 2>&1 \
             | grep -v 'statically linked applications requires at runtime'); [ -x "$out/$name" ]; then
        echo "PASS: $name builds statically (libs:${libs:- none})"; pass=$((pass + 1))
    else
        echo "FAIL: $name does not build statically: $err"; fail=$((fail + 1))
    fi
done
[ $pass -gt 0 ] || { echo "FAIL: no guest program found in $HERE"; fail=$((fail + 1)); }
# dom0-copycost's options are checked before it needs Xen: a bad one is
# named, with the usage, and exit 1
if [ -x "$out/dom0-copycost" ]; then
    for args in "-i 0" "-i 5x" "-d abc" "-d 70000" "-d -1" "-x"; do
        # shellcheck disable=SC2086
        msg=$("$out/dom0-copycost" $args 2>&1); rc=$?
        want="bad ${args% *} '${args#* }'"; [ "$args" = -x ] && want="invalid option"
        if [ $rc = 1 ] && [[ $msg == *"$want"* ]] && [[ $msg == *usage:* ]]; then
            echo "PASS: dom0-copycost $args: exit 1, \"$want\" and the usage"; pass=$((pass + 1))
        else
            echo "FAIL: dom0-copycost $args: rc $rc, expected 1 with \"$want\" and the usage: $msg"; fail=$((fail + 1))
        fi
    done
fi
echo "test-guest-build: $pass passed, $fail failed"
[ $fail = 0 ]
