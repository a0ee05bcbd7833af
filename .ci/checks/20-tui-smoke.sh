#!/usr/bin/env bash
# TUI smoke test: build rota, fill a demo store, run the real binary in a
# tmux pane (with the CalDAV server in-process), type keys and check what
# the screen shows. A second process writes to the store and the open TUI
# must show it within 2 seconds without a key press.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v tmux >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tmux >/dev/null
fi

dir=$(mktemp -d)
sess="rota-smoke-$$"
tmuxc() { tmux -L "$sess" "$@"; }
cleanup() { tmuxc kill-server 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

go build -o "$dir/rota" ./cmd/rota
rota=("$dir/rota" --store "$dir/rota.db" --user smoke --tz Europe/Berlin)
"${rota[@]}" demo >/dev/null
port=$((20000 + RANDOM % 20000))

tmuxc new-session -d -s smoke -x 120 -y 40 \
	"TERM=xterm-256color ${rota[*]} tui --serve 127.0.0.1:$port --week-start monday 2>$dir/stderr; echo EXITED \$?; sleep 30"

screen() { tmuxc capture-pane -t smoke -p; }
fail() {
	echo "tui-smoke: FAIL: $*" >&2
	echo "---- screen ----" >&2
	screen >&2
	echo "---- stderr ----" >&2
	cat "$dir/stderr" >&2 || true
	exit 1
}
# wait_for TEXT [SECONDS]: the screen shows TEXT within SECONDS (default 3).
wait_for() {
	local deadline=$((SECONDS + ${2:-3}))
	until screen | grep -qF -- "$1"; do
		[ "$SECONDS" -le "$deadline" ] || fail "screen never showed '$1'"
		sleep 0.1
	done
}
keys() { tmuxc send-keys -t smoke "$@"; sleep 0.2; }

wait_for "1 Agenda"
wait_for "· today"
wait_for "? all keys"

# The CalDAV server runs in the same process.
if command -v curl >/dev/null; then
	code=$(curl -s -o /dev/null -w '%{http_code}' -X PROPFIND "http://127.0.0.1:$port/.well-known/caldav" || true)
	case "$code" in 2*|3*|401) ;; *) fail "--serve: PROPFIND /.well-known/caldav answered '$code'" ;; esac
fi

keys 3
wait_for "week "
keys 4
wait_for "$(date +%B)"
keys 2
wait_for "$(date +%A)"
keys '?'
wait_for "15 min later"
keys Escape
keys c
wait_for "Calendars"
wait_for "[x]"
keys Escape

# Create an event.
keys 1 n
wait_for "New event"
keys -l "Smoke test meeting"
keys Enter
wait_for 'created "Smoke test meeting"'
wait_for "Smoke test meeting"

# Search finds it, enter jumps to it.
keys / && keys -l "smoke test" && keys Enter
wait_for "Search: smoke test"
keys Enter
wait_for "▸"

# Another process writes to the store: the open TUI shows it within 2 s.
today=$(TZ=Europe/Berlin date +%Y%m%d)
cat >"$dir/external.ics" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//rota//smoke//EN
BEGIN:VEVENT
UID:smoke-external@rota
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Berlin:${today}T235000
DTEND;TZID=Europe/Berlin:${today}T235500
SUMMARY:Written by another process
END:VEVENT
END:VCALENDAR
ICS
keys 1 t
"${rota[@]}" import "$dir/external.ics" --calendar work >/dev/null
wait_for "Written by another process" 2

# Delete it again from the TUI, with confirmation.
for _ in $(seq 60); do
	screen | grep -F "▸" | grep -qF "Written by another process" && break
	keys j
done
screen | grep -F "▸" | grep -qF "Written by another process" || fail "could not select the external event"
keys d
wait_for "? y/n"
keys y
wait_for 'deleted "Written by another process"'

keys q
wait_for "EXITED 0"
echo "tui-smoke: ok"
