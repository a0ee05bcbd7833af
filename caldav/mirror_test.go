package caldav

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"rota/model"
	"rota/model/ics"
	"rota/store/sqlite"
)

// The mirror's byte count covers what it caches (escaped data, timings,
// Depth 1 renderings), stays near its budget, and returns to zero when
// the cached members go.
func TestMirrorAccounting(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "rota.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hash, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err := st.PutUser(ctx, model.User{Name: "u", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	cal := model.Calendar{Owner: "u", Name: "c", Kind: model.CalendarEvents}
	if err := st.CreateCalendar(ctx, &cal); err != nil {
		t.Fatal(err)
	}
	const n = 200
	var objs []model.Object
	for i := 0; i < n; i++ {
		body := fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:ev-%d\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:202506%02dT100000Z\r\nDURATION:PT1H\r\nSUMMARY:Event %d <&> %s\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:202506%02dT100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			i, i%28+1, i, strings.Repeat("x", 400), i%28+2)
		o, err := ics.DecodeObject([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		o.Name = fmt.Sprintf("ev-%d.ics", i)
		objs = append(objs, o)
	}
	if _, _, err := st.PutObjects(ctx, cal.ID, objs); err != nil {
		t.Fatal(err)
	}
	const limit = 100 << 10
	h := New(Config{Store: st, CacheBytes: limit})
	srv := httptest.NewServer(h)
	defer srv.Close()
	do := func(method, body string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+"/dav/u/calendars/c/", strings.NewReader(body))
		req.SetBasicAuth("u", "pw")
		req.Header.Set("Depth", "1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 207 {
			t.Fatalf("%s: %d", method, res.StatusCode)
		}
	}
	do("PROPFIND", `<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`)
	col := h.mirror.collection(cal.ID)
	col.mu.RLock()
	rendered := col.renderedCost
	col.mu.RUnlock()
	if rendered == 0 || h.mirror.bytes.Load() != rendered {
		t.Fatalf("after PROPFIND: rendered %d, mirror bytes %d", rendered, h.mirror.bytes.Load())
	}
	do("REPORT", `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20250601T000000Z" end="20250701T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`)
	// Cached members cost what they hold; the count matches them.
	var sum int64
	cached := 0
	col.mu.RLock()
	for _, mb := range col.byName {
		if mb.escaped != nil {
			cached++
			if mb.cost < int64(len(mb.escaped)) || mb.timing == nil || len(mb.timing.ExDates) != 1 {
				t.Errorf("%s: cost %d for %d escaped bytes, timing %+v", mb.name, mb.cost, len(mb.escaped), mb.timing)
			}
		}
		sum += mb.cost
	}
	sum += col.renderedCost
	col.mu.RUnlock()
	if got := h.mirror.bytes.Load(); got != sum {
		t.Errorf("mirror bytes %d, members and renderings hold %d", got, sum)
	}
	if cached == 0 || cached == n {
		t.Errorf("%d of %d members cached under a %d byte budget", cached, n, limit)
	}
	// The budget is checked per object: at most one goes past it.
	if got := h.mirror.bytes.Load(); got > limit+2<<10 {
		t.Errorf("mirror bytes %d, budget %d", got, limit)
	}
	// A write moves the sync token: renderings go, changed members too.
	if err := st.DeleteObject(ctx, cal.ID, "ev-0.ics", model.Condition{}); err != nil {
		t.Fatal(err)
	}
	do("PROPFIND", `<D:propfind xmlns:D="DAV:"><D:prop><D:getcontenttype/></D:prop></D:propfind>`)
	h.mirror.forget(cal.ID)
	if got := h.mirror.bytes.Load(); got != 0 {
		t.Errorf("after forget: mirror bytes %d", got)
	}
}
