package tui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	tea "charm.land/bubbletea/v2"

	"rota/model"
)

// Store is what the TUI needs of a store. *sqlite.Store satisfies it; the
// TUI never imports a concrete store.
type Store interface {
	Calendars(ctx context.Context, owner string) ([]model.Calendar, error)
	Instances(ctx context.Context, calIDs []int64, r model.Range, floating *time.Location) ([]model.Instance, error)
	ObjectByUID(ctx context.Context, calID int64, uid string) (model.Object, error)
	PutObject(ctx context.Context, o *model.Object, cond model.Condition) (created bool, err error)
	DeleteObject(ctx context.Context, calID int64, name string, cond model.Condition) error
	Search(ctx context.Context, text string, limit int) ([]model.Object, error)
	Head(ctx context.Context) (int64, error)
}

// instKey names one instance across reloads: the object's UID and the
// instance's original start.
type instKey struct {
	cal int64
	uid string
	rec int64 // RecurrenceID in Unix seconds; 0 when not recurring
}

func keyOf(in model.Instance) instKey {
	k := instKey{cal: in.CalendarID, uid: in.UID}
	if !in.RecurrenceID.IsZero() {
		k.rec = in.RecurrenceID.Unix()
	}
	return k
}

// calendarsMsg carries the calendars of the owner.
type calendarsMsg struct {
	cals []model.Calendar
	err  error
}

// loadCalendars lists the owner's calendars; an owner with none sees every
// calendar of the store (a demo store made under another name).
func loadCalendars(ctx context.Context, st Store, owner string) tea.Cmd {
	return func() tea.Msg {
		cals, err := st.Calendars(ctx, owner)
		if err == nil && len(cals) == 0 && owner != "" {
			cals, err = st.Calendars(ctx, "")
		}
		if err != nil {
			return calendarsMsg{err: fmt.Errorf("tui: load calendars: %w", err)}
		}
		sort.SliceStable(cals, func(i, j int) bool {
			if cals[i].Order != cals[j].Order {
				return cals[i].Order < cals[j].Order
			}
			return cals[i].Name < cals[j].Name
		})
		return calendarsMsg{cals: cals}
	}
}

// windowMsg carries the instances of a time window.
type windowMsg struct {
	seq   int
	r     model.Range
	insts []model.Instance
	err   error
}

// loadWindow reads the instances of the visible calendars in r.
func loadWindow(ctx context.Context, st Store, seq int, calIDs []int64, r model.Range, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		if len(calIDs) == 0 {
			return windowMsg{seq: seq, r: r}
		}
		insts, err := st.Instances(ctx, calIDs, r, loc)
		if err != nil && !errors.Is(err, model.ErrTooManyInstances) {
			return windowMsg{seq: seq, r: r, err: fmt.Errorf("tui: load %s..%s: %w", r.From.Format("2 Jan"), r.To.Format("2 Jan"), err)}
		}
		sort.SliceStable(insts, func(i, j int) bool {
			if !insts[i].Start.Equal(insts[j].Start) {
				return insts[i].Start.Before(insts[j].Start)
			}
			return insts[i].End.After(insts[j].End)
		})
		return windowMsg{seq: seq, r: r, insts: insts, err: err}
	}
}

// pollMsg asks for a look at the store's change-log head.
type pollMsg struct{}

// headMsg carries the store's change-log head and the clock at that moment.
type headMsg struct {
	head int64
	now  time.Time
	err  error
}

// poll waits d and then asks for the head.
func poll(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return pollMsg{} })
}

// readHead reads the change-log head: one cheap query, so a CalDAV write or
// another process shows within a poll interval.
func readHead(ctx context.Context, st Store, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		h, err := st.Head(ctx)
		if err != nil {
			err = fmt.Errorf("tui: watch store: %w", err)
		}
		return headMsg{head: h, now: now(), err: err}
	}
}

// detailMsg carries the object behind an instance, decoded.
type detailMsg struct {
	key    instKey
	obj    model.Object
	events []model.Event
	err    error
}

// loadDetail reads and decodes the object of an instance.
func loadDetail(ctx context.Context, st Store, in model.Instance) tea.Cmd {
	return func() tea.Msg {
		obj, err := st.ObjectByUID(ctx, in.CalendarID, in.UID)
		if err != nil {
			return detailMsg{key: keyOf(in), err: fmt.Errorf("tui: open %q: %w", in.Summary, err)}
		}
		evs, err := decodeEvents(obj.Data)
		if err != nil {
			return detailMsg{key: keyOf(in), err: fmt.Errorf("tui: read %q: %w", in.Summary, err)}
		}
		return detailMsg{key: keyOf(in), obj: obj, events: evs}
	}
}

// searchMsg carries search results.
type searchMsg struct {
	text string
	hits []searchHit
	err  error
}

// searchHit is one object found, placed at its next instance.
type searchHit struct {
	obj  model.Object
	inst model.Instance // zero Start when the object has no instance
}

// search runs a text search and places every hit on the instance nearest to
// now (the next one, or the last one of a finished series).
func search(ctx context.Context, st Store, text string, cals map[int64]bool, now time.Time, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		objs, err := st.Search(ctx, text, 200)
		if err != nil {
			return searchMsg{text: text, err: fmt.Errorf("tui: search %q: %w", text, err)}
		}
		var hits []searchHit
		for _, o := range objs {
			if !cals[o.CalendarID] {
				continue
			}
			hits = append(hits, searchHit{obj: o, inst: placeObject(o, now, loc)})
			if len(hits) == 50 {
				break
			}
		}
		sortHits(hits, now)
		return searchMsg{text: text, hits: hits}
	}
}

// placeObject finds the instance of o to jump to: the next one from now
// within two years, else the first one.
func placeObject(o model.Object, now time.Time, loc *time.Location) model.Instance {
	in := model.Instance{CalendarID: o.CalendarID, ObjectName: o.Name, UID: o.UID, Summary: o.Summary}
	t := o.Timing
	if t.Recurring() {
		occ, err := t.Expand(model.Range{From: now, To: now.AddDate(2, 0, 0)}, loc)
		if err == nil && len(occ) > 0 {
			in.RecurrenceID, in.Start, in.End, in.Overridden = occ[0].RecurrenceID, occ[0].Start, occ[0].End, occ[0].Overridden
			return in
		}
		occ, err = t.Expand(model.Range{From: t.Start.AddDate(0, 0, -1), To: t.Start.AddDate(0, 0, 2)}, loc)
		if err == nil && len(occ) > 0 {
			in.RecurrenceID, in.Start, in.End = occ[0].RecurrenceID, occ[0].Start, occ[0].End
			return in
		}
	}
	in.Start = t.Start
	if t.AllDay || t.Floating {
		in.Start = time.Date(t.Start.Year(), t.Start.Month(), t.Start.Day(), t.Start.Hour(), t.Start.Minute(), t.Start.Second(), 0, loc)
	}
	in.End = in.Start.Add(t.Duration).AddDate(0, 0, t.Days)
	in.AllDay, in.Floating = t.AllDay, t.Floating
	return in
}

// sortHits orders search hits as a person looks for them: what is coming,
// soonest first; then what is past, latest first; then what has no date.
func sortHits(hits []searchHit, now time.Time) {
	rank := func(h searchHit) int {
		switch {
		case h.inst.Start.IsZero():
			return 2
		case h.inst.End.Before(now):
			return 1
		}
		return 0
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if rank(a) == 1 {
			return a.inst.Start.After(b.inst.Start)
		}
		return a.inst.Start.Before(b.inst.Start)
	})
}
