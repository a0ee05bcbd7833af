package sqlite

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"rota/model"
)

// benchObjects makes n objects in calIDs, a realistic mix: 70% single
// events, 20% weekly series (4 to 26 weeks, some with a moved or cancelled
// week), 5% all-day, 5% in other zones, plus ten open-ended weekly series.
// They are spread over n/1000 years around 2026 (about 20 objects a week
// whatever n), so a one-week window returns about as much at 100k as at
// 1k: what grows is the store, not the answer.
func benchObjects(n int, calIDs []int64) []model.Object {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ny, _ := time.LoadLocation("America/New_York")
	span := 365 * 24 * time.Hour / 1000 * time.Duration(n)
	origin := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC).Add(-span / 2)
	objs := make([]model.Object, 0, n+10)
	for i := range n + 10 {
		start := origin.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(15 * time.Minute)
		start = time.Date(start.Year(), start.Month(), start.Day(), 8+rng.IntN(10), 15*rng.IntN(4), 0, 0, time.UTC)
		var tm model.Timing
		kind := rng.IntN(100)
		switch {
		case i >= n: // open-ended
			tm = model.Timing{Start: time.Date(2020+i-n, 1, 6, 9, 0, 0, 0, berlin), TZID: "Europe/Berlin", Duration: time.Hour,
				HasEnd: true, RRule: "FREQ=WEEKLY"}
		case kind < 70:
			tm = model.Timing{Start: start, Duration: time.Duration(1+rng.IntN(8)) * 15 * time.Minute, HasEnd: true}
		case kind < 90:
			tm = model.Timing{Start: start, Duration: time.Hour, HasEnd: true,
				RRule: fmt.Sprintf("FREQ=WEEKLY;COUNT=%d", 4+rng.IntN(23))}
			if rng.IntN(4) == 0 {
				w := start.AddDate(0, 0, 14)
				tm.Overrides = []model.Override{{RecurrenceID: w, Start: w.Add(3 * time.Hour), Duration: time.Hour, Summary: "moved"}}
			}
			if rng.IntN(4) == 0 {
				tm.ExDates = []time.Time{start.AddDate(0, 0, 7)}
			}
		case kind < 95:
			d := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
			tm = model.Timing{Start: d, AllDay: true, Days: 1 + rng.IntN(3), HasEnd: true}
		default:
			loc, name := berlin, "Europe/Berlin"
			if rng.IntN(2) == 0 {
				loc, name = ny, "America/New_York"
			}
			st := time.Date(start.Year(), start.Month(), start.Day(), start.Hour(), start.Minute(), 0, 0, loc)
			tm = model.Timing{Start: st, TZID: name, Duration: 45 * time.Minute, HasEnd: true}
		}
		uid := fmt.Sprintf("bench-%d@rota", i)
		data := fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//bench//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"+
			"DTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nSUMMARY:Appointment %d\r\nDESCRIPTION:Discuss item %d with the client\r\n"+
			"LOCATION:Room %d\r\nATTENDEE;CN=Client %d;PARTSTAT=ACCEPTED:mailto:c%d@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			uid, tm.Start.UTC().Format("20060102T150405Z"), i, i, i%40, i, i)
		objs = append(objs, model.Object{CalendarID: calIDs[i%len(calIDs)], UID: uid, Component: "VEVENT",
			Data: []byte(data), Summary: fmt.Sprintf("Appointment %d", i), Timing: tm})
	}
	return objs
}

// benchStore returns a store holding n bench objects in ten calendars.
func benchStore(b *testing.B, n int) (*Store, []int64) {
	b.Helper()
	s := openAt(b, filepath.Join(b.TempDir(), "bench.db"), Options{})
	var ids []int64
	for i := range 10 {
		c := model.Calendar{Owner: "bench", Name: fmt.Sprintf("cal%d", i)}
		if err := s.CreateCalendar(ctx, &c); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	objs := benchObjects(n, ids)
	byCal := map[int64][]model.Object{}
	for _, o := range objs {
		byCal[o.CalendarID] = append(byCal[o.CalendarID], o)
	}
	for id, list := range byCal {
		if _, _, err := s.PutObjects(ctx, id, list); err != nil {
			b.Fatal(err)
		}
	}
	return s, ids
}

// BenchmarkInstancesWeek lists a one-week window of every calendar. The
// goal: the 100k figure within 2x of the 1k figure.
func BenchmarkInstancesWeek(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			s, _ := benchStore(b, n)
			berlin, _ := time.LoadLocation("Europe/Berlin")
			r := model.Range{From: time.Date(2026, 6, 29, 0, 0, 0, 0, berlin), To: time.Date(2026, 7, 6, 0, 0, 0, 0, berlin)}
			var got int
			b.ResetTimer()
			for b.Loop() {
				ins, err := s.Instances(ctx, nil, r, berlin)
				if err != nil {
					b.Fatal(err)
				}
				got = len(ins)
			}
			b.ReportMetric(float64(got), "instances")
		})
	}
}

// BenchmarkPutObjects100k imports 100k objects into an empty store in one
// call.
func BenchmarkPutObjects100k(b *testing.B) {
	objs := benchObjects(100000, []int64{1})
	for b.Loop() {
		b.StopTimer()
		s := openAt(b, filepath.Join(b.TempDir(), "import.db"), Options{})
		c := model.Calendar{Owner: "bench", Name: "import"}
		if err := s.CreateCalendar(ctx, &c); err != nil {
			b.Fatal(err)
		}
		batch := make([]model.Object, len(objs))
		copy(batch, objs)
		for i := range batch {
			batch[i].CalendarID = c.ID
		}
		b.StartTimer()
		if _, _, err := s.PutObjects(ctx, c.ID, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(objs))*float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkPutObject writes one object at a time (a CalDAV PUT) into a
// store of 10k objects. The goal: more than 300 writes a second.
func BenchmarkPutObject(b *testing.B) {
	s, ids := benchStore(b, 10000)
	extra := benchObjects(2000, ids)
	i := 0
	for b.Loop() {
		o := extra[i%len(extra)]
		o.Name = fmt.Sprintf("put-%d.ics", i)
		o.UID = fmt.Sprintf("put-%d@rota", i)
		i++
		if _, err := s.PutObject(ctx, &o, model.Condition{IfNoneMatch: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
