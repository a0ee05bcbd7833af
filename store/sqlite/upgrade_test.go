package sqlite

import (
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rota/model"
)

// TestUpgradeFromSchema5 opens a store written before migration 0006
// (testdata/schema5.db.gz: 300 objects in two calendars, half of them
// recurring, indexed one instance to a row, no band masks) and checks that
// the migrated store answers windows exactly as expanding its objects does.
func TestUpgradeFromSchema5(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rota.db")
	gunzip(t, "testdata/schema5.db.gz", path)
	// A year later than the store was written: ExtendIndex rewrites the
	// open rules' rows, in chunks, next to the old single rows.
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	s := openAt(t, path, Options{Now: func() time.Time { return now }, IndexHorizon: 90 * 24 * time.Hour, IndexCap: 40})
	cals, err := s.Calendars(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var objs []model.Object
	for _, c := range cals {
		var bands int64
		if err := s.r.QueryRowContext(ctx, `SELECT bands FROM calendars WHERE id = ?`, c.ID).Scan(&bands); err != nil {
			t.Fatal(err)
		}
		if bands == 0 {
			t.Errorf("calendar %s: no band mask after the migration", c.Name)
		}
		list, err := s.ListObjects(ctx, c.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		ids, objs = append(ids, c.ID), append(objs, list...)
	}
	if len(objs) != 300 {
		t.Fatalf("%d objects, want 300", len(objs))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 60 {
		from := base.Add(time.Duration(rng.Int64N(int64(500 * 24 * time.Hour)))).Truncate(time.Minute)
		r := model.Range{From: from, To: from.Add(time.Duration(rng.Int64N(int64(20 * 24 * time.Hour))))}
		loc := loadZone(t, []string{"UTC", "Europe/Berlin", "Asia/Kolkata"}[i%3])
		got, err := s.Instances(ctx, ids, r, loc)
		if err != nil {
			t.Fatal(err)
		}
		var want, have []string
		for _, o := range objs {
			occs, err := o.Timing.Expand(r, loc)
			if err != nil {
				t.Fatal(err)
			}
			for _, oc := range occs {
				want = append(want, o.UID+" "+oc.Start.UTC().Format(time.RFC3339)+" "+oc.End.UTC().Format(time.RFC3339))
			}
		}
		for _, in := range got {
			have = append(have, in.UID+" "+in.Start.UTC().Format(time.RFC3339)+" "+in.End.UTC().Format(time.RFC3339))
		}
		if len(want) == 0 && i < 10 {
			t.Logf("window %v: empty", r)
		}
		if diff := cmp.Diff(sortedCopy(want), sortedCopy(have)); diff != "" {
			t.Fatalf("window %v..%v in %v (-expanded +index):\n%s", r.From, r.To, loc, diff)
		}
	}
}

func gunzip(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
