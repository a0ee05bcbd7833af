package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"rota/model/ics"
)

// bench100k is one VCALENDAR of 100,000 events, made once per run.
var bench100k = sync.OnceValue(func() []byte { return genCalendar(100000) })

// genCalendar writes n VEVENTs shaped like a busy team's calendar: mostly
// single timed events, one in ten a weekly series in Europe/Berlin (some
// with a moved instance), one in ten all-day.
func genCalendar(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 300)
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//bench//EN\r\n")
	b.WriteString("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n" +
		"DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\n" +
		"TZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
	base := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		start := base.Add(time.Duration(i%(365*24*4)) * 15 * time.Minute)
		uid := fmt.Sprintf("bench-%06d@rota.example", i)
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n", uid)
		switch i % 10 {
		case 0: // weekly series
			fmt.Fprintf(&b, "DTSTART;TZID=Europe/Berlin:%s\r\nDTEND;TZID=Europe/Berlin:%s\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=20\r\n",
				start.Format("20060102T150405"), start.Add(30*time.Minute).Format("20060102T150405"))
		case 5: // all-day
			fmt.Fprintf(&b, "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", start.Format("20060102"), start.AddDate(0, 0, 1).Format("20060102"))
		default:
			fmt.Fprintf(&b, "DTSTART:%s\r\nDTEND:%s\r\n", start.Format("20060102T150405Z"), start.Add(time.Hour).Format("20060102T150405Z"))
		}
		fmt.Fprintf(&b, "SUMMARY:Appointment %d with client %d\r\nLOCATION:Room %d\r\nDESCRIPTION:Generated for the import benchmark\\, number %d.\r\n"+
			"ATTENDEE;CN=Client %d;PARTSTAT=ACCEPTED:mailto:client%d@example.com\r\nCATEGORIES:bench\r\nEND:VEVENT\r\n", i, i%977, i%12, i, i%977, i%977)
		if i%20 == 0 { // a moved instance of the series
			rid := start
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:%s\r\n"+
				"DTSTART;TZID=Europe/Berlin:%s\r\nDTEND;TZID=Europe/Berlin:%s\r\nSUMMARY:Appointment %d (moved)\r\nEND:VEVENT\r\n",
				uid, rid.Format("20060102T150405"), rid.Add(2*time.Hour).Format("20060102T150405"), rid.Add(150*time.Minute).Format("20060102T150405"), i)
		}
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

// goicalDecode is go-ical's bare decode of data: the floor for import.
func goicalDecode(tb testing.TB, data []byte) {
	dec := ical.NewDecoder(bytes.NewReader(data))
	for {
		if _, err := dec.Decode(); err == io.EOF {
			return
		} else if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkGoICalDecode100k is the baseline BenchmarkImport100k is
// measured against: go-ical decoding the same bytes, nothing else.
func BenchmarkGoICalDecode100k(b *testing.B) {
	data := bench100k()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		goicalDecode(b, data)
	}
}

// BenchmarkImport100k runs `rota import` of the 100k-event file into a
// fresh store (decode, validation, one transaction, the summary). It also
// times go-ical's bare decode of the same bytes and reports the ratio as
// x-goical (goal: at most 2).
func BenchmarkImport100k(b *testing.B) {
	data := bench100k()
	file := filepath.Join(b.TempDir(), "100k.ics")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		b.Fatal(err)
	}
	benchImport(b, file, data, "100000 objects (100000 created")
}

// benchImport times `rota import file` (data is its content) into a fresh
// store against go-ical's bare decode of data, reporting the ratio as
// x-goical; the first summary must hold want.
func benchImport(b *testing.B, file string, data []byte, want string) {
	b.SetBytes(int64(len(data)))
	var imp, base time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		store := filepath.Join(b.TempDir(), "rota.db")
		// Each side starts from a collected heap, as a process of its own
		// would: not paying for the garbage the other left.
		runtime.GC()
		t0 := time.Now()
		goicalDecode(b, data)
		base += time.Since(t0)
		runtime.GC()
		var out, errOut bytes.Buffer
		b.StartTimer()
		t0 = time.Now()
		err := runAt(context.Background(), time.Now, []string{"--store", store, "--user", "bench", "--tz", "UTC", "import", file},
			strings.NewReader(""), &out, &errOut)
		imp += time.Since(t0)
		if err != nil {
			b.Fatalf("import: %v\n%s", err, errOut.String())
		}
		if i == 0 && !strings.Contains(out.String(), want) {
			b.Fatalf("import summary: %s", out.String())
		}
	}
	b.ReportMetric(float64(imp)/float64(base), "x-goical")
}

// BenchmarkSQLiteFloor100k is the least any import into modernc.org/sqlite
// can cost: the objects of the 100k-event file (decoded beforehand, not
// timed) inserted in one transaction into a bare table holding only what a
// CalDAV server must look objects up by (name, UID, change-log position)
// and their text, 256 rows to a statement, with rota's pragmas. No
// occurrence index, search text, timing or validation. It reports its
// time against go-ical's bare decode measured in the same loop
// (x-goical): BenchmarkImport100k cannot come closer to go-ical than this
// plus its own decoding.
func BenchmarkSQLiteFloor100k(b *testing.B) {
	data := bench100k()
	objs, _, err := ics.DecodeAll(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	const batch = 256
	insert := "INSERT INTO objects (id, calendar_id, name, uid, seq, data) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", batch), ", ")
	var floor, base time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		t0 := time.Now()
		goicalDecode(b, data)
		base += time.Since(t0)
		runtime.GC()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(b.TempDir(), "floor.db")+
			"?_pragma=page_size(16384)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)&_journal_mode=WAL&_txlock=immediate")
		if err != nil {
			b.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		if _, err := db.Exec(`CREATE TABLE objects (id INTEGER PRIMARY KEY, calendar_id INTEGER NOT NULL, name TEXT NOT NULL,
			uid TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, UNIQUE (calendar_id, name), UNIQUE (calendar_id, uid));
			CREATE INDEX objects_seq ON objects (calendar_id, seq)`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 = time.Now()
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		st, err := tx.Prepare(insert)
		if err != nil {
			b.Fatal(err)
		}
		args := make([]any, 0, 6*batch)
		for k := 0; k+batch <= len(objs); k += batch {
			args = args[:0]
			for j := k; j < k+batch; j++ {
				o := &objs[j]
				args = append(args, j+1, 1, o.Name, o.UID, j+1, o.Data)
			}
			if _, err := st.Exec(args...); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		floor += time.Since(t0)
	}
	b.ReportMetric(float64(floor)/float64(base), "x-goical")
}

// BenchmarkImportBenchFile is BenchmarkImport100k on the file the shared
// CalDAV benchmark generates (richer events: descriptions, attendees,
// zones, open series), named by ROTA_BENCH_ICS, for example
// /tmp/bench-data/n100000/all.ics from `go run ./gen -n 100000 -seed 1
// -out /tmp/bench-data/n100000 -files=false` in ../shared/bench.
func BenchmarkImportBenchFile(b *testing.B) {
	file := os.Getenv("ROTA_BENCH_ICS")
	if file == "" {
		b.Skip("ROTA_BENCH_ICS names no file")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	benchImport(b, file, data, " objects (")
}
