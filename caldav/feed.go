package caldav

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"rota/model"
	"rota/model/ics"
)

// feedEntry caches a built feed until its calendar changes.
type feedEntry struct {
	calID     int64
	syncToken int64
	body      []byte
	etag      string
	modified  time.Time
}

// serveFeed answers GET/HEAD /feeds/<token>.ics: the whole calendar as one
// VCALENDAR, without a login (the token is the credential), with ETag,
// Last-Modified and 304s. Private and confidential events appear as
// "Busy" blocks without details.
func (h *Handler) serveFeed(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "feeds are read-only", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/feeds/")
	token, ok := strings.CutSuffix(name, ".ics")
	if !ok || token == "" || strings.ContainsAny(token, "/\\.") {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	f, err := h.store.FeedByToken(ctx, token)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			http.NotFound(w, r)
			return
		}
		h.fail(w, r, err)
		return
	}
	c, err := h.store.CalendarByID(ctx, f.CalendarID)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			http.NotFound(w, r)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.feedMu.Lock()
	e, hit := h.feedCache[token]
	h.feedMu.Unlock()
	if !hit || e.calID != c.ID || e.syncToken != c.SyncToken {
		objs, err := h.store.ListObjects(ctx, c.ID, true)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		body := buildCalendar(&c, objs, true)
		sum := sha256.Sum256(body)
		e = feedEntry{calID: c.ID, syncToken: c.SyncToken, body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, modified: c.Modified}
		if e.modified.IsZero() {
			e.modified = c.Created
		}
		h.feedMu.Lock()
		if len(h.feedCache) > 256 {
			clear(h.feedCache)
		}
		h.feedCache[token] = e
		h.feedMu.Unlock()
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("ETag", e.etag)
	hd.Set("Cache-Control", "private, max-age=300")
	http.ServeContent(w, r, "", e.modified, bytes.NewReader(e.body))
}

// buildCalendar joins the objects of a calendar into one VCALENDAR with
// every VTIMEZONE used once. Stored objects are complete, folded
// VCALENDARs, so this works on their lines without re-encoding them. For
// feeds, private and confidential components are reduced to busy blocks.
func buildCalendar(c *model.Calendar, objs []model.Object, feed bool) []byte {
	var b bytes.Buffer
	b.Grow(len(objs) * 700)
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//caldav//EN\r\nCALSCALE:GREGORIAN\r\n")
	name := c.DisplayName
	if name == "" {
		name = c.Name
	}
	writeFolded(&b, "X-WR-CALNAME:"+icsText(name))
	writeFolded(&b, "NAME:"+icsText(name))
	if c.TimeZone != "" {
		writeFolded(&b, "X-WR-TIMEZONE:"+c.TimeZone)
	}
	if c.Color != "" && feed {
		writeFolded(&b, "X-APPLE-CALENDAR-COLOR:"+c.Color)
	}
	if feed {
		b.WriteString("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n")
	}
	var zones, comps bytes.Buffer
	seenTZ := map[string]bool{}
	usedSet := map[string]bool{}
	var used []string
	for i := range objs {
		splitObject(objs[i].Data, func(kind, tzid string, lines [][]byte) {
			switch kind {
			case "VTIMEZONE":
				if seenTZ[tzid] {
					return
				}
				seenTZ[tzid] = true
				for _, l := range lines {
					zones.Write(l)
				}
			default:
				for _, l := range lines {
					if id := tzidParam(l); id != "" && !usedSet[id] {
						usedSet[id] = true
						used = append(used, id)
					}
				}
				if feed && isPrivate(lines) {
					writeBusy(&comps, lines)
					return
				}
				for _, l := range lines {
					comps.Write(l)
				}
			}
		})
	}
	for _, id := range used {
		if !seenTZ[id] {
			seenTZ[id] = true
			zones.Write(generatedZone(id))
		}
	}
	b.Write(zones.Bytes())
	b.Write(comps.Bytes())
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", "").Replace(s)
}

// splitObject walks a stored VCALENDAR and calls fn for each top-level
// component with its physical lines (each ending in CRLF, continuation
// lines kept with their logical line).
func splitObject(data []byte, fn func(kind, tzid string, lines [][]byte)) {
	var (
		depth int
		kind  string
		tzid  string
		lines [][]byte
	)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var line []byte
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i+1], data[i+1:]
		}
		content := bytes.TrimRight(line, "\r\n")
		if !bytes.HasSuffix(line, []byte("\r\n")) {
			line = append(append([]byte(nil), content...), '\r', '\n')
		}
		upper := bytes.ToUpper(content)
		switch {
		case bytes.HasPrefix(upper, []byte("BEGIN:")):
			depth++
			if depth == 2 {
				kind = string(upper[6:])
				tzid = ""
				lines = lines[:0]
			}
		case bytes.HasPrefix(upper, []byte("END:")):
			if depth == 2 {
				lines = append(lines, line)
				fn(kind, tzid, lines)
				lines = nil
				depth--
				continue
			}
			depth--
		}
		if depth >= 2 {
			if depth == 2 && kind == "VTIMEZONE" && bytes.HasPrefix(upper, []byte("TZID")) {
				if j := bytes.IndexByte(content, ':'); j >= 0 {
					tzid = string(content[j+1:])
				}
			}
			lines = append(lines, line)
		}
	}
}

// propName returns the upper-cased name of a content line, "" for a
// continuation line.
func propName(line []byte) string {
	if len(line) == 0 || line[0] == ' ' || line[0] == '\t' {
		return ""
	}
	end := bytes.IndexAny(line, ";:")
	if end < 0 {
		end = len(line)
	}
	return strings.ToUpper(string(line[:end]))
}

// isPrivate reports CLASS:PRIVATE or CLASS:CONFIDENTIAL at the component's
// own level.
func isPrivate(lines [][]byte) bool {
	depth := 0
	for _, l := range lines {
		n := propName(l)
		switch n {
		case "BEGIN":
			depth++
		case "END":
			depth--
		case "CLASS":
			if depth == 1 {
				v := strings.ToUpper(strings.TrimSpace(string(l[bytes.IndexByte(l, ':')+1:])))
				return v == "PRIVATE" || v == "CONFIDENTIAL"
			}
		}
	}
	return false
}

// busyKeep are the properties a busy block keeps: when, how it repeats,
// whether it blocks time.
var busyKeep = map[string]bool{
	"UID": true, "DTSTAMP": true, "DTSTART": true, "DTEND": true, "DURATION": true, "DUE": true,
	"RRULE": true, "RDATE": true, "EXDATE": true, "RECURRENCE-ID": true, "TRANSP": true,
	"STATUS": true, "SEQUENCE": true, "CLASS": true,
}

// writeBusy writes a component reduced to a "Busy" block: times and
// recurrence kept, every detail (title, place, people, notes, alarms) gone.
func writeBusy(b *bytes.Buffer, lines [][]byte) {
	depth := 0
	keep := false
	for _, l := range lines {
		n := propName(l)
		switch {
		case n == "":
			if keep && depth == 1 {
				b.Write(l)
			}
			continue
		case n == "BEGIN":
			depth++
			keep = false
			if depth == 1 {
				b.Write(l)
			}
			continue
		case n == "END":
			if depth == 1 {
				b.WriteString("SUMMARY:Busy\r\n")
				b.Write(l)
			}
			depth--
			keep = false
			continue
		}
		keep = depth == 1 && busyKeep[n]
		if keep {
			b.Write(l)
		}
	}
}

// tzidParam returns the TZID parameter of a content line, "" if none.
func tzidParam(line []byte) string {
	colon := bytes.IndexByte(line, ':')
	if colon < 0 || line[0] == ' ' || line[0] == '\t' {
		return ""
	}
	head := line[:colon]
	i := bytes.Index(bytes.ToUpper(head), []byte(";TZID="))
	if i < 0 {
		return ""
	}
	v := head[i+6:]
	if j := bytes.IndexByte(v, ';'); j >= 0 {
		v = v[:j]
	}
	return string(bytes.Trim(v, `"`))
}

// zoneCache holds generated VTIMEZONE blocks by TZID.
var zoneCache sync.Map

// generatedZone returns a VTIMEZONE for a TZID that no object defines,
// made by the codec (which generates one for IANA names); nil when the
// codec cannot.
func generatedZone(tzid string) []byte {
	if v, ok := zoneCache.Load(tzid); ok {
		return v.([]byte)
	}
	probe := model.Object{Name: "probe.ics", Data: []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//probe//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:probe\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=" + tzid + ":20260101T000000\r\n" +
		"END:VEVENT\r\nEND:VCALENDAR\r\n")}
	var out bytes.Buffer
	var zone []byte
	if err := ics.Encode(&out, []model.Object{probe}, ""); err == nil {
		splitObject(out.Bytes(), func(kind, id string, lines [][]byte) {
			if kind == "VTIMEZONE" && zone == nil {
				zone = bytes.Join(lines, nil)
			}
		})
	}
	zoneCache.Store(tzid, zone)
	return zone
}
