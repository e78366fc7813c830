#!/bin/bash
# Podman for the test hosts: installs and configures it in a base image
# (the "podman" flavour of testbed.sh), and builds a tiny busybox image
# inside a running host, saved as an archive on the controller, since no
# registry can be reached.
#
# usage: podman.sh setup DIR            install podman into image DIR
#        podman.sh image I OUT [NAME]   build NAME (default
#                                       localhost/cairn-busybox:1.0) in host I,
#                                       save it to OUT, remove it from I
#
# Needs root.  "image" uses testbed.sh's environment (CAIRN_TESTBED_DIR...).
set -euo pipefail

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
HERE=$(cd "$(dirname "$0")" && pwd)

die() { echo "podman.sh: $*" >&2; exit 1; }

# crun fails on these machines (hybrid cgroups), overlay on overlay is
# refused, and the sandbox refuses raising limits: runc, cgroupfs, vfs and
# modest ulimits.  Host networking: no bridge or firewall in the test hosts.
cmd_setup() {
	local d=$1
	[ -d "$d/etc" ] || die "setup: '$d' is not an image"
	chroot "$d" apt-get update -q
	DEBIAN_FRONTEND=noninteractive chroot "$d" apt-get install -y -q \
		--no-install-recommends podman runc busybox-static
	mkdir -p "$d/etc/containers"
	cat >"$d/etc/containers/containers.conf" <<-'CONF'
	# cairn test bed
	[containers]
	default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
	netns = "host"
	[engine]
	runtime = "runc"
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	CONF
	cat >"$d/etc/containers/storage.conf" <<-'CONF'
	# cairn test bed
	[storage]
	driver = "vfs"
	runroot = "/run/containers/storage"
	graphroot = "/var/lib/containers/storage"
	CONF
}

# A root file system of busybox and its applets, imported as an image.
cmd_image() {
	local i=$1 out=$2 name=${3:-localhost/cairn-busybox:1.0}
	"$HERE/testbed.sh" exec "$i" "set -e
rm -rf /tmp/cairn-img && mkdir -p /tmp/cairn-img/bin /tmp/cairn-img/tmp
cp /bin/busybox /tmp/cairn-img/bin/busybox
for a in sh ls cat echo sleep env true false ps id hostname; do
	ln -s busybox /tmp/cairn-img/bin/\$a
done
tar -C /tmp/cairn-img -cf /tmp/cairn-img.tar .
podman import -q --change 'CMD [\"/bin/sleep\", \"3600\"]' \
	/tmp/cairn-img.tar '$name' >/dev/null
podman save -q -o /tmp/cairn-img-save.tar '$name'
podman rmi -f '$name' >/dev/null
rm -rf /tmp/cairn-img /tmp/cairn-img.tar"
	"$HERE/testbed.sh" exec "$i" "cat /tmp/cairn-img-save.tar" >"$out.tmp"
	"$HERE/testbed.sh" exec "$i" "rm -f /tmp/cairn-img-save.tar"
	[ -s "$out.tmp" ] || die "image: empty archive"
	mv "$out.tmp" "$out"
}

case ${1:-} in
setup) [ $# -eq 2 ] || die "usage: podman.sh setup DIR"; cmd_setup "$2" ;;
image) [ $# -ge 3 ] || die "usage: podman.sh image I OUT [NAME]"; shift; cmd_image "$@" ;;
*) echo "usage: podman.sh setup DIR | image I OUT [NAME]" >&2; exit 1 ;;
esac
