#!/bin/bash
# build-images.sh -- images for the real-Xen tests of xvs (Xen 4.17 under QEMU).
#
#   tests/xen/build-images.sh [-f] [-o OUTDIR] BUILDDIR
#
# Everything that boots comes from Debian 12 packages, fetched with
# `apt-get download` and unpacked with `dpkg -x` into a cache; nothing is
# installed on the host.  The shared libraries of every binary put into an
# image are found with ldd and taken from their Debian package (the package
# is looked up with dpkg -S and fetched too), never from the host's /lib.
#
# Cache (kept between runs; CI machines that keep it rebuild nothing):
#   ${XVS_XEN_CACHE:-/var/cache/xvs-xen}/
#       debs/         the .deb files, debs/lock = "package=version" fetched
#       root/         all of them unpacked on top of each other
#       base/         xen, vmlinuz (dom0), vmlinux (domU, uncompressed ELF),
#                     dom0-base.cpio, domU-base/ (tree)   -- package-only parts
# Per run, in OUTDIR (default $CACHE/overlay):
#   common.cpio     tests/xen/rootfs/dom0 + the guest initramfs
#                   (/xvs/guest/domU.cpio.gz: domU-base + tests/xen/rootfs/domU
#                   + xvs-pktgen built from tests/xen/xvs-pktgen.c + every
#                   tests/xen/guest-*.c built statically, see below)
#                   + every tests/xen/dom0-*.c, static, as /xvs/bin/dom0-*
#   xvs.cpio        the project as `make install` lays it out, plus every
#                   library xvsd/xvsctl need, plus /xvs/project.env naming
#                   the installed xvsd, xvsctl, vif-xvs and xl.conf snippet.
#                   Needs BUILDDIR with a built xvsd; without it this script
#                   still builds the rest, then exits 3 with
#                   "xvsd not built: run make first".
# Exit: 0 all built, 3 project missing from BUILDDIR, 1 other errors.
# -f rebuilds the base images even if their stamp is current.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${XVS_XEN_CACHE:-/var/cache/xvs-xen}
DEBS=$CACHE/debs
PKGROOT=$CACHE/root
BASE=$CACHE/base
OUT="" FORCE=0
while getopts "fo:h" o; do
    case $o in
        f) FORCE=1;; o) OUT=$OPTARG;;
        *) sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 2;;
    esac
done
shift $((OPTIND - 1))
BUILDDIR=${1:-}
OUT=${OUT:-$CACHE/overlay}
ARCHLIB=lib/x86_64-linux-gnu

log() { echo "[images] $*" >&2; }
die() { echo "[images] ERROR: $*" >&2; exit 1; }

for t in apt-get apt-cache dpkg dpkg-deb cpio xz gzip gcc ldd; do
    command -v $t >/dev/null || die "$t not found (needs a Debian 12 host with cpio, xz-utils, gcc)"
done
mkdir -p "$DEBS" "$PKGROOT" "$BASE" "$OUT"
touch "$DEBS/lock"
# One builder at a time per cache (CI may start two runs on one machine).
exec {LOCKFD}>"$CACHE/.lock"
flock "$LOCKFD"

# ------------------------------------------------------------- packages
# The kernel flavour package is resolved through the metapackage, so the
# current bookworm 6.1 kernel is taken (dom0 and domU run the same one).
# A fresh CI machine (or container) may have no package lists yet.
if ! apt-cache policy xen-hypervisor-4.17-amd64 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    log "no package lists for the Xen packages: apt-get update"
    apt-get update -q >&2 || die "apt-get update failed"
fi
KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64 (run apt-get update)"
PKGS="$KPKG xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils
      busybox-static bash coreutils util-linux grep sed mawk jq iproute2 iputils-ping
      tcpdump iperf3 libgcc-s1 libc6"

# fetch PKG...: download the candidate version of each package that is not
# in the cache yet (or whose candidate changed) and unpack it into PKGROOT.
fetch() {
    local p v line
    # one apt-cache call for all of them: "package=candidate" lines
    while read -r line; do
        p=${line%%=*} v=${line#*=}
        [ -n "$v" ] && [ "$v" != "(none)" ] || die "package $p has no candidate version (apt-get update?)"
        grep -qxF "$p=$v" "$DEBS/lock" && continue
        if grep -q "^$p=" "$DEBS/lock"; then
            # a new version: start the unpacked tree afresh
            log "$p changed to $v: the unpacked tree will be rebuilt"
            sed -i "/^$p=/d" "$DEBS/lock"; rm -f "$DEBS/${p}_"*.deb
            rm -rf "$PKGROOT" "$BASE/.stamp"; mkdir -p "$PKGROOT"
        fi
        log "apt-get download $p=$v"
        # apt's _apt user cannot write everywhere: download as root
        (cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root "$p=$v" >/dev/null) ||
            die "apt-get download $p=$v failed"
        echo "$p=$v" >> "$DEBS/lock"
        rm -f "$BASE/.stamp"
    done < <(apt-cache policy "$@" 2>/dev/null |
             awk '/^[^ ]/{sub(":$","",$1); sub(":amd64$","",$1); p=$1} /Candidate:/{print p "=" $2}')
    for p in "$@"; do grep -q "^$p=" "$DEBS/lock" || die "package $p: unknown to apt-cache (apt-get update?)"; done
}
# unpack_all: (re)unpack every cached .deb whose unpack stamp is missing
unpack_all() {
    local d
    mkdir -p "$PKGROOT/.unpacked"
    for d in "$DEBS"/*.deb; do
        [ -e "$PKGROOT/.unpacked/${d##*/}" ] && continue
        dpkg -x "$d" "$PKGROOT"
        touch "$PKGROOT/.unpacked/${d##*/}"
    done
}
fetch $PKGS
unpack_all

KVER=$(ls "$PKGROOT/lib/modules" | head -1)
BB=$PKGROOT/bin/busybox
[ -e "$PKGROOT/lib/modules/$KVER/modules.dep" ] || "$BB" depmod -b "$PKGROOT" "$KVER"

# ------------------------------------------------------------- helpers
LIBPATH=$PKGROOT/$ARCHLIB:$PKGROOT/usr/$ARCHLIB

# inroot PATH: PATH inside PKGROOT with its symlinks resolved inside PKGROOT
# (Debian's /lib64/ld-linux-x86-64.so.2 is an absolute symlink).
inroot() {
    local p=$1 l i
    for i in 1 2 3 4 5 6 7 8; do
        [ -L "$PKGROOT$p" ] || break
        l=$(readlink "$PKGROOT$p")
        case $l in /*) p=$l;; *) p=$(dirname "$p")/$l;; esac
    done
    echo "$PKGROOT$p"
}
# pkg_of_lib HOSTPATH: the Debian package that ships this library
pkg_of_lib() {
    local b=${1##*/} out
    out=$(dpkg -S "*/x86_64-linux-gnu/$b" 2>/dev/null | head -1) ||
        die "no Debian package ships $b (needed in an image)"
    echo "${out%%:*}"
}
# libs_of FILE: the library closure of FILE (absolute paths), resolved in
# PKGROOT; libraries still missing there are fetched from their package.
libs_of() {
    local f=$1 i out missing lib p
    for i in 1 2 3 4 5; do
        out=$(LD_LIBRARY_PATH=$LIBPATH ldd "$f" 2>/dev/null) || { [ -z "$out" ] && return 0; }
        case $out in *"not a dynamic executable"*|*"statically linked"*) return 0;; esac
        missing=""
        while read -r lib; do
            case $lib in
                "$PKGROOT"/*) ;;
                */ld-linux-x86-64.so.2) [ -e "$PKGROOT/lib64/ld-linux-x86-64.so.2" ] || missing+=" libc6";;
                *"not found"*) die "$f needs a library nobody provides: $lib";;
                /*) p=$(pkg_of_lib "$lib"); missing+=" $p";;
            esac
        done < <(awk '/=> /{ if ($3 == "not") print $1 " not found"; else print $3 } /^\t\/lib64/{print $1}' <<<"$out")
        if [ -z "$missing" ]; then
            awk '/=> \//{print $3} /^\t\/lib64/{print $1}' <<<"$out"
            return 0
        fi
        # shellcheck disable=SC2086
        fetch $(tr ' ' '\n' <<<"$missing" | sort -u)
        unpack_all
    done
    die "cannot resolve the libraries of $f"
}
# copy_bin ROOT SRC [DEST]: an executable and its library closure
copy_bin() {
    local root=$1 src=$2 dst=${3:-${2#$PKGROOT}} lib name
    [ -e "$src" ] || die "copy_bin: $src missing"
    mkdir -p "$root$(dirname "$dst")" "$root/$ARCHLIB" "$root/lib64"
    [ "$src" -ef "$root$dst" ] || { rm -f "$root$dst"; cp -L "$src" "$root$dst"; }
    for lib in $(libs_of "$src"); do
        name=${lib##*/}
        if [ "$name" = ld-linux-x86-64.so.2 ]; then
            [ -e "$root/lib64/$name" ] || cp "$(inroot /lib64/$name)" "$root/lib64/$name"
        else
            [ -e "$root/$ARCHLIB/$name" ] || cp -L "$lib" "$root/$ARCHLIB/$name"
        fi
    done
}
# copy_lib ROOT NAME: a library that is dlopen()ed (ldd cannot see it).
# glibc dlopens libgcc_s.so.1 for pthread_cancel, which libxenstore's
# xs_close() uses: without it xl and every xenstore tool abort.
copy_lib() {
    local f
    for f in "$PKGROOT/$ARCHLIB/$2" "$PKGROOT/usr/$ARCHLIB/$2"; do
        [ -e "$f" ] && { mkdir -p "$1/$ARCHLIB"; cp -L "$f" "$1/$ARCHLIB/"; return 0; }
    done
    die "library $2 not in the unpacked packages"
}
# copy_mods ROOT MOD...: kernel modules with their dependencies
copy_mods() {
    local root=$1 mdir=$PKGROOT/lib/modules/$KVER m line p
    shift
    mkdir -p "$root/lib/modules/$KVER"
    for m in "$@"; do
        line=$(awk -F: -v a="$m" 'BEGIN{gsub(/-/,"_",a)}
              { n=$1; sub(/.*\//,"",n); sub(/\.ko.*/,"",n); gsub(/-/,"_",n); if (n==a) { print; exit } }' \
              "$mdir/modules.dep")
        [ -n "$line" ] || die "kernel module $m not found in $KVER"
        for p in ${line//:/}; do
            mkdir -p "$root/lib/modules/$KVER/$(dirname "$p")"
            cp "$mdir/$p" "$root/lib/modules/$KVER/$p"
        done
    done
    cp "$mdir"/modules.builtin* "$mdir"/modules.order "$root/lib/modules/$KVER/" 2>/dev/null || true
    "$BB" depmod -b "$root" "$KVER"
}
# base_root ROOT: busybox (every applet linked) and the skeleton
base_root() {
    local root=$1 a
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,etc,root,var/log,$ARCHLIB,lib64}
    cp "$BB" "$root/bin/busybox"
    "$BB" --list-full | while read -r a; do
        [ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
    done
    ln -s /run "$root/var/run"; ln -s /run/lock "$root/var/lock"
    echo "root:x:0:0:root:/root:/bin/bash" > "$root/etc/passwd"
    echo "root:x:0:" > "$root/etc/group"
    printf '127.0.0.1 localhost\n' > "$root/etc/hosts"
}
# dyn ROOT PKGPATH [NAME]: a dynamically linked tool replaces the busybox
# applet of the same name everywhere in PATH.  Static busybox applets
# sometimes segfault at start under TCG (see NOTES.md); glibc-linked tools
# have not, so the tools verdicts depend on are these.
dyn() {
    local root=$1 src=$PKGROOT$2 name=${3:-${2##*/}} d
    for d in bin sbin usr/bin usr/sbin; do
        [ -L "$root/$d/$name" ] && rm -f "$root/$d/$name"
    done
    copy_bin "$root" "$src" "/usr/bin/$name"
}
# mkcpio DIR OUT: newc archive of DIR, owned by root
mkcpio() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$2"; }

# ------------------------------------------------------------- base images
STAMP=$( { for p in $PKGS; do grep "^$p=" "$DEBS/lock"; done; sed -n '/^# ---* helpers/,/^# ---* end of base/p' "$0"; } |
         sha256sum | cut -c1-16)
if [ $FORCE = 1 ] || [ "$(cat "$BASE/.stamp" 2>/dev/null)" != "$STAMP" ] ||
   [ ! -e "$BASE/dom0-base.cpio" ]; then
    log "building base images in $BASE ($KVER)"
    rm -f "$BASE/.stamp"
    zcat "$PKGROOT/boot/xen-4.17-amd64.gz" > "$BASE/xen"
    cp "$PKGROOT/boot/vmlinuz-$KVER" "$BASE/vmlinuz"
    # The PV domU gets the uncompressed ELF: libxc's domain builder would
    # otherwise un-xz the bzImage itself, seconds per xl create under TCG.
    off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$BASE/vmlinuz" | head -1 | cut -d: -f1)
    tail -c +$((off + 1)) "$BASE/vmlinuz" | xz -dcq > "$BASE/vmlinux" 2>/dev/null || true
    [ "$(head -c4 "$BASE/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] || die "vmlinux extraction failed"

    # ---- domU: busybox + bash + iproute2 + iputils ping + iperf3 + netfront
    DU=$BASE/domU-base
    base_root "$DU"
    copy_bin "$DU" "$PKGROOT/bin/bash" /bin/bash
    for t in /bin/ip:ip /bin/ping:ping /usr/bin/iperf3:iperf3 /usr/bin/timeout:timeout \
             /bin/sleep:sleep /bin/cat:cat; do
        dyn "$DU" "${t%%:*}" "${t##*:}"
    done
    copy_lib "$DU" libgcc_s.so.1
    copy_mods "$DU" xen-netfront 8021q

    # ---- dom0: the Xen toolstack and the tools the tests use
    D0=$BASE/dom0-root
    base_root "$D0"
    X=/usr/lib/xen-4.17
    for f in "$PKGROOT$X"/bin/*; do
        head -c2 "$f" | grep -q '#!' && continue      # python tools (pygrub, ...)
        copy_bin "$D0" "$f"
    done
    for t in xl xenstored xenconsoled xen-init-dom0 xenstore-control; do
        ln -sf $X/bin/$t "$D0/usr/sbin/$t"
    done
    copy_bin "$D0" "$PKGROOT/usr/bin/xenstore" /usr/bin/xenstore
    for t in chmod exists list ls read rm watch write; do ln -sf xenstore "$D0/usr/bin/xenstore-$t"; done
    # bash is /bin/sh: the hotplug scripts need bash, and Debian's static
    # busybox ash would prefer its own applets over PATH (busybox ip).
    copy_bin "$D0" "$PKGROOT/bin/bash" /bin/bash
    ln -sf bash "$D0/bin/sh"
    for t in timeout sleep cat date mkfifo stty tee head tail wc sort cut tr ls cp mv rm \
             mkdir ln readlink env od dd sync uname basename dirname seq sha256sum touch chmod; do
        if [ -e "$PKGROOT/bin/$t" ]; then dyn "$D0" /bin/$t; else dyn "$D0" /usr/bin/$t; fi
    done
    dyn "$D0" /bin/grep; dyn "$D0" /bin/sed; dyn "$D0" /usr/bin/mawk awk
    dyn "$D0" /usr/bin/flock; dyn "$D0" /usr/bin/setsid; dyn "$D0" /usr/bin/jq; dyn "$D0" /bin/dmesg
    dyn "$D0" /bin/ping; dyn "$D0" /usr/bin/iperf3; dyn "$D0" /usr/bin/tcpdump
    dyn "$D0" /bin/ip; dyn "$D0" /sbin/bridge
    echo "tcpdump:x:104:104::/nonexistent:/bin/false" >> "$D0/etc/passwd"
    echo "tcpdump:x:104:" >> "$D0/etc/group"
    copy_lib "$D0" libgcc_s.so.1
    mkdir -p "$D0/etc/xen" "$D0/var/lib/xen" "$D0/var/log/xen" "$D0/etc/modprobe.d"
    cp -a "$PKGROOT/etc/xen/." "$D0/etc/xen/"
    copy_mods "$D0" xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-netback \
                    bridge tun 8021q 9p 9pnet_virtio virtio_pci
    mkdir -p "$D0/xvs/guest"
    cp "$BASE/vmlinux" "$D0/xvs/guest/vmlinux"
    mkcpio "$D0" "$BASE/dom0-base.cpio"
    rm -rf "$D0"
    echo "$STAMP" > "$BASE/.stamp"
    log "base images done"
else
    log "base images up to date in $BASE"
fi
# --------------------------------------------------------------- end of base

# ------------------------------------------------------------- common overlay
# Everything of tests/xen that runs inside the VM; rebuilt every time (small).
CO=$OUT/common-root
rm -rf "$CO"; mkdir -p "$CO/xvs/guest"
cp -a "$HERE/rootfs/dom0/." "$CO/"
G=$OUT/guest-root
rm -rf "$G"; mkdir -p "$G/usr/bin"
cp -a "$HERE/rootfs/domU/." "$G/"
gcc -O2 -Wall -Wextra -Werror -o "$G/usr/bin/xvs-pktgen" "$HERE/xvs-pktgen.c" ||
    die "cannot build xvs-pktgen"
# Programs added by dropping a file: every tests/xen/guest-NAME.c becomes
# /usr/bin/guest-NAME in the guest, every tests/xen/dom0-NAME.c
# /xvs/bin/dom0-NAME in dom0, linked statically (the guest image has no
# libxen*.so; one rule for both sides).  Libraries it needs are named in
# its first 10 lines as "// xvs-guest-libs: -lxenstore -lxengnttab ..." and
# taken from Debian's static archives (libxen-dev: /usr/lib/x86_64-linux-gnu/*.a).
# build_static KIND DIR SRC...: each SRC to DIR/NAME
build_static() {
    local kind=$1 dir=$2 src name libs
    shift 2
    mkdir -p "$dir"
    for src in "$@"; do
        [ -e "$src" ] || continue
        name=$(basename "$src" .c)
        libs=$(head -10 "$src" | sed -n 's|^[[:space:]]*//[[:space:]]*xvs-guest-libs:||p' | head -1)
        # shellcheck disable=SC2086
        gcc -O2 -Wall -Wextra -Werror -static -I"$TOP" -o "$dir/$name" "$src" $libs ||
            die "cannot build $name from $src (libs: ${libs:-none}; static libxen*.a come from libxen-dev)"
        log "$kind program $name (libs:${libs:- none})"
    done
}
build_static guest "$G/usr/bin" "$HERE"/guest-*.c
build_static dom0 "$CO/xvs/bin" "$HERE"/dom0-*.c
# Kernel modules for guest programs that the base guest image leaves out
# (guest-evilfront grants pages and binds event channels from userspace:
# gntalloc, evtchn), as plain files for insmod, so that the base image and
# its modules.dep stay as they are.
mkdir -p "$G/usr/lib/xvs-guest"
for m in xen-gntalloc xen-evtchn; do
    cp "$PKGROOT/lib/modules/$KVER/kernel/drivers/xen/$m.ko" "$G/usr/lib/xvs-guest/" ||
        die "kernel module $m not found in $KVER"
done
mkcpio "$BASE/domU-base" "$OUT/domU-base.cpio"
mkcpio "$G" "$OUT/domU-tests.cpio"
cat "$OUT/domU-base.cpio" "$OUT/domU-tests.cpio" | gzip -1 > "$CO/xvs/guest/domU.cpio.gz"
rm -f "$OUT/domU-base.cpio" "$OUT/domU-tests.cpio"
mkcpio "$CO" "$OUT/common.cpio"
rm -rf "$CO" "$G"
log "common overlay: $OUT/common.cpio"

# ------------------------------------------------------------- project overlay
rm -f "$OUT/xvs.cpio"
missing() { echo "[images] $*" >&2; exit 3; }
[ -n "$BUILDDIR" ] || missing "xvsd not built: run make first (no build directory given)"
[ -f "$BUILDDIR/Makefile" ] || missing "xvsd not built: run make first ($BUILDDIR has no Makefile: configure it)"
BUILDDIR=$(cd "$BUILDDIR" && pwd)
XVSD_BUILT=$(find -L "$BUILDDIR" -maxdepth 3 -name xvsd -type f -perm -u+x 2>/dev/null | head -1)
[ -n "$XVSD_BUILT" ] || missing "xvsd not built: run make first (no xvsd under $BUILDDIR)"
ST=$OUT/xvs-root
rm -rf "$ST"; mkdir -p "$ST"
log "make install DESTDIR=$ST (from $BUILDDIR)"
if ! make -C "$BUILDDIR" install DESTDIR="$ST" > "$OUT/make-install.log" 2>&1; then
    tail -20 "$OUT/make-install.log" >&2
    missing "make install failed in $BUILDDIR (log: $OUT/make-install.log)"
fi
find1() { find "$ST" "$@" | head -1; }
XVSD=$(find1 -name xvsd -type f)
XVSCTL=$(find1 -name xvsctl -type f)
VIFXVS=$(find1 -name vif-xvs -type f)
# the xl.conf snippet: a file under .../xen/ or .../xvs/ that sets vif.default.script
XLSNIP=$(grep -rlE '^[[:space:]]*vif\.default\.script[[:space:]]*=' "$ST" 2>/dev/null | head -1 || true)
BLACKLIST=$(grep -rlE '^[[:space:]]*(blacklist|install)[[:space:]]+xen[-_]netback' "$ST" 2>/dev/null | head -1 || true)
[ -n "$XVSD" ] || missing "xvsd not built: run make first (make install did not install xvsd)"
[ -n "$XVSCTL" ] || missing "xvsctl not installed by make install (build it: make)"
[ -n "$VIFXVS" ] || missing "hotplug/vif-xvs not installed by make install"
[ -n "$XLSNIP" ] || missing "no xl.conf snippet setting vif.default.script installed by make install"
# every library the daemon and the CLI need, from Debian packages
for b in "$XVSD" "$XVSCTL"; do copy_bin "$ST" "$b" "${b#$ST}"; done
# coreutils' nice: dom0's init starts xvsd at the unit's Nice= (busybox has none)
copy_bin "$ST" "$PKGROOT/usr/bin/nice" /usr/bin/nice
copy_lib "$ST" libgcc_s.so.1
{
    echo "XVSD=${XVSD#$ST}"
    echo "XVSCTL=${XVSCTL#$ST}"
    echo "VIF_XVS=${VIFXVS#$ST}"
    echo "XL_SNIPPET=${XLSNIP#$ST}"
    echo "BLACKLIST=${BLACKLIST#$ST}"
    # dom0 has no systemd: its init starts xvsd at the unit's Nice=
    echo "XVSD_NICE=$(sed -n 's/^Nice=\(-\{0,1\}[0-9]*\)$/\1/p' \
        "$(find1 -name xvsd.service -type f)" /dev/null 2>/dev/null | head -1 | grep . || echo 0)"
    echo "PROJECT_REV='$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)'"
} > "$OUT/project.env"
mkdir -p "$ST/xvs"; cp "$OUT/project.env" "$ST/xvs/project.env"
log "project: $(tr '\n' ' ' < "$OUT/project.env")"
log "xvsd needs: $(LD_LIBRARY_PATH=$LIBPATH ldd "$XVSD" | awk '/=>/{printf "%s ", $1}')"
mkcpio "$ST" "$OUT/xvs.cpio"
rm -rf "$ST"
log "project overlay: $OUT/xvs.cpio"
exit 0
