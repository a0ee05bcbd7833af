package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"rota/caldav"
	"rota/model"
	"rota/model/ics"
	"rota/store/sqlite"
)

// benchServer is a handler over a store holding n events spread over a
// year, a tenth of them weekly recurring, as the shared bench's workload
// roughly is. Run: go test -run XXX -bench . ./caldav/e2e/
func benchServer(b *testing.B, n int) (*httptest.Server, *sqlite.Store) {
	b.Helper()
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "rota.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ctx := context.Background()
	h, _ := bcrypt.GenerateFromPassword([]byte("bench"), bcrypt.MinCost)
	if err := st.PutUser(ctx, model.User{Name: "bench", PasswordHash: h}); err != nil {
		b.Fatal(err)
	}
	c := model.Calendar{Owner: "bench", Name: "cal", Kind: model.CalendarEvents}
	if err := st.CreateCalendar(ctx, &c); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	objs := make([]model.Object, 0, n)
	if dir := os.Getenv("ROTA_BENCH_DATA"); dir != "" {
		// The shared bench's generated events (bench/gen -out DIR).
		files, _ := filepath.Glob(filepath.Join(dir, "events", "*.ics"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			o, err := ics.DecodeObject(data)
			if err != nil {
				continue
			}
			o.Name = filepath.Base(f)
			objs = append(objs, o)
		}
		n = 0
	}
	for i := 0; i < n; i++ {
		t0 := start.Add(time.Duration(i%365)*24*time.Hour + time.Duration(i%9)*time.Hour)
		extra := []string{fmt.Sprintf("SUMMARY:Event %d with a longer title", i), "LOCATION:Room 4", "DESCRIPTION:Bring the notes\\, please."}
		if i%10 == 0 {
			extra = append(extra, "RRULE:FREQ=WEEKLY;COUNT=20")
		}
		body := event(fmt.Sprintf("ev-%06d", i), ":"+t0.Format("20060102T150405Z"), ":"+t0.Add(time.Hour).Format("20060102T150405Z"), extra...)
		o, err := ics.DecodeObject([]byte(body))
		if err != nil {
			b.Fatal(err)
		}
		o.Name = fmt.Sprintf("ev-%06d.ics", i)
		objs = append(objs, o)
	}
	if _, _, err := st.PutObjects(ctx, c.ID, objs); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(caldav.New(caldav.Config{Store: st}))
	b.Cleanup(srv.Close)
	return srv, st
}

func benchDo(b *testing.B, method, url, body string, hdr ...string) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.SetBasicAuth("bench", "bench")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 207 && res.StatusCode/100 != 2 {
		b.Fatalf("%s: %d", method, res.StatusCode)
	}
}

func BenchmarkCalDAV(b *testing.B) {
	for _, n := range []int{10000} {
		srv, _ := benchServer(b, n)
		url := srv.URL + "/dav/bench/calendars/cal/"
		b.Run(fmt.Sprintf("propfind-depth1/n=%d", n), func(b *testing.B) {
			body := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`
			for b.Loop() {
				benchDo(b, "PROPFIND", url, body, "Depth", "1")
			}
		})
		b.Run(fmt.Sprintf("query-week/n=%d", n), func(b *testing.B) {
			body := query(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20250601T120700Z" end="20250608T120700Z"/></C:comp-filter></C:comp-filter>`, "<D:getetag/><C:calendar-data/>")
			for b.Loop() {
				benchDo(b, "REPORT", url, body, "Depth", "1")
			}
		})
		b.Run(fmt.Sprintf("query-week-expand/n=%d", n), func(b *testing.B) {
			body := query(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20250601T120700Z" end="20250608T120700Z"/></C:comp-filter></C:comp-filter>`,
				`<D:getetag/><C:calendar-data><C:expand start="20250601T120700Z" end="20250608T120700Z"/></C:calendar-data>`)
			for b.Loop() {
				benchDo(b, "REPORT", url, body, "Depth", "1")
			}
		})
		b.Run(fmt.Sprintf("multiget-100/n=%d", n), func(b *testing.B) {
			var sb strings.Builder
			sb.WriteString(`<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>`)
			for i := 0; i < 100; i++ {
				fmt.Fprintf(&sb, "<D:href>/dav/bench/calendars/cal/ev-%06d.ics</D:href>", (i*97)%n)
			}
			sb.WriteString("</C:calendar-multiget>")
			body := sb.String()
			for b.Loop() {
				benchDo(b, "REPORT", url, body, "Depth", "1")
			}
		})
	}
}

// BenchmarkMemory reports the Go heap a server holds after a read workload
// (PROPFIND Depth 1, week queries across the year, multigets) over n
// objects, or over the shared bench's data in ROTA_BENCH_DATA:
//
//	go test -run XXX -bench Memory -benchtime 1x -memprofile mem.out ./caldav/e2e/
//
// heap-MB is the live heap after a GC; sys-MB what the runtime took from
// the OS. SQLite's page caches (modernc's allocator) are outside both.
func BenchmarkMemory(b *testing.B) {
	n := 20000
	srv, st := benchServer(b, n)
	ctx := context.Background()
	cals, err := st.Calendars(ctx, "bench")
	if err != nil || len(cals) != 1 {
		b.Fatal(cals, err)
	}
	objs, err := st.ListObjects(ctx, cals[0].ID, false)
	if err != nil {
		b.Fatal(err)
	}
	url := srv.URL + "/dav/bench/calendars/cal/"
	for b.Loop() {
		benchDo(b, "PROPFIND", url, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`, "Depth", "1")
		benchDo(b, "PROPFIND", url, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:getcontenttype/></D:prop></D:propfind>`, "Depth", "1")
		start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
		for w := 0; w < 52; w++ {
			s, e := start.AddDate(0, 0, 7*w), start.AddDate(0, 0, 7*w+7)
			benchDo(b, "REPORT", url, query(`<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="`+s.Format("20060102T150405Z")+`" end="`+e.Format("20060102T150405Z")+`"/></C:comp-filter></C:comp-filter>`, "<D:getetag/><C:calendar-data/>"), "Depth", "1")
		}
		for i := 0; i+100 <= len(objs) && i < 20000; i += 1000 {
			var sb strings.Builder
			sb.WriteString(`<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>`)
			for _, o := range objs[i : i+100] {
				fmt.Fprintf(&sb, "<D:href>/dav/bench/calendars/cal/%s</D:href>", o.Name)
			}
			sb.WriteString("</C:calendar-multiget>")
			benchDo(b, "REPORT", url, sb.String(), "Depth", "1")
		}
	}
	objs = nil
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MB")
}
