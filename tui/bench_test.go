package tui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"rota/model"
	"rota/model/ics"
)

// bigStore fills a store with n objects over three years (about 90 a day)
// of which one in a hundred is a weekly series.
func bigStore(b *testing.B, n int) *fixture {
	b.Helper()
	ctx := context.Background()
	f := &fixture{st: newStore(b), cals: map[string]int64{}}
	var ids []int64
	for i, name := range []string{"work", "home", "team", "clients"} {
		c := model.Calendar{Owner: "alice", Name: name, Color: []string{"#0969da", "#bf3989", "#1a7f37", "#bc4c00"}[i]}
		if err := f.st.CreateCalendar(ctx, &c); err != nil {
			b.Fatal(err)
		}
		f.cals[name] = c.ID
		ids = append(ids, c.ID)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	first := time.Date(2025, 12, 1, 0, 0, 0, 0, berlin)
	stamp := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	batch := map[int64][]model.Object{}
	flush := func() {
		for cal, objs := range batch {
			if _, _, err := f.st.PutObjects(ctx, cal, objs); err != nil {
				b.Fatal(err)
			}
		}
		batch = map[int64][]model.Object{}
	}
	for i := 0; i < n; i++ {
		day := first.AddDate(0, 0, rng.IntN(3*365))
		start := day.Add(time.Duration(7*60+rng.IntN(12*60)) * time.Minute).Truncate(15 * time.Minute)
		ev := model.Event{UID: fmt.Sprintf("ev%06d", i), Title: fmt.Sprintf("Job #%d", i), TZID: "Europe/Berlin",
			Start: start, End: start.Add(time.Duration(30+15*rng.IntN(8)) * time.Minute), Created: stamp, Modified: stamp}
		if i%100 == 0 {
			ev.Start = ev.Start.AddDate(0, 0, -2*365)
			ev.End = ev.End.AddDate(0, 0, -2*365)
			ev.Recurrence = &model.Recurrence{RRule: "FREQ=WEEKLY"}
		}
		o, err := ics.New(ev)
		if err != nil {
			b.Fatal(err)
		}
		cal := ids[i%len(ids)]
		o.CalendarID, o.Name = cal, ics.ObjectName(o.UID)
		batch[cal] = append(batch[cal], o)
		if i%5000 == 4999 {
			flush()
		}
	}
	flush()
	return f
}

// BenchmarkUpdateView measures what a key press costs: Update with the key
// and View of the whole frame, over a week (or month, or agenda window) of
// a 100k-object store. The loads the keys start run outside the timer, as
// the runtime runs them off the UI loop.
func BenchmarkUpdateView(b *testing.B) {
	f := bigStore(b, 100_000)
	for _, tc := range []struct {
		name   string
		screen string
		keys   []string
	}{
		{"week", "3", []string{"j", "l", "j", "k", "h", "k"}},
		{"day", "2", []string{"j", "j", "k", "k", "l", "h"}},
		{"month", "4", []string{"l", "j", "h", "k"}},
		{"agenda", "1", []string{"j", "j", "j", "k", "k", "k"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m := newModel(b, f.st, 120, 40)
			press(b, m, tc.screen)
			loaded := len(m.insts)
			msgs := make([]tea.KeyPressMsg, len(tc.keys))
			for i, k := range tc.keys {
				msgs[i] = keyMsg(k)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				_, cmd := m.Update(msgs[i%len(msgs)])
				_ = m.View()
				if cmd != nil {
					b.StopTimer()
					drive(b, m, cmd)
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(loaded), "instances")
		})
	}
	b.Run("first-frame", func(b *testing.B) {
		for b.Loop() {
			m := New(Options{Store: f.st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: -1})
			m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			drive(b, m, m.Init())
			_ = m.View()
		}
	})
	b.Run("load-week", func(b *testing.B) {
		ids := []int64{f.cals["work"], f.cals["home"], f.cals["team"], f.cals["clients"]}
		r := model.Range{From: time.Date(2026, 11, 23, 0, 0, 0, 0, berlin), To: time.Date(2026, 11, 30, 0, 0, 0, 0, berlin)}
		for b.Loop() {
			msg := loadWindow(context.Background(), f.st, 1, ids, r, berlin)().(windowMsg)
			if msg.err != nil {
				b.Fatal(msg.err)
			}
		}
	})
}
