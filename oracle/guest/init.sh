#!/bin/sh
# PFN Lab oracle guest: /init of the initramfs (our own). Mounts the kernel
# filesystems, then runs every script of this run (listed in
# /pfnlab/run/manifest, one "INDEX PROGRAM SECONDS" line each) in a fresh
# driver process under a time limit. Results go to the second serial port
# (/dev/ttyS1), framed by "@@pfnlab NONCE ..." marker lines; the same markers
# go to the console (ttyS0) so the host can time each script and tell which
# one was running when the kernel printed a splat. Then reboot -f: with
# QEMU's -no-reboot that ends QEMU (a tinyconfig kernel has no ACPI power-off).
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
. /pfnlab/run/run.conf

exec 3>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null
mark() {
  echo "@@pfnlab $NONCE $*" >&3
  echo "@@pfnlab $NONCE $*"
}

# The hugetlb pools were sized on the kernel command line (hugepagesz=/hugepages=);
# report what the kernel actually reserved.
h2=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null || echo 0)
h1=$(cat /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages 2>/dev/null || echo 0)
mark boot hugepages-2M=$h2 hugepages-1G=$h1

while read -r idx prog limit; do
  [ -n "$idx" ] || continue
  mark begin "$idx"
  # The script path as argv[1] and as stdin: the driver may read either.
  timeout -s KILL "$limit" "/bin/$prog" "/pfnlab/run/$idx.script" \
    <"/pfnlab/run/$idx.script" >&3 2>"/tmp/$idx.err"
  rc=$?
  mark exit "$idx" "rc=$rc"
  if [ -s "/tmp/$idx.err" ]; then
    mark stderr "$idx"
    cat "/tmp/$idx.err" >&3
    mark stderr-end "$idx"
  fi
done </pfnlab/run/manifest

mark done
# Closing the tty waits until its output has drained.
exec 3>&-
reboot -f
