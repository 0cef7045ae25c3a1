#!/usr/bin/env bash
# The set-up contract, checked: a fresh clone of this repository (its HEAD),
# on this machine made to look like a fresh one WITHOUT Chromium, passes the
# README's set-up command and test command and nothing else: `npm ci`, then
# `npm test` (which must install Debian's Chromium itself, as root).
#
#   scripts/fresh-clone-check.sh              npm ci + npm test (10-30 min on 2 cores)
#   scripts/fresh-clone-check.sh --setup-only npm ci, then only the steps of the contract
#                                             that set things up: the packed-CLI and
#                                             set-up tests, and `node scripts/test.mjs
#                                             --from 6` (browser build, Chromium
#                                             install, end-to-end tests)
#   options: --keep (keep the work folder), --fresh-npm-cache (an empty npm cache:
#            every package is downloaded, as on a new machine; default: the user's
#            cache, which `npm ci` still verifies against the lock file's hashes)
#
# How Chromium is made to look missing (root only; other users get the check
# with the machine as it is, and a note): everything runs in a private mount
# namespace (unshare -m) where /usr, /etc and /var are overlayfs mounts whose
# writable layers live in the work folder. In there `dpkg -r chromium
# chromium-common` and `apt-get clean` remove the package and its cached .deb
# files — in the overlay only: the real system, and everyone else's processes,
# keep their Chromium. So `npm test` finds no /usr/bin/chromium and must run
# the real `apt-get install -y chromium` (downloading from Debian's mirror).
# The report (and the log) says whether it did and whether Chromium works.
set -euo pipefail

MODE=full KEEP=0 FRESH_CACHE=0
for a in "$@"; do
  case "$a" in
    --setup-only) MODE=setup ;;
    --keep) KEEP=1 ;;
    --fresh-npm-cache) FRESH_CACHE=1 ;;
    -h | --help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "fresh-clone-check: unknown option $a (see --help)" >&2; exit 2 ;;
  esac
done

REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pfnlab-fresh-XXXXXX")
# mktemp makes it 0700; some tests drop to `nobody` (setpriv) to check what an
# unprivileged user sees, and nobody must be able to read the clone, as in any
# world-readable checkout.
chmod 755 "$WORK"
LOG="$WORK/check.log"
echo "fresh-clone-check: $MODE check of $(git -C "$REPO" rev-parse --short HEAD) in $WORK (log: $LOG)"

# The part that runs inside the namespace (or as is, when not root).
inner() {
  set -euo pipefail
  local hide=$1
  if [ "$hide" = 1 ]; then
    for d in usr etc var; do
      mkdir -p "$WORK/overlay/$d-up" "$WORK/overlay/$d-work"
      mount -t overlay overlay -o "lowerdir=/$d,upperdir=$WORK/overlay/$d-up,workdir=$WORK/overlay/$d-work" "/$d"
    done
    echo "=== hiding Chromium: dpkg -r chromium chromium-common; apt-get clean (in the overlay only) ==="
    DEBIAN_FRONTEND=noninteractive dpkg -r chromium chromium-common > /dev/null
    apt-get clean
    if [ -e /usr/bin/chromium ]; then echo "could not hide /usr/bin/chromium" >&2; exit 1; fi
    echo "/usr/bin/chromium: missing (as on a fresh machine)"
  fi
  if [ "$FRESH_CACHE" = 1 ]; then export npm_config_cache="$WORK/npm-cache"; fi
  echo "=== git clone $REPO ==="
  git clone -q "file://$REPO" "$WORK/clone"
  cd "$WORK/clone"
  echo "=== node $(node --version), npm $(npm --version), commit $(git rev-parse --short HEAD) ==="
  local t0=$SECONDS
  echo "=== npm ci ==="
  nice -n 10 npm ci --no-audit --no-fund
  echo "npm ci: ok in $((SECONDS - t0)) s"
  t0=$SECONDS
  if [ "$MODE" = full ]; then
    echo "=== npm test ==="
    nice -n 10 npm test
  else
    echo "=== set-up tests: packed CLI, bin, ensure-chromium ==="
    nice -n 10 npx vitest run cli/packed.test.ts cli/bin.test.ts tests/unit/ensure-chromium.test.ts
    echo "=== node scripts/test.mjs --from 6 (browser build, Chromium install, e2e) ==="
    nice -n 10 node scripts/test.mjs --from 6
  fi
  echo "tests: ok in $((SECONDS - t0)) s"
  if [ -x /usr/bin/chromium ]; then
    echo "chromium after the run: $(/usr/bin/chromium --headless --no-sandbox --version 2>/dev/null || echo 'present, --version failed')"
  fi
}

HIDE=0
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null; then
  HIDE=1
else
  echo "note: not root (or no unshare): Chromium cannot be hidden; checking the machine as it is" | tee -a "$LOG"
fi

export WORK MODE FRESH_CACHE REPO
status=0
t_start=$SECONDS
if [ "$HIDE" = 1 ]; then
  unshare -m --propagation private bash -c "$(declare -f inner); inner 1" > >(tee -a "$LOG") 2>&1 || status=$?
else
  bash -c "$(declare -f inner); inner 0" > >(tee -a "$LOG") 2>&1 || status=$?
fi
wait

echo
echo "=== fresh-clone-check report ==="
echo "mode: $MODE; Chromium hidden: $([ "$HIDE" = 1 ] && echo yes || echo no); took $((SECONDS - t_start)) s"
if grep -q "is missing: installing Debian's chromium package" "$LOG"; then
  echo "npm test installed Chromium itself: yes"
else
  echo "npm test installed Chromium itself: no"
fi
grep -E "^(ok  |FAIL) |npm test: |npm ci: |tests: ok|chromium after" "$LOG" || true
echo "result: $([ "$status" = 0 ] && echo PASS || echo "FAIL (exit $status)")"
if [ "$KEEP" = 0 ]; then
  cp "$LOG" "${TMPDIR:-/tmp}/pfnlab-fresh-clone-check.log"
  rm -rf "$WORK"
  echo "log kept in ${TMPDIR:-/tmp}/pfnlab-fresh-clone-check.log"
fi
exit "$status"
