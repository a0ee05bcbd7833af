package tui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rota/model"
	"rota/model/ics"
)

// scope says which instances of a recurring event an edit touches.
type scope int

const (
	scopeSingle    scope = iota // not recurring: the event itself
	scopeThis                   // this instance: a RECURRENCE-ID override
	scopeFollowing              // this and later ones: split the series
	scopeAll                    // every instance: the master
)

type opKind int

const (
	opDelete opKind = iota
	opShift
	opEdit
)

// pending is an edit waiting for the user's answer (which instances, or
// are you sure).
type pending struct {
	op     opKind
	prompt string
	inst   model.Instance
	scope  scope
	// opShift
	shift, resize time.Duration
	days          int
}

func (m *Model) isRecurring(in model.Instance) bool { return !in.RecurrenceID.IsZero() }

func quoteTitle(s string) string {
	if s == "" {
		s = "(no title)"
	}
	return "\"" + s + "\""
}

func (m *Model) startDelete() tea.Cmd {
	in, ok := m.selected()
	if !ok {
		return nil
	}
	m.pending = &pending{op: opDelete, inst: in}
	if m.isRecurring(in) {
		m.pending.prompt = "delete " + quoteTitle(in.Summary) + ": o this one · f this and following · a all · esc cancel"
		m.prompt(modeScope)
		return nil
	}
	m.pending.prompt = "delete " + quoteTitle(in.Summary) + "? y/n"
	m.prompt(modeConfirm)
	return nil
}

func (m *Model) startShift(shift time.Duration, days int, resize time.Duration) tea.Cmd {
	in, ok := m.selected()
	if !ok {
		return nil
	}
	p := &pending{op: opShift, inst: in, shift: shift, days: days, resize: resize, scope: scopeSingle}
	if m.isRecurring(in) {
		m.pending = p
		verb := "move"
		if resize != 0 {
			verb = "resize"
		}
		p.prompt = verb + " " + quoteTitle(in.Summary) + ": o this one · f this and following · a all · esc cancel"
		m.prompt(modeScope)
		return nil
	}
	return m.runPending(p)
}

func (m *Model) startEdit() tea.Cmd {
	in, ok := m.selected()
	if !ok {
		return nil
	}
	if m.isRecurring(in) {
		m.pending = &pending{op: opEdit, inst: in, prompt: "edit " + quoteTitle(in.Summary) + ": o this one · f this and following · a all · esc cancel"}
		m.prompt(modeScope)
		return nil
	}
	return m.openEditForm(in, scopeSingle)
}

func (m *Model) startDuplicate() tea.Cmd {
	in, ok := m.selected()
	if !ok {
		return nil
	}
	return m.writing(duplicate(m.ctx, m.store, in, m.loc))
}

func (m *Model) pendingKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	p := m.pending
	if p == nil {
		m.mode = m.back
		return nil
	}
	if m.mode == modeScope {
		switch {
		case key.Matches(msg, k.ScopeThis):
			p.scope = scopeThis
		case key.Matches(msg, k.ScopeFollowing):
			p.scope = scopeFollowing
		case key.Matches(msg, k.ScopeAll):
			p.scope = scopeAll
		case key.Matches(msg, k.Cancel):
			m.pending, m.mode = nil, m.back
			return nil
		default:
			return nil
		}
		switch p.op {
		case opEdit:
			m.pending = nil
			return m.openEditForm(p.inst, p.scope)
		case opDelete:
			names := map[scope]string{scopeThis: "this one", scopeFollowing: "this and all following", scopeAll: "the whole series"}
			p.prompt = "delete " + names[p.scope] + " of " + quoteTitle(p.inst.Summary) + "? y/n"
			m.mode = modeConfirm
			return nil
		}
		m.pending, m.mode = nil, m.back
		return m.runPending(p)
	}
	switch {
	case key.Matches(msg, k.Yes):
		m.pending, m.mode = nil, m.back
		return m.runPending(p)
	case key.Matches(msg, k.No):
		m.pending, m.mode = nil, m.back
	}
	return nil
}

func (m *Model) runPending(p *pending) tea.Cmd {
	switch p.op {
	case opDelete:
		return m.writing(deleteInstance(m.ctx, m.store, p.inst, p.scope, m.loc))
	case opShift:
		change := func(ev *model.Event) error { return shiftEvent(ev, p.shift, p.days, p.resize) }
		what := "moved"
		if p.resize != 0 {
			what = "resized"
		}
		return m.writing(writeChange(m.ctx, m.store, p.inst, p.scope, "", m.loc, change, what, false))
	}
	return nil
}

// shiftEvent moves an event by d and days and stretches its end by resize.
func shiftEvent(ev *model.Event, d time.Duration, days int, resize time.Duration) error {
	if ev.AllDay && (d != 0 || resize != 0) {
		return model.Invalid("start", "an all-day event moves by whole days (shift+left/right)")
	}
	if ev.End.IsZero() {
		ev.End = ev.Start
	}
	ev.Start = ev.Start.AddDate(0, 0, days).Add(d)
	ev.End = ev.End.AddDate(0, 0, days).Add(d)
	if resize != 0 {
		end := ev.End.Add(resize)
		if !end.After(ev.Start) {
			return model.Invalid("end", "cannot be shorter than 15 minutes here; delete it instead")
		}
		ev.End = end
	}
	return ev.Validate()
}

// savedMsg reports a write.
type savedMsg struct {
	key  instKey   // instance to select afterwards
	day  time.Time // day to show it on
	info string
	err  error
	form bool // the write came from the form, which stays open on error
}

func newUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:]) + "@rota"
}

// saveErr words a failed write so the user knows what to do next.
func saveErr(what string, err error) error {
	if errors.Is(err, model.ErrConflict) {
		return fmt.Errorf("tui: %s: it was changed elsewhere meanwhile, nothing was overwritten; reopen it to see the new version: %w", what, err)
	}
	return fmt.Errorf("tui: %s: %w", what, err)
}

// put writes an object guarded by cond.
func put(ctx context.Context, st Store, o model.Object, calID int64, name string, cond model.Condition) error {
	o.CalendarID = calID
	o.Name = name
	if o.Name == "" {
		o.Name = safeName(o.UID) + ".ics"
	}
	_, err := st.PutObject(ctx, &o, cond)
	return err
}

// safeName makes a resource name from a UID as Thunderbird does.
func safeName(uid string) string {
	var b strings.Builder
	for _, r := range uid {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// writeChange applies change to the instance in (or to the series, by
// scope) and writes the object back guarded by its ETag. etag, when set, is
// the version the user edited: a newer one in the store is a conflict.
func writeChange(ctx context.Context, st Store, in model.Instance, sc scope, etag string, loc *time.Location, change func(*model.Event) error, what string, form bool) tea.Cmd {
	return func() tea.Msg {
		k, day, info, err := applyChange(ctx, st, in, sc, etag, loc, change)
		if err != nil {
			return savedMsg{err: saveErr(what+" "+quoteTitle(in.Summary), err), form: form}
		}
		done := what + " " + quoteTitle(in.Summary)
		if info != "" {
			done += "; " + info
		}
		info = done
		return savedMsg{key: k, day: day, info: info, form: form}
	}
}

func applyChange(ctx context.Context, st Store, in model.Instance, sc scope, etag string, loc *time.Location, change func(*model.Event) error) (instKey, time.Time, string, error) {
	obj, err := st.ObjectByUID(ctx, in.CalendarID, in.UID)
	if err != nil {
		return instKey{}, time.Time{}, "", err
	}
	if etag != "" && obj.ETag != etag {
		return instKey{}, time.Time{}, "", model.ErrConflict
	}
	evs, err := ics.Events(obj.Data)
	if err != nil {
		return instKey{}, time.Time{}, "", err
	}
	if len(evs) == 0 {
		return instKey{}, time.Time{}, "", fmt.Errorf("no event in %s: %w", obj.Name, model.ErrNotFound)
	}
	cond := model.Condition{IfMatch: obj.ETag}
	master := evs[0]
	if master.Recurrence == nil || in.RecurrenceID.IsZero() {
		sc = scopeSingle
	}
	if sc == scopeFollowing && sameInstant(master.Start, in.RecurrenceID, master.AllDay || master.Floating, loc) {
		sc = scopeAll // "this and following" from the first one is all of them
	}
	ev, _ := instanceEvent(evs, in, loc)
	orig := ev
	if sc == scopeSingle {
		ev = master
		orig = master
	}
	if err := change(&ev); err != nil {
		return instKey{}, time.Time{}, "", err
	}
	note := conflictNote(ctx, st, &ev, in, loc)
	switch sc {
	case scopeSingle, scopeThis:
		o, err := ics.Apply(obj.Data, ev)
		if err != nil {
			return instKey{}, time.Time{}, "", err
		}
		if err := put(ctx, st, o, obj.CalendarID, obj.Name, cond); err != nil {
			return instKey{}, time.Time{}, "", err
		}
		k := keyOf(in)
		start := fromEventTime(ev.Start, ev, loc)
		return k, start, note, nil
	case scopeAll:
		delta := ev.Start.Sub(orig.Start)
		dur := ev.End.Sub(ev.Start)
		nm := ev
		nm.RecurrenceID = time.Time{}
		nm.Recurrence = master.Recurrence
		nm.Start = master.Start.Add(delta)
		nm.End = nm.Start.Add(dur)
		nm.Sequence = master.Sequence
		data := obj.Data
		var overrides []model.Event
		if delta != 0 {
			// The whole series moves: its exceptions and overrides move
			// with it, so they still name instances of the series.
			r := *master.Recurrence
			r.ExDates = shiftTimes(r.ExDates, delta)
			r.RDates = append([]model.Period(nil), r.RDates...)
			for i := range r.RDates {
				r.RDates[i].Start = r.RDates[i].Start.Add(delta)
			}
			nm.Recurrence = &r
			for _, ov := range evs[1:] {
				o, err := ics.RemoveInstance(data, ov.RecurrenceID)
				if err != nil {
					return instKey{}, time.Time{}, "", err
				}
				data = o.Data
				overrides = append(overrides, ov)
			}
		}
		o, err := ics.Apply(data, nm)
		if err != nil {
			return instKey{}, time.Time{}, "", err
		}
		for _, ov := range overrides {
			if ov.Start.Equal(ov.RecurrenceID) { // not moved by hand: moves along
				ov.Start, ov.End = ov.Start.Add(delta), ov.End.Add(delta)
			}
			ov.RecurrenceID = ov.RecurrenceID.Add(delta)
			if o, err = ics.Apply(o.Data, ov); err != nil {
				return instKey{}, time.Time{}, "", err
			}
		}
		if err := put(ctx, st, o, obj.CalendarID, obj.Name, cond); err != nil {
			return instKey{}, time.Time{}, "", err
		}
		k := keyOf(in)
		k.rec = in.RecurrenceID.Add(delta).Unix()
		return k, fromEventTime(ev.Start, ev, loc), note, nil
	}
	// scopeFollowing: end the old series before this instance and start a
	// new one here with the change.
	old := master
	rec := *master.Recurrence
	recID := toEventTime(in.RecurrenceID, master, loc)
	rec.RRule = endRule(rec.RRule, recID, master)
	rec.RDates, rec.ExDates = splitPeriods(rec.RDates, recID, true), splitTimes(rec.ExDates, recID, true)
	old.Recurrence = &rec
	oldObj, err := ics.Apply(obj.Data, old)
	if err != nil {
		return instKey{}, time.Time{}, "", err
	}
	// Overrides from here on move to the new series.
	oldObj, moved, err := dropOverrides(oldObj, evs[1:], recID)
	if err != nil {
		return instKey{}, time.Time{}, "", err
	}
	// The new series starts where this instance was planned, moved by the
	// edit, and keeps the length the edit gave it.
	delta := ev.Start.Sub(orig.Start)
	nw := ev
	nw.UID = newUID()
	nw.RecurrenceID = time.Time{}
	nw.Sequence = 0
	nw.Start = recID.Add(delta)
	nw.End = nw.Start.Add(ev.End.Sub(ev.Start))
	nr := *master.Recurrence
	nr.RRule = continueRule(nr.RRule, countBefore(obj.Timing, in.RecurrenceID, loc))
	nr.RDates, nr.ExDates = splitPeriods(nr.RDates, recID, false), splitTimes(nr.ExDates, recID, false)
	nw.Recurrence = &nr
	newObj, err := ics.New(nw)
	if err != nil {
		return instKey{}, time.Time{}, "", err
	}
	for _, ov := range moved {
		if ov.RecurrenceID.Equal(recID) {
			continue // the instance edited: the new series' first one
		}
		ov.UID = nw.UID
		ov.RecurrenceID = ov.RecurrenceID.Add(delta)
		if newObj, err = ics.Apply(newObj.Data, ov); err != nil {
			return instKey{}, time.Time{}, "", err
		}
	}
	if err := put(ctx, st, oldObj, obj.CalendarID, obj.Name, cond); err != nil {
		return instKey{}, time.Time{}, "", err
	}
	if err := put(ctx, st, newObj, obj.CalendarID, "", model.Condition{IfNoneMatch: true}); err != nil {
		return instKey{}, time.Time{}, "", fmt.Errorf("series ended but its continuation was not written: %w", err)
	}
	start := fromEventTime(nw.Start, nw, loc)
	return instKey{cal: obj.CalendarID, uid: newObj.UID, rec: start.Unix()}, start, note, nil
}

// dropOverrides removes from o the overrides at or after recID and returns
// them.
func dropOverrides(o model.Object, overrides []model.Event, recID time.Time) (model.Object, []model.Event, error) {
	var moved []model.Event
	for _, ov := range overrides {
		if ov.RecurrenceID.Before(recID) {
			continue
		}
		n, err := ics.RemoveInstance(o.Data, ov.RecurrenceID)
		if err != nil {
			return o, nil, err
		}
		o = n
		moved = append(moved, ov)
	}
	return o, moved, nil
}

// endRule rewrites an RRULE to stop before recID: UNTIL replaces COUNT and
// any later UNTIL, in the form RFC 5545 section 3.3.10 asks for (a DATE
// for all-day series, floating for floating ones, else UTC).
func endRule(rule string, recID time.Time, master model.Event) string {
	var until string
	switch {
	case master.AllDay:
		until = recID.AddDate(0, 0, -1).Format("20060102")
	case master.Floating:
		until = recID.Add(-time.Second).Format("20060102T150405")
	default:
		until = recID.Add(-time.Second).UTC().Format("20060102T150405Z")
	}
	var parts []string
	for _, p := range strings.Split(rule, ";") {
		up := strings.ToUpper(p)
		if strings.HasPrefix(up, "UNTIL=") || strings.HasPrefix(up, "COUNT=") || p == "" {
			continue
		}
		parts = append(parts, p)
	}
	return strings.Join(append(parts, "UNTIL="+until), ";")
}

// continueRule is the rule of the new series after a split: a COUNT loses
// the instances the old series kept.
func continueRule(rule string, before int) string {
	parts := strings.Split(rule, ";")
	for i, p := range parts {
		if strings.HasPrefix(strings.ToUpper(p), "COUNT=") {
			var n int
			fmt.Sscanf(p[6:], "%d", &n)
			parts[i] = "COUNT=" + itoa(max(n-before, 1))
		}
	}
	return strings.Join(parts, ";")
}

// countBefore counts the instances of a series that start before recID.
func countBefore(t model.Timing, recID time.Time, loc *time.Location) int {
	from := t.Start
	if t.AllDay || t.Floating {
		from = fromWall(from, loc)
	}
	occ, err := t.Expand(model.Range{From: from.Add(-time.Second), To: recID}, loc)
	if err != nil {
		return 0
	}
	return len(occ)
}

func shiftTimes(ts []time.Time, d time.Duration) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.Add(d)
	}
	return out
}

func splitTimes(ts []time.Time, at time.Time, before bool) []time.Time {
	var out []time.Time
	for _, t := range ts {
		if t.Before(at) == before {
			out = append(out, t)
		}
	}
	return out
}

func splitPeriods(ps []model.Period, at time.Time, before bool) []model.Period {
	var out []model.Period
	for _, p := range ps {
		if p.Start.Before(at) == before {
			out = append(out, p)
		}
	}
	return out
}

// deleteInstance removes an instance, the rest of a series, or an object.
func deleteInstance(ctx context.Context, st Store, in model.Instance, sc scope, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		what := "delete " + quoteTitle(in.Summary)
		err := func() error {
			obj, err := st.ObjectByUID(ctx, in.CalendarID, in.UID)
			if err != nil {
				return err
			}
			cond := model.Condition{IfMatch: obj.ETag}
			if in.RecurrenceID.IsZero() || sc == scopeAll || sc == scopeSingle {
				return st.DeleteObject(ctx, obj.CalendarID, obj.Name, cond)
			}
			evs, err := ics.Events(obj.Data)
			if err != nil {
				return err
			}
			master := evs[0]
			recID := toEventTime(in.RecurrenceID, master, loc)
			if sc == scopeThis {
				o, err := ics.RemoveInstance(obj.Data, recID)
				if err != nil {
					return err
				}
				return put(ctx, st, o, obj.CalendarID, obj.Name, cond)
			}
			if master.Recurrence == nil || sameInstant(master.Start, in.RecurrenceID, master.AllDay || master.Floating, loc) {
				return st.DeleteObject(ctx, obj.CalendarID, obj.Name, cond)
			}
			rec := *master.Recurrence
			rec.RRule = endRule(rec.RRule, recID, master)
			rec.RDates, rec.ExDates = splitPeriods(rec.RDates, recID, true), splitTimes(rec.ExDates, recID, true)
			master.Recurrence = &rec
			o, err := ics.Apply(obj.Data, master)
			if err != nil {
				return err
			}
			if o, _, err = dropOverrides(o, evs[1:], recID); err != nil {
				return err
			}
			return put(ctx, st, o, obj.CalendarID, obj.Name, cond)
		}()
		if err != nil {
			return savedMsg{err: saveErr(what, err)}
		}
		return savedMsg{day: in.Start, info: "deleted " + quoteTitle(in.Summary)}
	}
}

// duplicate copies an instance as a new single event in the same calendar.
func duplicate(ctx context.Context, st Store, in model.Instance, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		what := "duplicate " + quoteTitle(in.Summary)
		obj, err := st.ObjectByUID(ctx, in.CalendarID, in.UID)
		if err != nil {
			return savedMsg{err: saveErr(what, err)}
		}
		evs, err := ics.Events(obj.Data)
		if err != nil {
			return savedMsg{err: saveErr(what, err)}
		}
		ev, _ := instanceEvent(evs, in, loc)
		ev.UID = newUID()
		ev.RecurrenceID = time.Time{}
		ev.Recurrence = nil
		ev.Sequence = 0
		ev.Created, ev.Modified = time.Time{}, time.Time{}
		o, err := ics.New(ev)
		if err == nil {
			err = put(ctx, st, o, in.CalendarID, "", model.Condition{IfNoneMatch: true})
		}
		if err != nil {
			return savedMsg{err: saveErr(what, err)}
		}
		return savedMsg{key: instKey{cal: in.CalendarID, uid: o.UID}, day: in.Start, info: "duplicated " + quoteTitle(in.Summary)}
	}
}

// create writes a new event into calendar calID.
func create(ctx context.Context, st Store, calID int64, ev model.Event, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		what := "create " + quoteTitle(ev.Title)
		ev.UID = newUID()
		note := conflictNote(ctx, st, &ev, model.Instance{}, loc)
		o, err := ics.New(ev)
		if err == nil {
			err = put(ctx, st, o, calID, "", model.Condition{IfNoneMatch: true})
		}
		if err != nil {
			return savedMsg{err: saveErr(what, err), form: true}
		}
		info := "created " + quoteTitle(ev.Title)
		if note != "" {
			info += "; " + note
		}
		return savedMsg{key: instKey{cal: calID, uid: o.UID}, day: fromEventTime(ev.Start, ev, loc), info: info, form: true}
	}
}

// gotSaved finishes a write: the form closes, the window reloads and the
// cursor goes to what was written. A failed write keeps the form and the
// user's text.
func (m *Model) gotSaved(msg savedMsg) tea.Cmd {
	m.writes = max(m.writes-1, 0)
	if msg.err != nil {
		if msg.form && m.form != nil {
			m.form.saveErr = msg.err
			m.mode = modeForm
			return nil
		}
		m.err = msg.err
		return nil
	}
	if msg.form {
		m.form = nil
		m.mode = m.back
	}
	if m.mode == modeDetail && msg.key.uid == "" {
		m.mode = modeNormal
	}
	m.SetMessage(msg.info)
	if msg.key.uid != "" {
		m.selKey = msg.key
		m.sel = -1
	}
	if !msg.day.IsZero() {
		m.day = m.dayOf(msg.day)
	}
	cv, ok := m.screens[m.cur].(calendarView)
	if !ok {
		return nil
	}
	return m.reload(cv.fetch(m))
}

// describeRecurrence puts a series' rule in words with its exceptions.
func describeRecurrence(master model.Event) string {
	r := master.Recurrence
	var s string
	if r.RRule != "" {
		s = model.DescribeRecurrence(r.RRule, master.Start)
	}
	if len(r.RDates) > 0 {
		if s != "" {
			s += ", "
		}
		s += "plus " + itoa(len(r.RDates)) + " extra date(s)"
	}
	if len(r.ExDates) > 0 {
		s += ", except " + itoa(len(r.ExDates)) + " date(s)"
	}
	return s
}

func decodeEvents(data []byte) ([]model.Event, error) { return ics.Events(data) }
