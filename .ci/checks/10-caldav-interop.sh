#!/usr/bin/env bash
# CalDAV interop: real Debian clients against `rota serve`.
#   - a python3-caldav session (discover, create a calendar, save events,
#     search with expand, modify, delete, sync tokens);
#   - vdirsyncer two-way sync with an edit on each side, then `khal list`
#     showing both edits;
#   - cadaver listing the tree.
# Installs its Debian packages itself, runs from the module root, kills the
# server at the end, exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
export PATH="$PATH:/usr/local/go/bin"

PKGS=(python3-caldav vdirsyncer khal cadaver)
if ! dpkg -s "${PKGS[@]}" >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null
	else
		echo "interop: needs ${PKGS[*]} (run as root to install)" >&2
		exit 1
	fi
fi
PY=/usr/bin/python3 # Debian's, where python3-caldav lives

WORK=$(mktemp -d /tmp/rota-interop.XXXXXX)
SERVER_PID=""
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
	echo "interop: FAIL: $*" >&2
	echo "--- server log" >&2
	tail -n 40 "$WORK/server.log" >&2 || true
	exit 1
}

go build -o "$WORK/rota" ./cmd/rota
export ROTA_STORE="$WORK/rota.db" ROTA_USER=alice
echo secret | "$WORK/rota" user add alice >/dev/null
PORT=$((20000 + RANDOM % 20000))
"$WORK/rota" serve --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
	sleep 0.1
done
BASE="http://127.0.0.1:$PORT"
code=$(curl -s -o /dev/null -w '%{http_code}' -u alice:secret -X PROPFIND -H 'Depth: 0' "$BASE/dav/alice/")
[ "$code" = 207 ] || fail "server not answering (PROPFIND principal: $code)"

echo "== python3-caldav"
(cd "$WORK" && $PY "$ROOT/scripts/interop/pycaldav_session.py" "$BASE/" alice secret) || fail "python-caldav session"

echo "== vdirsyncer + khal"
curl -s -o /dev/null -w '' -u alice:secret -X MKCALENDAR "$BASE/dav/alice/calendars/sync/" || true
mkdir -p "$WORK/vdir" "$WORK/vstatus" "$WORK/xdg"
cat >"$WORK/vdirsyncer.conf" <<CONF
[general]
status_path = "$WORK/vstatus"

[pair cal]
a = "local"
b = "remote"
collections = null
conflict_resolution = "b wins"

[storage local]
type = "filesystem"
path = "$WORK/vdir/sync"
fileext = ".ics"

[storage remote]
type = "caldav"
url = "$BASE/dav/alice/calendars/sync/"
username = "alice"
password = "secret"
CONF
mkdir -p "$WORK/vdir/sync"
VS=(vdirsyncer -c "$WORK/vdirsyncer.conf")
put() { # name body
	printf '%s' "$2" | curl -s -f -o /dev/null -u alice:secret -X PUT -H 'Content-Type: text/calendar' --data-binary @- "$BASE/dav/alice/calendars/sync/$1"
}
ev() { # uid summary day
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//interop//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:202603%02dT100000Z\r\nDTEND:202603%02dT110000Z\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' "$1" "$3" "$3" "$2"
}
put server-1.ics "$(ev server-1 'Server original' 3)" || fail "seed PUT"
put server-2.ics "$(ev server-2 'Second event' 4)" || fail "seed PUT 2"
"${VS[@]}" discover cal >/dev/null 2>&1 <<<"y" || true
"${VS[@]}" sync >"$WORK/vs1.log" 2>&1 || { cat "$WORK/vs1.log" >&2; fail "first vdirsyncer sync"; }
n=$(ls "$WORK/vdir/sync" | wc -l)
[ "$n" = 2 ] || fail "vdirsyncer pulled $n items, want 2"
# Edit on the server side...
put server-1.ics "$(ev server-1 'Edited on server' 3)" || fail "server edit"
# ...and on the local side: change the other item and add a new one.
f=$(grep -l 'UID:server-2' "$WORK/vdir/sync"/*.ics)
sed -i 's/SUMMARY:Second event/SUMMARY:Edited locally/' "$f"
ev local-1 'Created locally' 5 >"$WORK/vdir/sync/local-1.ics"
"${VS[@]}" sync >"$WORK/vs2.log" 2>&1 || { cat "$WORK/vs2.log" >&2; fail "second vdirsyncer sync"; }
curl -s -u alice:secret "$BASE/dav/alice/calendars/sync/" >"$WORK/server.ics"
grep -q 'SUMMARY:Edited locally' "$WORK/server.ics" || fail "local edit did not reach the server"
grep -q 'SUMMARY:Created locally' "$WORK/server.ics" || fail "local creation did not reach the server"
grep -rq 'SUMMARY:Edited on server' "$WORK/vdir/sync" || fail "server edit did not reach the local dir"
cat >"$WORK/khal.conf" <<CONF
[calendars]
[[sync]]
path = $WORK/vdir/sync
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = UTC
default_timezone = UTC
[default]
default_calendar = sync
CONF
XDG_DATA_HOME="$WORK/xdg" khal -c "$WORK/khal.conf" list 2026-03-01 2026-03-08 >"$WORK/khal.out" 2>&1 || { cat "$WORK/khal.out" >&2; fail "khal list"; }
grep -q 'Edited on server' "$WORK/khal.out" || { cat "$WORK/khal.out" >&2; fail "khal does not show the server edit"; }
grep -q 'Edited locally' "$WORK/khal.out" || { cat "$WORK/khal.out" >&2; fail "khal does not show the local edit"; }
echo "ok: vdirsyncer two-way sync; khal list shows both edits"

echo "== cadaver"
cat >"$WORK/netrc" <<CONF
machine 127.0.0.1
login alice
password secret
CONF
chmod 600 "$WORK/netrc"
printf 'ls /dav/alice/calendars/\nls /dav/alice/calendars/sync/\nquit\n' >"$WORK/cadaver.cmds"
HOME="$WORK" cp "$WORK/netrc" "$WORK/.netrc"
HOME="$WORK" timeout 30 cadaver "$BASE/dav/alice/" <"$WORK/cadaver.cmds" >"$WORK/cadaver.out" 2>&1 || true
grep -q 'sync' "$WORK/cadaver.out" || { cat "$WORK/cadaver.out" >&2; fail "cadaver does not list the calendars"; }
grep -q 'server-1.ics' "$WORK/cadaver.out" || { cat "$WORK/cadaver.out" >&2; fail "cadaver does not list the objects"; }
echo "ok: cadaver lists the tree"

grep -q 'level=ERROR' "$WORK/server.log" && fail "server logged errors"
echo "interop: all clients passed"
