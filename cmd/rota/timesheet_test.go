package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rota/caldav"
	"rota/model"
	"rota/model/ics"
	"rota/store/sqlite"
)

// tsRun runs `rota --user ann --tz Europe/Berlin timesheet ARGS` against
// store at the clock now. Every call opens the store anew, as separate runs
// of the program do.
func tsRun(t *testing.T, store string, now time.Time, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	global := []string{"--store", store, "--user", "ann", "--tz", "Europe/Berlin", "timesheet"}
	err := runAt(context.Background(), func() time.Time { return now }, append(global, args...), strings.NewReader(""), &out, &errOut)
	return out.String(), err
}

func tsMust(t *testing.T, store string, now time.Time, args ...string) string {
	t.Helper()
	out, err := tsRun(t, store, now, args...)
	if err != nil {
		t.Fatalf("rota timesheet %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

var berlin = func() *time.Location {
	loc, err := model.LoadZone("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

// TestTimesheetEndToEnd logs time from the CLI (also with the timer across
// runs), adds an entry over CalDAV as a phone would, reads the week's
// report, approves the week and sees CalDAV and CLI changes refused.
func TestTimesheetEndToEnd(t *testing.T) {
	store := newStore(t)
	fri := time.Date(2026, 11, 20, 18, 0, 0, 0, berlin) // Friday

	tsMust(t, store, fri, "log", "--date", "2026-11-16", "--from", "09:00", "--to", "12:30", "--activity", "support", "--client", "acme", "--billable")
	tsMust(t, store, fri, "log", "--date", "2026-11-16", "--from", "12:30", "--to", "13:00", "--break")
	tsMust(t, store, fri, "log", "--date", "2026-11-16", "--from", "13:00", "--to", "17:30", "--activity", "dev", "--client", "globex", "--label", "project-x")
	// Thursday night past midnight: 1h on Thursday, 1h30 on Friday.
	tsMust(t, store, fri, "log", "--date", "2026-11-19", "--from", "23:00", "--to", "01:30", "--activity", "on call")
	// Overlaps the support block: flagged, counted once.
	tsMust(t, store, fri, "log", "--date", "2026-11-16", "--from", "11:00", "--to", "12:00", "--activity", "meeting")

	// The timer survives across runs of the program.
	tsMust(t, store, time.Date(2026, 11, 20, 9, 0, 0, 0, berlin), "start", "--activity", "support", "--client", "acme", "--billable")
	if _, err := tsRun(t, store, time.Date(2026, 11, 20, 9, 5, 0, 0, berlin), "start"); !errors.Is(err, model.ErrConflict) || !strings.Contains(err.Error(), "running since") {
		t.Fatalf("second start: %v", err)
	}
	out := tsMust(t, store, time.Date(2026, 11, 20, 11, 15, 0, 0, berlin), "stop")
	if !strings.Contains(out, "2:15") {
		t.Errorf("stop: %q", out)
	}

	// A phone adds an event to the timesheet calendar over CalDAV.
	st, err := sqlite.Open(store, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hash, err := caldav.HashPassword("secret")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutUser(context.Background(), model.User{Name: "ann", PasswordHash: hash, Person: "ann"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(caldav.New(caldav.Config{Store: st}))
	defer srv.Close()
	objURL := srv.URL + "/dav/ann/calendars/" + sqlite.TimesheetCalendarName("ann") + "/phone-1.ics"
	phone := func(start, end string) string {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//iPhone OS 18//EN\r\n" +
			"BEGIN:VEVENT\r\nUID:phone-1\r\nDTSTAMP:20261118T120000Z\r\n" +
			"DTSTART;TZID=Europe/Berlin:" + start + "\r\nDTEND;TZID=Europe/Berlin:" + end + "\r\n" +
			"SUMMARY:Call with Acme\r\nX-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	put := func(body, ifMatch string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPut, objURL, strings.NewReader(body))
		req.SetBasicAuth("ann", "secret")
		req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := put(phone("20261118T140000", "20261118T153000"), ""); resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PUT from the phone: %s", resp.Status)
	}

	// The week's report sees all of it.
	var rep reportJSON
	if err := json.Unmarshal([]byte(tsMust(t, store, fri, "report", "--period", "week", "--from", "2026-11-16", "--format", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	day := func(d string) dayJSON {
		for _, x := range rep.Days {
			if x.Date == d {
				return x
			}
		}
		t.Fatalf("no day %s in %+v", d, rep.Days)
		return dayJSON{}
	}
	mon, wed, thu, fr := day("2026-11-16"), day("2026-11-18"), day("2026-11-19"), day("2026-11-20")
	if mon.Worked != 8*60 || mon.Breaks != 30 || mon.Billable != 3*60+30 || mon.Overlaps != 1 || mon.ByClient["globex"] != 4*60+30 {
		t.Errorf("Monday: %+v", mon.totalsJSON)
	}
	if wed.Worked != 90 || len(wed.Entries) != 1 || wed.Entries[0].Activity != "Call with Acme" {
		t.Errorf("Wednesday (the phone's entry): %+v", wed)
	}
	if thu.Worked != 60 || fr.Worked != 90+135 || fr.Billable != 135 {
		t.Errorf("Thursday %d, Friday %d (billable %d) minutes", thu.Worked, fr.Worked, fr.Billable)
	}
	if rep.Total.Worked != 8*60+90+60+90+135 || rep.Total.Target != 40*60 || rep.Total.Balance != rep.Total.Worked-40*60 {
		t.Errorf("week total: %+v", rep.Total)
	}
	table := tsMust(t, store, fri, "report", "--from", "2026-11-16")
	for _, want := range []string{"2026-11-16", "8:00", "1 overlaps", "acme", "project-x", "total"} {
		if !strings.Contains(table, want) {
			t.Errorf("table report lacks %q:\n%s", want, table)
		}
	}
	csvOut := tsMust(t, store, fri, "report", "--from", "2026-11-16", "--format", "csv")
	if !strings.Contains(csvOut, "ann,2026-11-16,8.00,0.50,3.50,8.00,0.00,open,1,") {
		t.Errorf("csv:\n%s", csvOut)
	}

	// Reject needs a reason; approve needs a submission first.
	if _, err := tsRun(t, store, fri, "reject", "2026-11-16", "--period", "week"); err == nil {
		t.Error("reject without a reason passed")
	}
	if _, err := tsRun(t, store, fri, "approve", "2026-11-16", "--period", "week"); !errors.Is(err, model.ErrConflict) {
		t.Errorf("approve before submit: %v", err)
	}
	tsMust(t, store, fri, "submit", "2026-11-16", "--period", "week")
	tsMust(t, store, fri, "approve", "2026-11-16", "--period", "week")

	// Approved: the phone may not move its event, nor delete it, nor add one.
	if resp := put(phone("20261118T150000", "20261118T163000"), ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("PUT moving an entry on an approved day: %s, want 403", resp.Status)
	}
	req, _ := http.NewRequest(http.MethodDelete, objURL, nil)
	req.SetBasicAuth("ann", "secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("DELETE on an approved day: %s, want 403", resp.Status)
	}
	// Nor the CLI.
	if _, err := tsRun(t, store, fri, "log", "--date", "2026-11-17", "--from", "09:00", "--to", "10:00"); !errors.Is(err, model.ErrReadOnly) {
		t.Errorf("log on an approved day: %v", err)
	}
	if _, err := tsRun(t, store, fri, "delete", "phone-1"); !errors.Is(err, model.ErrReadOnly) {
		t.Errorf("delete on an approved day: %v", err)
	}
	// The next week is open.
	tsMust(t, store, fri, "log", "--date", "2026-11-23", "--from", "09:00", "--to", "10:00")
	// Reopened, the phone's change goes through.
	tsMust(t, store, fri, "reopen", "2026-11-18")
	if resp := put(phone("20261118T150000", "20261118T163000"), ""); resp.StatusCode >= 300 {
		t.Errorf("PUT after reopen: %s", resp.Status)
	}
	show := tsMust(t, store, fri, "show", "2026-11-18")
	if !strings.Contains(show, "15:00-16:30") || !strings.Contains(show, "open") {
		t.Errorf("show after the phone's move:\n%s", show)
	}

	// A webcal feed of the timesheet works like any other feed.
	cal, err := st.TimesheetCalendar(context.Background(), "ann", "ann", "")
	if err != nil {
		t.Fatal(err)
	}
	feed := model.Feed{Token: "timesheet-ann-feed-0123", Owner: "ann", CalendarID: cal.ID}
	if err := st.CreateFeed(context.Background(), &feed); err != nil {
		t.Fatal(err)
	}
	fresp, err := http.Get(srv.URL + "/feeds/" + feed.Token + ".ics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(fresp.Body)
	fresp.Body.Close()
	if fresp.StatusCode != http.StatusOK || !strings.Contains(string(body), "SUMMARY:support (acme)") ||
		!strings.Contains(string(body), "X-ROTA-KIND:time_entry") || !strings.Contains(string(body), "SUMMARY:Call with Acme") {
		t.Errorf("feed: %s\n%s", fresp.Status, body)
	}
}

// TestTimesheetEditDelete changes and removes entries from the CLI and
// keeps a client's unknown properties.
func TestTimesheetEditDelete(t *testing.T) {
	store := newStore(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, berlin)
	out := tsMust(t, store, now, "log", "--from", "09:00", "--to", "10:00", "--activity", "support")
	uid := strings.Fields(out)[len(strings.Fields(out))-1]
	tsMust(t, store, now, "edit", uid, "--from", "10:00", "--client", "acme", "--billable")
	show := tsMust(t, store, now, "show")
	if !strings.Contains(show, "10:00-11:00") || !strings.Contains(show, "support (acme)") || !strings.Contains(show, "billable") {
		t.Errorf("after edit:\n%s", show)
	}
	tsMust(t, store, now, "edit", uid, "--to", "12:30", "--billable=false")
	show = tsMust(t, store, now, "show")
	if !strings.Contains(show, "10:00-12:30") || strings.Contains(show, "billable") {
		t.Errorf("after second edit:\n%s", show)
	}
	tsMust(t, store, now, "delete", uid)
	if show := tsMust(t, store, now, "show"); strings.Contains(show, uid) {
		t.Errorf("after delete:\n%s", show)
	}
	if _, err := tsRun(t, store, now, "delete", uid); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

// TestTimesheetTargets sets a workday rule and days off and sees them in
// the report.
func TestTimesheetTargets(t *testing.T) {
	store := newStore(t)
	now := time.Date(2026, 12, 21, 9, 0, 0, 0, berlin)
	tsMust(t, store, now, "workday", "--fri", "4h", "--sat", "0")
	tsMust(t, store, now, "off", "2026-12-25", "--all", "--reason", "Christmas")
	tsMust(t, store, now, "off", "2026-12-24", "--leave", "--approved")
	tsMust(t, store, now, "off", "2026-12-23", "--leave") // asked, not approved
	var rep reportJSON
	if err := json.Unmarshal([]byte(tsMust(t, store, now, "report", "--format", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	// Mon 21..Wed 23: 8h each, Thu 24 leave, Fri 25 Christmas.
	if rep.Total.Target != 3*8*60 || rep.Days[4].DayOff != "Christmas" || rep.Days[3].Target != 0 || rep.Days[2].Target != 8*60 {
		t.Errorf("targets: total %d, days %+v", rep.Total.Target, rep.Days)
	}
}

// BenchmarkTimesheetMonthReport reads one month's report for each of ten
// people from a store holding a year of their entries (three a working
// day, about 7,800 objects): the range query, decoding the month's
// entries and the arithmetic, as `rota timesheet report --period month`
// does for each.
func BenchmarkTimesheetMonthReport(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "rota.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	e := &env{ctx: ctx, store: st, stdout: io.Discard, stderr: io.Discard, now: time.Now, user: "boss", loc: berlin}
	var cmds []*tsCmd
	for p := 0; p < 10; p++ {
		c := &tsCmd{env: e, person: fmt.Sprintf("person%d", p)}
		if err := c.open(); err != nil {
			b.Fatal(err)
		}
		var objs []model.Object
		for d := (model.LocalDate{Year: 2026, Month: 1, Day: 1}); d.Year == 2026; d = d.AddDays(1) {
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				continue
			}
			at := func(h, m int) time.Time { return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, berlin) }
			for _, en := range []model.TimeEntry{
				{Person: c.person, Start: at(8, 30), End: at(12, 0), Activity: "support", Client: "acme", Billable: true},
				{Person: c.person, Start: at(12, 0), End: at(12, 30), Break: true},
				{Person: c.person, Start: at(12, 30), End: at(17, 0), Activity: "dev", Client: "globex"},
			} {
				o, err := ics.New(en.Event())
				if err != nil {
					b.Fatal(err)
				}
				objs = append(objs, o)
			}
		}
		if _, _, err := st.PutObjects(ctx, c.cal.ID, objs); err != nil {
			b.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	first, last, _ := model.PeriodDays(model.PeriodMonth, model.LocalDate{Year: 2026, Month: 10, Day: 1})
	b.ResetTimer()
	for b.Loop() {
		for _, c := range cmds {
			sheets, err := c.sheets(first, last)
			if err != nil {
				b.Fatal(err)
			}
			if r := model.NewReport(sheets); r.Total.Worked != 22*8*time.Hour {
				b.Fatalf("%s worked %v in October", c.person, r.Total.Worked)
			}
		}
	}
}

// TestTimesheetOtherPerson: a manager logs and approves for someone else;
// the timesheet belongs to that person's login.
func TestTimesheetOtherPerson(t *testing.T) {
	store := newStore(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, berlin)
	tsMust(t, store, now, "log", "--person", "bob", "--from", "09:00", "--to", "11:00", "--activity", "install")
	if out := tsMust(t, store, now, "show", "--person", "bob"); !strings.Contains(out, "install") {
		t.Errorf("bob's day:\n%s", out)
	}
	if out := tsMust(t, store, now, "show"); strings.Contains(out, "install") {
		t.Errorf("ann's day shows bob's entry:\n%s", out)
	}
	tsMust(t, store, now, "submit", "--person", "bob")
	tsMust(t, store, now, "approve", "--person", "bob")
	if _, err := tsRun(t, store, now, "log", "--person", "bob", "--from", "12:00", "--to", "13:00"); !errors.Is(err, model.ErrReadOnly) {
		t.Errorf("log on bob's approved day: %v", err)
	}
	tsMust(t, store, now, "log", "--from", "12:00", "--to", "13:00") // ann's day is open
	st, err := sqlite.Open(store, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cals, err := st.Calendars(context.Background(), "bob")
	if err != nil || len(cals) != 1 || cals[0].Kind != model.CalendarTimesheet || cals[0].Person != "bob" || cals[0].TimeZone != "Europe/Berlin" {
		t.Errorf("bob's calendars: %+v %v", cals, err)
	}
}

// TestTimesheetStopTwice: two doors stopping the same timer store one
// entry (the entry's UID is fixed by the timer).
func TestTimesheetStopTwice(t *testing.T) {
	store := newStore(t)
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, berlin)
	tsMust(t, store, start, "start", "--activity", "support")
	st, err := sqlite.Open(store, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	running, err := st.Timer(context.Background(), "ann")
	if err != nil {
		t.Fatal(err)
	}
	tsMust(t, store, start.Add(time.Hour), "stop")
	// The other door read the timer before the first stop cleared it.
	if err := st.StartTimer(context.Background(), running); err != nil {
		t.Fatal(err)
	}
	tsMust(t, store, start.Add(2*time.Hour), "stop")
	out := tsMust(t, store, start, "show")
	if n := strings.Count(out, "support"); n != 1 || !strings.Contains(out, "09:00-10:00") {
		t.Errorf("%d entries after two stops:\n%s", n, out)
	}
	if _, err := st.Timer(context.Background(), "ann"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("timer after the second stop: %v", err)
	}
}

// FuzzTimesheetTime: the TIME parser never panics, and what it reads
// writes back as "2006-01-02 15:04" and reads again to the same minute.
func FuzzTimesheetTime(f *testing.F) {
	for _, s := range []string{"09:00", "23:59", "2026-11-20 09:30", "2026-11-20T09:30", "2026-11-20T09:30:00Z", "25:00", "", "2026-03-29 02:30"} {
		f.Add(s)
	}
	c := &tsCmd{env: &env{}, dayLoc: berlin}
	day := model.LocalDate{Year: 2026, Month: 3, Day: 29} // spring forward
	f.Fuzz(func(t *testing.T, s string) {
		v, err := c.tsTime(s, day)
		if err != nil {
			return
		}
		again, err := c.tsTime(v.In(berlin).Format("2006-01-02 15:04"), day)
		if err != nil || v.In(berlin).Second() == 0 && v.Nanosecond() == 0 && !again.Equal(v) {
			t.Fatalf("%q read as %v, again as %v (%v)", s, v, again, err)
		}
	})
}

// TestImportOnApprovedDayNamesLine: an import refused by the store (an
// entry on an approved day) names the line of the entry, as the codec's
// refusals do, and imports nothing.
func TestImportOnApprovedDayNamesLine(t *testing.T) {
	store := newStore(t)
	fri := time.Date(2026, 11, 20, 18, 0, 0, 0, berlin)
	tsMust(t, store, fri, "log", "--date", "2026-11-16", "--from", "09:00", "--to", "12:00")
	tsMust(t, store, fri, "submit", "2026-11-16")
	tsMust(t, store, fri, "approve", "2026-11-16")
	file := filepath.Join(t.TempDir(), "entries.ics")
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:open-day\r\nDTSTAMP:20261120T000000Z\r\nDTSTART:20261124T080000Z\r\nDTEND:20261124T090000Z\r\nSUMMARY:fine\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:approved-day\r\nDTSTAMP:20261120T000000Z\r\nDTSTART:20261116T130000Z\r\nDTEND:20261116T140000Z\r\nSUMMARY:late\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	if err := os.WriteFile(file, []byte(ics), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := runAt(context.Background(), func() time.Time { return fri },
		[]string{"--store", store, "--user", "ann", "--tz", "Europe/Berlin", "import", "--calendar", "timesheet-ann", file},
		strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(errOut.String(), "line 11: object \"approved-day\"") {
		t.Fatalf("import onto an approved day: %v\n%s", err, errOut.String())
	}
	out.Reset()
	if err := runAt(context.Background(), func() time.Time { return fri },
		[]string{"--store", store, "--user", "ann", "list", "--calendar", "timesheet-ann", "--from", "2026-11-16", "--to", "2026-11-30"},
		strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2026-11-16") || strings.Contains(out.String(), "fine") {
		t.Errorf("after the refused import:\n%s", out.String())
	}
}
