package caldav

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"rota/model"
	"rota/store"
)

// The mirror keeps, per calendar, an in-memory copy of the collection's
// listing (name, UID, ETag, time) and, within a byte budget, of the
// objects' data already escaped for XML. It is brought up to date from
// the store's change log on every request (Changes since the position it
// reflects, a cheap indexed read), so it is never stale: a write through
// any door, in any process, bumps the calendar's sync token in the same
// transaction, and the next request applies it before answering. This
// is what lets a PROPFIND of 10k members or a query returning hundreds of
// objects be answered without scanning or reading the objects table.

// member is one object as the mirror knows it.
type member struct {
	name, uid, etag string
	modified        time.Time
	component       string // "" until the data was read
	timing          *model.Timing
	// escaped is the stored data escaped for XML character content, when
	// cached; data is set instead on members read past the cache budget.
	escaped []byte
	data    []byte
	size    int // length of the stored data
	// cost is what the cached part (escaped, timing) holds, counted in
	// the mirror's bytes while the member holds it.
	cost int64
}

// collection is the mirror of one calendar.
type collection struct {
	mu      sync.RWMutex
	loaded  bool
	created time.Time // of the calendar mirrored: an ID reused by a new calendar starts afresh
	pos     int64     // change-log position reflected
	byName  map[string]*member
	sorted  []*member // byName in name order; nil when membership changed
	// rendered caches the member part of PROPFIND Depth 1 answers at pos,
	// by the properties asked for: clients poll unchanged collections.
	rendered     map[string][]byte
	renderedCost int64 // counted in the mirror's bytes
}

type mirror struct {
	mu    sync.Mutex
	cols  map[int64]*collection
	bytes atomic.Int64 // cached data and escaped bytes, all collections
	limit int64
}

func newMirror(limit int64) *mirror {
	return &mirror{cols: map[int64]*collection{}, limit: limit}
}

func (m *mirror) collection(id int64) *collection {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.cols[id]
	if c == nil {
		if len(m.cols) >= 256 {
			// Many calendars: start over rather than track usage.
			for k := range m.cols {
				delete(m.cols, k)
			}
			m.bytes.Store(0)
		}
		c = &collection{}
		m.cols[id] = c
	}
	return c
}

// sync brings the mirror of cal up to the calendar's sync token.
func (m *mirror) sync(ctx context.Context, st Store, cal *model.Calendar) (*collection, error) {
	c := m.collection(cal.ID)
	c.mu.RLock()
	fresh := c.loaded && c.pos >= cal.SyncToken && c.created.Equal(cal.Created)
	c.mu.RUnlock()
	if fresh {
		return c, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && !c.created.Equal(cal.Created) {
		m.drop(c)
	}
	if c.loaded && c.pos >= cal.SyncToken {
		return c, nil
	}
	m.dropRendered(c)
	if c.loaded {
		changes, pos, err := st.Changes(ctx, cal.ID, c.pos)
		if err == nil {
			for i := range changes {
				m.apply(c, &changes[i])
			}
			c.pos = pos
			return c, nil
		}
		if !errors.Is(err, store.ErrBadSyncToken) {
			return nil, err
		}
	}
	changes, pos, err := st.Changes(ctx, cal.ID, 0)
	if err != nil {
		return nil, err
	}
	m.drop(c)
	c.byName = make(map[string]*member, len(changes))
	for i := range changes {
		m.apply(c, &changes[i])
	}
	c.pos, c.loaded, c.created = pos, true, cal.Created
	return c, nil
}

// apply records one change; the caller holds c.mu.
func (m *mirror) apply(c *collection, ch *model.Change) {
	old := c.byName[ch.Name]
	switch ch.Op {
	case model.OpDelete:
		if old != nil {
			m.bytes.Add(-old.cost)
			delete(c.byName, ch.Name)
			c.sorted = nil
		}
	default:
		if old != nil {
			if old.etag == ch.ETag {
				return
			}
			m.bytes.Add(-old.cost)
			*old = member{name: ch.Name, uid: ch.UID, etag: ch.ETag, modified: ch.When}
			return
		}
		c.byName[ch.Name] = &member{name: ch.Name, uid: ch.UID, etag: ch.ETag, modified: ch.When}
		c.sorted = nil
	}
}

func (m *mirror) drop(c *collection) {
	for _, mb := range c.byName {
		m.bytes.Add(-mb.cost)
	}
	m.dropRendered(c)
	c.byName, c.sorted, c.loaded = nil, nil, false
}

// dropRendered forgets the cached renderings; the caller holds c.mu.
func (m *mirror) dropRendered(c *collection) {
	m.bytes.Add(-c.renderedCost)
	c.rendered, c.renderedCost = nil, 0
}

// timingCost approximates what a cached member holds besides its
// escaped data: the timing and its slices.
func timingCost(t *model.Timing) int64 {
	const timeSize, overrideSize = 24, 160
	return int64(unsafe.Sizeof(*t)) + int64(len(t.RRule)+len(t.TZID)) +
		int64(cap(t.RDates))*(timeSize+8) + int64(cap(t.ExDates))*timeSize + int64(cap(t.Overrides))*overrideSize
}

// list returns copies of every member in name order.
func (c *collection) list() []member {
	c.mu.RLock()
	if c.sorted != nil {
		out := make([]member, len(c.sorted))
		for i, mb := range c.sorted {
			out[i] = *mb
		}
		c.mu.RUnlock()
		return out
	}
	c.mu.RUnlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sorted == nil {
		c.sorted = make([]*member, 0, len(c.byName))
		for _, mb := range c.byName {
			c.sorted = append(c.sorted, mb)
		}
		sort.Slice(c.sorted, func(i, j int) bool { return c.sorted[i].name < c.sorted[j].name })
	}
	out := make([]member, len(c.sorted))
	for i, mb := range c.sorted {
		out[i] = *mb
	}
	return out
}

// fetch returns copies of the named members with their data, reading the
// ones not cached from the store in one query. Names not stored are left
// out; the order of names is kept.
func (m *mirror) fetch(ctx context.Context, st Store, calID int64, c *collection, names []string) ([]member, error) {
	out := make([]member, 0, len(names))
	var missing []string
	c.mu.RLock()
	for _, n := range names {
		mb := c.byName[n]
		if mb == nil {
			continue
		}
		if mb.escaped == nil {
			missing = append(missing, n)
		}
	}
	c.mu.RUnlock()
	var fetched map[string]*model.Object
	if len(missing) > 0 {
		objs, err := st.ObjectsByName(ctx, calID, missing)
		if err != nil {
			return nil, err
		}
		fetched = make(map[string]*model.Object, len(objs))
		for i := range objs {
			fetched[objs[i].Name] = &objs[i]
		}
		c.mu.Lock()
		for _, o := range fetched {
			if m.bytes.Load() >= m.limit {
				break // the budget is checked per object: one at most goes past it
			}
			mb := c.byName[o.Name]
			if mb == nil || mb.etag != o.ETag || mb.escaped != nil {
				continue
			}
			mb.size = len(o.Data)
			mb.component = o.Component
			// A copy: a pointer into objs would keep every object read
			// (and its data) alive as long as the member is cached.
			t := o.Timing
			mb.timing = &t
			var b bytes.Buffer
			b.Grow(len(o.Data) + len(o.Data)/16)
			escapeBytes(&b, o.Data)
			mb.escaped = b.Bytes()
			mb.cost = int64(cap(mb.escaped)) + timingCost(&t)
			m.bytes.Add(mb.cost)
		}
		c.mu.Unlock()
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, n := range names {
		mb := c.byName[n]
		if o := fetched[n]; o != nil && (mb == nil || mb.escaped == nil || mb.etag != o.ETag) {
			// Not cached (budget, or a write raced): answer from the read.
			out = append(out, member{name: o.Name, uid: o.UID, etag: o.ETag, modified: o.Modified, component: o.Component, data: o.Data, size: len(o.Data), timing: &o.Timing})
			continue
		}
		if mb != nil && mb.escaped != nil {
			out = append(out, *mb)
		}
	}
	return out, nil
}

// raw returns the member's stored data (unescaping the cached form).
func (mb *member) raw() []byte {
	if mb.data != nil || mb.escaped == nil {
		return mb.data
	}
	return unescapeXML(mb.escaped)
}

// unescapeXML undoes escape.
func unescapeXML(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '&' {
			switch {
			case bytes.HasPrefix(b[i:], []byte("&amp;")):
				out = append(out, '&')
				i += 4
				continue
			case bytes.HasPrefix(b[i:], []byte("&lt;")):
				out = append(out, '<')
				i += 3
				continue
			case bytes.HasPrefix(b[i:], []byte("&gt;")):
				out = append(out, '>')
				i += 3
				continue
			case bytes.HasPrefix(b[i:], []byte("&#13;")):
				out = append(out, '\r')
				i += 4
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

// object turns a member into the model.Object the property code takes;
// Data is set only for members read past the cache (see raw).
func (mb *member) object(calID int64) model.Object {
	o := model.Object{CalendarID: calID, Name: mb.name, UID: mb.uid, ETag: mb.etag, Modified: mb.modified, Component: mb.component, Data: mb.data}
	if mb.timing != nil {
		o.Timing = *mb.timing
	}
	return o
}

// render returns the cached rendering for key at the collection's current
// position, making it with fn when missing.
func (m *mirror) render(c *collection, key string, fn func() []byte) []byte {
	c.mu.RLock()
	b, ok := c.rendered[key]
	pos := c.pos
	c.mu.RUnlock()
	if ok {
		return b
	}
	b = fn()
	c.mu.Lock()
	// Kept whatever the budget (which it counts in, so object data
	// yields to it): clients poll unchanged collections, and at most four
	// renderings of the listing are kept.
	if c.pos == pos {
		if c.rendered == nil || len(c.rendered) >= 4 {
			m.dropRendered(c)
			c.rendered = map[string][]byte{}
		}
		if old, ok := c.rendered[key]; ok {
			c.renderedCost -= int64(cap(old))
			m.bytes.Add(-int64(cap(old)))
		}
		// Kept exactly: a grown buffer's spare capacity would be held too.
		if cap(b) > len(b)+len(b)/8 {
			b = bytes.Clone(b)
		}
		c.rendered[key] = b
		c.renderedCost += int64(cap(b))
		m.bytes.Add(int64(cap(b)))
	}
	c.mu.Unlock()
	return b
}

// forget drops the mirror of a deleted calendar.
func (m *mirror) forget(id int64) {
	m.mu.Lock()
	c := m.cols[id]
	delete(m.cols, id)
	m.mu.Unlock()
	if c != nil {
		c.mu.Lock()
		m.drop(c)
		c.mu.Unlock()
	}
}
