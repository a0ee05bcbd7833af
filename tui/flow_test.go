package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"rota/model"
	"rota/model/ics"
)

// End-to-end flows through a real Bubble Tea program (teatest), with the
// colour profile pinned so the output does not depend on the terminal.

func startProgram(t *testing.T, f *fixture) *teatest.TestModel {
	t.Helper()
	m := New(Options{Store: f.st, Now: func() time.Time { return fixedNow }, Location: berlin, Owner: "alice", Poll: 50 * time.Millisecond})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })
	waitScreen(t, tm, "Design review")
	return tm
}

func waitScreen(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// waitStore waits until cond holds of the store, checking every 10ms for
// up to 5s; on failure it reports the model's state.
func waitStore(t *testing.T, tm *teatest.TestModel, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(5 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-timeout:
			tm.Send(keyMsg("ctrl+c"))
			m := tm.FinalModel(t, teatest.WithFinalTimeout(time.Second)).(*Model)
			state := fmt.Sprintf("mode %v err %v info %q", m.mode, m.err, m.info)
			if m.form != nil {
				state += fmt.Sprintf(" form: waiting %v err %v saveErr %v title %q", m.form.waiting, m.form.err, m.form.saveErr, m.form.inputs[fTitle].Value())
			}
			t.Fatalf("store never showed %s; %s", what, state)
		}
	}
}

func keys(tm *teatest.TestModel, ks ...string) {
	for _, k := range ks {
		tm.Send(keyMsg(k))
	}
}

func TestFlowCreate(t *testing.T) {
	f := newFixture(t)
	tm := startProgram(t, f)
	keys(tm, "2", "n")
	waitScreen(t, tm, "New event")
	tm.Type("Team lunch")
	keys(tm, "enter")
	ctx := context.Background()
	waitStore(t, tm, "the new event", func() bool {
		objs, err := f.st.Search(ctx, "Team lunch", 5)
		return err == nil && len(objs) == 1
	})
	waitScreen(t, tm, `created "Team lunch"`)
	// The reload that selects the new event may still be running: enter
	// waits for it (keys queue during loads), so the detail that opens is
	// the new event's once the selection has settled.
	keys(tm, "enter")
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("Team lunch")) && bytes.Contains(b, []byte("shows as"))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	keys(tm, "q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if got := selectedTitle(fm); got != "Team lunch" {
		t.Errorf("selected %q at the end", got)
	}
}

func TestFlowEditRecurringThisOne(t *testing.T) {
	f := newFixture(t)
	tm := startProgram(t, f)
	keys(tm, "2", "l", "e")
	waitScreen(t, tm, "o this one")
	keys(tm, "o")
	waitScreen(t, tm, "ready to save")
	tm.Type(" (moved)")
	keys(tm, "tab", "tab", "ctrl+u")
	tm.Type("09:30")
	keys(tm, "tab", "ctrl+u")
	tm.Type("09:45")
	keys(tm, "enter")
	ctx := context.Background()
	waitStore(t, tm, "an override on Tuesday", func() bool {
		o, err := f.st.ObjectByUID(ctx, f.cals["work"], "standup")
		if err != nil {
			return false
		}
		evs, err := ics.Events(o.Data)
		return err == nil && len(evs) == 3
	})
	o, _ := f.st.ObjectByUID(ctx, f.cals["work"], "standup")
	evs, _ := ics.Events(o.Data)
	var got *model.Event
	for i := range evs {
		if evs[i].RecurrenceID.Equal(at(24, 9, 0)) {
			got = &evs[i]
		}
	}
	if got == nil || got.Title != "Standup (moved)" || !got.Start.Equal(at(24, 9, 30)) || !got.End.Equal(at(24, 9, 45)) {
		t.Fatalf("override %+v", got)
	}
	if evs[0].Title != "Standup" || !evs[0].Start.Equal(at(2, 9, 0)) {
		t.Errorf("master changed: %q at %v", evs[0].Title, evs[0].Start)
	}
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestFlowDelete(t *testing.T) {
	f := newFixture(t)
	tm := startProgram(t, f)
	keys(tm, "2", "j", "d")
	waitScreen(t, tm, "y/n")
	keys(tm, "y")
	ctx := context.Background()
	waitStore(t, tm, "the review gone", func() bool {
		_, err := f.st.ObjectByUID(ctx, f.cals["work"], "review")
		return errors.Is(err, model.ErrNotFound)
	})
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestFlowLive: a write by another door shows without a key press.
func TestFlowLive(t *testing.T) {
	f := newFixture(t)
	tm := startProgram(t, f)
	f.add(t, "home", model.Event{UID: "ext", Title: "Booked from a phone", TZID: "Europe/Berlin", Start: at(23, 18, 0), End: at(23, 19, 0)})
	waitScreen(t, tm, "Booked from a phone")
	keys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
