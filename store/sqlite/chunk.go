package sqlite

import (
	"encoding/binary"
	"errors"
)

// Chunks: the instances of a recurring object are written a few to a row.
//
// A weekly series of twenty meetings as twenty rows costs twenty inserts
// into two b-trees; an import of 10k such series spends most of its time
// there. So the rows of one object and band are grouped into chunks: up to
// chunkMax instances whose starts lie less than chunkSpan after the first
// one's. A chunk is one row: its key is the first instance's start and
// recurrence id, its end the latest end of the chunk, and its more column
// packs every instance (packChunk). A weekly series is then one row per
// eight weeks, on write and on read alike. (Eight weeks rather than four:
// a tenth less time for an import of the benchmark's 100k file, and no
// slower a week's query, as a query reads about one chunk of each series
// around the window either way and rules the other instances out on their
// keys.)
//
// Chunk rows have bands of their own (band + nBands). A chunk's instances
// start up to chunkSpan after its key, so their scans reach chunkSpan
// further back than the same class's plain rows; single events keep
// their narrower scans. The unbounded class is filtered on end, which for
// a chunk is its latest end, so it needs no widening. A chunk of one
// instance is written as a plain row.
const (
	chunkSpan = 56 * 86400 // seconds
	chunkMax  = 64
)

// chunk groups rows (sorted by start) into chunk rows, per band.
func chunk(rows []indexRow) []indexRow {
	if len(rows) < 2 {
		return rows
	}
	if oneBand(rows) { // the usual series: cut without copies
		return cutRuns(make([]indexRow, 0, len(rows)/4+1), rows)
	}
	var byBand [nBands][]indexRow
	for _, r := range rows {
		byBand[r.band] = append(byBand[r.band], r)
	}
	var out []indexRow
	for _, rs := range byBand {
		out = cutRuns(out, rs)
	}
	return out
}

// cutRuns appends to out the chunk rows of rows (one band, sorted by
// start): runs of at most chunkMax rows starting within chunkSpan of the
// run's first.
func cutRuns(out, rows []indexRow) []indexRow {
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && j-i < chunkMax && rows[j].start-rows[i].start < chunkSpan {
			j++
		}
		out = append(out, chunkRow(rows[i:j]))
		i = j
	}
	return out
}

func oneBand(rows []indexRow) bool {
	for _, r := range rows[1:] {
		if r.band != rows[0].band {
			return false
		}
	}
	return true
}

// chunkRow is the row of a chunk of items (one band, sorted by start): the
// item itself when it is alone.
func chunkRow(items []indexRow) indexRow {
	r := items[0]
	if len(items) == 1 {
		return r
	}
	r.band += nBands
	r.summary = ""
	for _, it := range items {
		r.end = max(r.end, it.end)
	}
	r.more = packChunk(r.start, items)
	return r
}

// packChunk encodes items (sorted by start, the first starting at base):
// per instance the start's distance from the previous start, the length,
// the recurrence id's distance from the start, the flags and the override
// summary, as varints (the summary length-prefixed).
func packChunk(base int64, items []indexRow) []byte {
	b := make([]byte, 0, len(items)*8)
	prev := base
	for _, it := range items {
		b = binary.AppendUvarint(b, uint64(it.start-prev))
		b = binary.AppendUvarint(b, uint64(it.end-it.start))
		b = binary.AppendVarint(b, it.rid-it.start)
		b = binary.AppendUvarint(b, uint64(it.flags))
		b = binary.AppendUvarint(b, uint64(len(it.summary)))
		b = append(b, it.summary...)
		prev = it.start
	}
	return b
}

var errBadChunk = errors.New("index: malformed chunk")

// unpackChunk calls fn for each instance packed by packChunk, in order.
func unpackChunk(base int64, b []byte, fn func(r indexRow)) error {
	prev := base
	for len(b) > 0 {
		var v [5]int64
		for k := range v {
			var n int
			if k == 2 {
				v[k], n = binary.Varint(b)
			} else {
				var u uint64
				u, n = binary.Uvarint(b)
				v[k] = int64(u)
			}
			if n <= 0 {
				return errBadChunk
			}
			b = b[n:]
		}
		if v[4] < 0 || v[4] > int64(len(b)) {
			return errBadChunk
		}
		start := prev + v[0]
		r := indexRow{start: start, end: start + v[1], rid: start + v[2], flags: int(v[3]), summary: string(b[:v[4]])}
		b = b[v[4]:]
		prev = start
		fn(r)
	}
	return nil
}
