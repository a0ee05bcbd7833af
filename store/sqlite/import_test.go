package sqlite

import (
	"testing"
	"time"

	"rota/model"
)

// TestImportCounts: Import counts every instance of the objects with an
// end as the engine expands them (singles, COUNT and UNTIL rules, EXDATEs,
// a rule past the index's row cap), and the open series apart.
func TestImportCounts(t *testing.T) {
	clk := newClock()
	s := openTemp(t, Options{Now: clk.now, IndexCap: 50})
	c := model.Calendar{Owner: "alice", Name: "work"}
	if err := s.CreateCalendar(ctx, &c); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
	timings := map[string]model.Timing{
		"single":  {Start: at, Duration: time.Hour, HasEnd: true},
		"undated": {},
		"count":   {Start: at, Duration: time.Hour, HasEnd: true, RRule: "FREQ=WEEKLY;COUNT=5"},
		"exdate":  {Start: at, Duration: time.Hour, HasEnd: true, RRule: "FREQ=WEEKLY;COUNT=5", ExDates: []time.Time{at.AddDate(0, 0, 7)}},
		"until":   {Start: at, Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;UNTIL=20260301T090000Z"},
		"long":    {Start: at, Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;COUNT=400"},
		"open":    {Start: at, Duration: time.Hour, HasEnd: true, RRule: "FREQ=WEEKLY"},
		"open2":   {Start: at, Duration: time.Hour, HasEnd: true, RRule: "FREQ=DAILY;INTERVAL=2"},
	}
	var objs []model.Object
	want := 0
	for name, tm := range timings {
		objs = append(objs, testObject(c.ID, name+".ics", tm))
		if !tm.Recurring() {
			want++
		} else if tm.RRule != "FREQ=WEEKLY" && tm.RRule != "FREQ=DAILY;INTERVAL=2" {
			occ, err := tm.Expand(model.Range{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			want += len(occ)
		}
	}
	got, err := s.Import(ctx, c.ID, objs)
	if err != nil {
		t.Fatal(err)
	}
	if exp := (Imported{Created: len(objs), Instances: want, Open: 2}); got != exp || want != 2+5+4+28+400 {
		t.Errorf("import: %+v, want %+v (%d)", got, exp, want)
	}
	got, err = s.Import(ctx, c.ID, objs[:1])
	if err != nil || got.Updated != 1 || got.Created != 0 {
		t.Errorf("re-import: %+v, %v", got, err)
	}
}
