package sqlite

import (
	"bytes"
	"strings"
	"testing"
)

// refSearchText is the first, plain searchText (unfold into strings, a
// replacer for escapes, strings.ToLower): the in-place one must agree
// with it byte for byte.
func refSearchText(summary string, data []byte) string {
	props := map[string]bool{
		"SUMMARY": true, "DESCRIPTION": true, "LOCATION": true, "COMMENT": true, "CATEGORIES": true,
		"RESOURCES": true, "CONTACT": true, "ATTENDEE": true, "ORGANIZER": true, "X-ROTA-AGENDA": true,
	}
	var lines []string
	var cur []byte
	for _, raw := range bytes.Split(data, []byte("\n")) {
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
			cur = append(cur, raw[1:]...)
			continue
		}
		if cur != nil {
			lines = append(lines, string(cur))
		}
		cur = append([]byte(nil), raw...)
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	unescaper := strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`)
	var b strings.Builder
	b.WriteString(strings.ToLower(summary))
	for _, line := range lines {
		name, params, value, ok := splitLine([]byte(line))
		if !ok || !props[strings.ToUpper(string(name))] {
			continue
		}
		if cn := param(params, "CN"); len(cn) > 0 {
			b.WriteByte('\n')
			b.WriteString(strings.ToLower(string(cn)))
		}
		b.WriteByte('\n')
		b.WriteString(strings.ToLower(unescaper.Replace(string(value))))
	}
	return b.String()
}

var searchSeeds = []string{
	"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Board \\, Meeting\r\nDESCRIPTION:Line one\\nline TWO\\\\n and \\x\r\n" +
		"ATTENDEE;CN=\"Ann; B:C\";ROLE=CHAIR:mailto:ann@example.com\r\nLOCATION:Room\r\n  4\r\n\tB\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
	"summary:lower name\nx-rota-agenda;cn=Ünïcode:ÄBC\\N\n",
	" SUMMARY:starts folded\r\nCOMMENT:ends with backslash\\",
	"DESCRIPTION;X=\"a:b\":quoted colon\r\nCATEGORIES:A,B\r\nORGANIZER;CN=:mailto:x\r\nSUMMARY:bad \xff utf8 İ\r\n",
	"SUMM\r\n ARY:folded name\r\nLOCATION\r\n",
}

func TestSearchTextAgreesWithReference(t *testing.T) {
	for _, d := range searchSeeds {
		if got, want := searchText("Sum MARY Ü", []byte(d)), refSearchText("Sum MARY Ü", []byte(d)); got != want {
			t.Errorf("searchText(%q):\n got %q\nwant %q", d, got, want)
		}
	}
}

func FuzzSearchText(f *testing.F) {
	for _, d := range searchSeeds {
		f.Add("Title", d)
	}
	f.Fuzz(func(t *testing.T, summary, data string) {
		if got, want := searchText(summary, []byte(data)), refSearchText(summary, []byte(data)); got != want {
			t.Errorf("searchText(%q, %q) = %q, want %q", summary, data, got, want)
		}
	})
}

func BenchmarkSearchText(b *testing.B) {
	data := []byte(searchSeeds[0])
	b.ReportAllocs()
	for b.Loop() {
		searchText("Board Meeting", data)
	}
}
