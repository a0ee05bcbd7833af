package sqlite

import (
	"slices"
	"testing"
)

// unchunk turns chunk's output back into one row per instance.
func unchunk(t *testing.T, rows []indexRow) []indexRow {
	t.Helper()
	var out []indexRow
	for _, r := range rows {
		if r.more == nil {
			out = append(out, r)
			continue
		}
		band := r.band - nBands
		if err := unpackChunk(r.start, r.more, func(in indexRow) {
			in.band = band
			out = append(out, in)
		}); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestChunkRoundTrip(t *testing.T) {
	day := int64(86400)
	var rows []indexRow
	// A daily series of 100 hour-long instances from a negative key (before
	// 1970), one of them moved and renamed, one a floating band.
	for i := range int64(100) {
		start := -5*day + i*day
		r := indexRow{band: 0, start: start, end: start + 3600, rid: start, flags: rowRecurring}
		if i == 40 {
			r.start, r.end, r.flags, r.summary = start+7200, start+3*3600, rowRecurring|rowOverridden, "moved: ünïcode"
			r.band = 2
		}
		rows = append(rows, r)
	}
	chunks := chunk(rows)
	if len(chunks) >= len(rows)/10 {
		t.Errorf("%d rows for %d instances, want far fewer", len(chunks), len(rows))
	}
	for _, c := range chunks {
		if c.more == nil {
			if c.band >= nBands {
				t.Errorf("a plain row in chunk band %d", c.band)
			}
			continue
		}
		if c.band < nBands {
			t.Errorf("a chunk in plain band %d", c.band)
		}
		var n int
		var maxEnd int64
		unpackChunk(c.start, c.more, func(in indexRow) {
			n++
			maxEnd = max(maxEnd, in.end)
			if in.start-c.start >= chunkSpan {
				t.Errorf("instance at %d in a chunk from %d: past chunkSpan", in.start, c.start)
			}
		})
		if n > chunkMax || n < 2 {
			t.Errorf("chunk of %d instances", n)
		}
		if c.end != maxEnd {
			t.Errorf("chunk end %d, want its latest instance end %d", c.end, maxEnd)
		}
	}
	got := unchunk(t, chunks)
	sortRows := func(rs []indexRow) {
		slices.SortFunc(rs, func(a, b indexRow) int { return int(a.rid - b.rid) })
	}
	sortRows(got)
	sortRows(rows)
	if !slices.EqualFunc(got, rows, func(a, b indexRow) bool {
		return a.band == b.band && a.start == b.start && a.end == b.end && a.rid == b.rid && a.flags == b.flags && a.summary == b.summary
	}) {
		t.Errorf("round trip:\n got %v\nwant %v", got, rows)
	}
}

// TestChunkLimits: a dense rule is cut at chunkMax instances, a sparse one
// at chunkSpan, and a lone instance stays a plain row.
func TestChunkLimits(t *testing.T) {
	var dense, sparse []indexRow
	for i := range int64(3*chunkMax + 1) {
		dense = append(dense, indexRow{start: i * 60, end: i*60 + 30, rid: i * 60, flags: rowRecurring})
	}
	for i := range int64(10) {
		s := i * (chunkSpan / 2) // two to a chunk, the third starts exactly chunkSpan after the first
		sparse = append(sparse, indexRow{start: s, end: s + 60, rid: s, flags: rowRecurring})
	}
	for _, tt := range []struct {
		name  string
		rows  []indexRow
		sizes []int
	}{
		{"dense", dense, []int{chunkMax, chunkMax, chunkMax, 1}},
		{"sparse", sparse, []int{2, 2, 2, 2, 2}},
		{"one", dense[:1], []int{1}},
	} {
		var sizes []int
		for _, c := range chunk(tt.rows) {
			n := 1
			if c.more != nil {
				n = 0
				unpackChunk(c.start, c.more, func(indexRow) { n++ })
			}
			sizes = append(sizes, n)
		}
		if !slices.Equal(sizes, tt.sizes) {
			t.Errorf("%s: chunks of %v, want %v", tt.name, sizes, tt.sizes)
		}
	}
}

func TestUnpackChunkRefusesGarbage(t *testing.T) {
	good := packChunk(0, []indexRow{{start: 0, end: 10, summary: "abc"}, {start: 5, end: 9}})
	for _, b := range [][]byte{good[:len(good)-1], {0x80}, {0, 0, 0, 0, 9, 'a'}} {
		if err := unpackChunk(0, b, func(indexRow) {}); err == nil {
			t.Errorf("% x: no error", b)
		}
	}
}
