package caldav

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rota/model"
	"rota/model/ics"
)

// TestDomainRulesAcceptCorpus: the domain rules a PUT is checked against
// refuse nothing of the real-world corpus (which holds no rota
// properties): ordinary client data rota merely does not model passes.
func TestDomainRulesAcceptCorpus(t *testing.T) {
	dir := os.Getenv("ROTA_ICS_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "ics-corpus")
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".ics") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skipf("no corpus at %s (set ROTA_ICS_CORPUS)", dir)
	}
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil || bytes.Contains(data, []byte("X-ROTA-")) {
			continue
		}
		objs, err := ics.Decode(bytes.NewReader(data))
		if err != nil {
			continue // refused by the codec already, with its line
		}
		for _, o := range objs {
			checked++
			evs, err := ics.Events(o.Data)
			if err != nil {
				continue
			}
			if err := validateDomain(evs); err != nil {
				t.Errorf("%s: object %s refused: %v", f, o.UID, err)
			}
		}
	}
	t.Logf("%d objects of %d files checked", checked, len(files))
}

func TestValidateDomain(t *testing.T) {
	ev := func(extra string) []byte {
		return []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20260101T000000Z\r\n" +
			"DTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\n" + extra + "END:VEVENT\r\nEND:VCALENDAR\r\n")
	}
	two := "ATTENDEE:mailto:a@x\r\nATTENDEE:mailto:b@x\r\n"
	cases := []struct {
		extra, want string
	}{
		{two, ""},
		{"X-ROTA-CAPACITY:2\r\n" + two, ""},
		{"X-ROTA-CAPACITY:1\r\n" + two, "participants: 2 clients exceed the capacity of 1"},
		{"X-ROTA-CAPACITY:1\r\nATTENDEE;ROLE=NON-PARTICIPANT:mailto:a@x\r\nATTENDEE:mailto:b@x\r\n", ""},
		{"X-ROTA-CAPACITY:1\r\nORGANIZER:mailto:a@x\r\n" + two, ""},
		{"X-ROTA-CAPACITY:-1\r\n", "capacity: negative"},
		{"PRIORITY:12\r\n", ""}, // plain iCalendar oddities are the codec's call
	}
	for _, c := range cases {
		evs, err := ics.Events(ev(c.extra))
		if err != nil {
			t.Fatal(err)
		}
		err = validateDomain(evs)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%q: %q, want %q", c.extra, got, c.want)
		}
	}
}

func TestSetConflictMarks(t *testing.T) {
	in := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:s\nRECURRENCE-ID:20260305T140000Z\nX-ROTA-CONFLICT:TR\n UE\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:s\nRRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR\n"
	// Events order: master (second in the document) first.
	got, ok := setConflictMarks([]byte(in), []bool{true, false})
	want := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:s\nRECURRENCE-ID:20260305T140000Z\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:s\nRRULE:FREQ=DAILY\nX-ROTA-CONFLICT:TRUE\nEND:VEVENT\nEND:VCALENDAR\n"
	if !ok || string(got) != want {
		t.Errorf("got %v\n%s\nwant\n%s", ok, got, want)
	}
	if _, ok := setConflictMarks([]byte(in), []bool{true}); ok {
		t.Errorf("a count mismatch should not be rewritten")
	}
}

func FuzzSetConflictMarks(f *testing.F) {
	f.Add("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 1)
	f.Add("BEGIN:VCALENDAR\nBEGIN:VEVENT\nX-ROTA-CONFLICT:TRUE\nBEGIN:VALARM\nEND:VALARM\nEND:VEVENT\nEND:VCALENDAR", 1)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 8 {
			return
		}
		none := make([]bool, n)
		out, ok := setConflictMarks([]byte(s), none)
		if ok && !strings.Contains(strings.ToUpper(s), "X-ROTA-CONFLICT") && string(out) != s {
			t.Errorf("no marks to drop or add, yet changed:\n%q\n%q", s, out)
		}
	})
}

func TestMayConcernRota(t *testing.T) {
	plain := []byte("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Lunch\r\nATTENDEE;CUTYPE=INDIVIDUAL:mailto:a@x\r\nEND:VEVENT\r\n")
	if mayConcernRota(plain, &model.Calendar{}) {
		t.Errorf("plain event flagged")
	}
	if !mayConcernRota(plain, &model.Calendar{Person: "anna"}) {
		t.Errorf("a team member's calendar not flagged")
	}
	for _, extra := range []string{"x-rota-capacity:3", "RESOURCES:Projector", "ATTENDEE;CUTYPE=ROOM:mailto:r@x", "X-ROTA-CONFLICT:TRUE"} {
		data := append([]byte(extra+"\r\n"), plain...)
		if !mayConcernRota(data, &model.Calendar{}) {
			t.Errorf("%s not flagged", extra)
		}
	}
}
