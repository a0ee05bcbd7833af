package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"rota/model"
)

// A conflict is another busy event that shares a person (organizer or
// attendee, by email) or a resource with the event and overlaps it once
// both events' lead and lag buffers are counted.

// maxBuffer bounds how far before and after the event other events are
// looked at for their own buffers.
const maxBuffer = 12 * time.Hour

// conflictsMsg carries the conflicts of the event in the form.
type conflictsMsg struct {
	seq   int
	found []string
	err   error
}

func checkConflicts(ctx context.Context, st Store, seq int, ev model.Event, self model.Instance, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		found, err := findConflicts(ctx, st, ev, self, loc)
		return conflictsMsg{seq: seq, found: found, err: err}
	}
}

// conflictNote marks ev as conflicting (or not) and words the conflicts
// for the status line.
func conflictNote(ctx context.Context, st Store, ev *model.Event, self model.Instance, loc *time.Location) string {
	found, err := findConflicts(ctx, st, *ev, self, loc)
	if err != nil {
		return ""
	}
	ev.Conflict = len(found) > 0
	if len(found) == 0 {
		return ""
	}
	return "marked as conflict: " + found[0]
}

// findConflicts lists the clashes of ev, in words, using the model's
// conflict rules (model.ConflictsWith: people and resources, buffers
// counted). Resources are taken to have one unit each here.
func findConflicts(ctx context.Context, st Store, ev model.Event, self model.Instance, loc *time.Location) ([]string, error) {
	if ev.Start.IsZero() {
		return nil, nil
	}
	end := ev.End
	if end.IsZero() {
		end = ev.Start
	}
	s, e := fromEventTime(ev.Start, ev, loc), fromEventTime(end, ev, loc)
	b, ok := model.BookingFromEvent(&ev, s, e)
	if !ok || len(b.People) == 0 && len(b.Resources) == 0 {
		return nil, nil
	}
	insts, err := st.Instances(ctx, nil, model.Range{From: s.Add(-ev.LeadTime - maxBuffer), To: e.Add(ev.LagTime + maxBuffer)}, loc)
	if err != nil {
		return nil, fmt.Errorf("tui: check conflicts: %w", err)
	}
	cache := map[instKey][]model.Event{}
	titles := map[string]string{}
	var others []model.Booking
	for n, in := range insts {
		if n >= 500 {
			break
		}
		if in.UID == ev.UID || (self.UID != "" && in.UID == self.UID) {
			continue
		}
		ok := instKey{cal: in.CalendarID, uid: in.UID}
		evs, seen := cache[ok]
		if !seen {
			obj, err := st.ObjectByUID(ctx, in.CalendarID, in.UID)
			if err == nil {
				evs, _ = decodeEvents(obj.Data)
			}
			cache[ok] = evs
		}
		if len(evs) == 0 {
			continue
		}
		other, _ := instanceEvent(evs, in, loc)
		if ob, ok := model.BookingFromEvent(&other, in.Start, in.End); ok {
			others = append(others, ob)
			titles[ob.UID] = other.Title
		}
	}
	var out []string
	for _, c := range model.ConflictsWith(b, others, nil) {
		span := c.From.In(loc).Format("Mon 15:04") + "–" + c.To.In(loc).Format("15:04")
		switch c.Kind {
		case model.ConflictPerson:
			out = append(out, c.Who+" is also on "+quoteTitle(titles[c.With])+" "+span)
		case model.ConflictResource:
			out = append(out, c.Who+" is taken by "+quoteTitle(titles[c.With])+" "+span)
		default:
			out = append(out, c.Error())
		}
		if len(out) == 5 {
			break
		}
	}
	return out, nil
}
