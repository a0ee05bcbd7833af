// Package tui is rota's terminal UI: a Bubble Tea v2 program over a store.
//
// One root Model owns the window: a tab bar on top, the active screen's
// body, a status line (date, focused calendar, last error) and a help line
// that lists only the keys live in the current state. Screens render
// strings; only Model.View returns a tea.View. Update and View do no I/O and
// never read the clock: loads and writes run in tea.Cmds whose messages are
// declared beside them (store.go, edit.go), and the clock is
// Options.Now, read inside those commands.
//
// # Adding a screen
//
// A screen (schedules, slot finder, availability, timesheet) is a value
// implementing Screen. To add one:
//
//  1. Write tui/<name>.go with a type implementing Screen. Keep its data in
//     its own fields; load it in tea.Cmds returning your own message types
//     (declare them in your file). If it needs store methods beyond the
//     tui.Store interface, declare your own small interface in your file and
//     take it in your constructor.
//  2. Register it: either pass it in Options.Screens from cmd/rota/tui.go,
//     or append it in defaultScreens below. Screens after the four calendar
//     views get the number keys 5..9 in order, and tab cycles through all.
//
// The frame gives every screen: the window size, the clock (m.Now()), the
// user's zone (m.Location()), the cursor day (m.Day(), m.SetDay), the
// visible calendars (m.Calendars(), m.CalendarVisible) and their colours
// (m.CalendarColor), an error or message slot in the status line
// (m.SetError, m.SetMessage), and StoreChangedMsg whenever another door
// (CalDAV, another process) wrote to the store. The frame handles q, ?, tab,
// the number keys, / and c itself; every other key press reaches the
// active screen's Update. A screen with a text field implements
// InputCapturer: while it captures, every key but ctrl+c goes to it.
// Screen.Keys lists the screen's live bindings for the help line and the ?
// page.
package tui

import (
	"context"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"rota/model"
)

// Screen is one full-window view of the frame. See the package comment for
// how to add one.
type Screen interface {
	// Name is the short title in the tab bar, e.g. "Schedules".
	Name() string
	// Activate is called when the screen becomes the active one; it returns
	// the commands that load what it shows.
	Activate(m *Model) tea.Cmd
	// Update handles a message while the screen is active: key presses the
	// frame did not take, the screen's own messages, StoreChangedMsg.
	Update(m *Model, msg tea.Msg) tea.Cmd
	// View renders the body, exactly width x height cells at most.
	View(m *Model, width, height int) string
	// Title is the period or subject shown at the right of the tab bar.
	Title(m *Model) string
	// Keys lists the screen's live bindings (disabled ones are skipped).
	Keys(m *Model) []key.Binding
}

// InputCapturer is implemented by screens that sometimes take typed text:
// while CapturesInput is true the frame passes them every key press
// (ctrl+c still quits).
type InputCapturer interface {
	CapturesInput(m *Model) bool
}

// StatusReporter is implemented by screens with something to show in the
// status line whichever screen is active (the timesheet's running timer).
// Status returns plain text (the frame styles it), "" for nothing.
type StatusReporter interface {
	Status(m *Model) string
}

// Backgrounder is implemented by screens that keep what they show current
// while another screen is active (for their Status). While inactive, such
// a screen gets every message that is not a key press or one of the
// frame's own through Background instead of Update: StoreChangedMsg (also
// sent once when the calendars are first loaded), its own messages, and
// its GlobalKeys.
type Backgrounder interface {
	Background(m *Model, msg tea.Msg) tea.Cmd
}

// GlobalKeyer is implemented by screens with keys that work on every
// screen (space starts and stops the timesheet's timer). While the screen
// is inactive, a press of one of its GlobalKeys that the active screen
// does not bind itself goes to its Background; the help line lists them.
type GlobalKeyer interface {
	Backgrounder
	GlobalKeys(m *Model) []key.Binding
}

// KeyLister is implemented by screens whose Keys depend on their state
// (nothing loaded yet, the cursor row): AllKeys lists every binding, for
// the ? page.
type KeyLister interface {
	AllKeys(m *Model) []key.Binding
}

// StoreChangedMsg tells screens that the store was written (by this TUI,
// the CalDAV server or another process): reload what you show.
type StoreChangedMsg struct{}

// WarningMsg carries something that went wrong outside a key press (the
// store cutting a recurrence short, the in-process server failing) to the
// status line, since the TUI owns the terminal and stderr would scribble
// over it. Send it with tea.Program.Send.
type WarningMsg struct{ Err error }

// Options configure a Model.
type Options struct {
	Store Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Location is the zone times are shown in; nil means UTC.
	Location *time.Location
	// WeekStart is the first day of a week row (Monday by default when zero
	// is not asked for explicitly: set WeekStartSet).
	WeekStart    time.Weekday
	WeekStartSet bool
	// Owner is the login whose calendars are shown ("" = all).
	Owner string
	// Poll is how often the store's change-log head is read; 0 means 750ms,
	// negative disables watching (tests drive it by hand).
	Poll time.Duration
	// Screens are added after the agenda, day, week and month views.
	Screens []Screen
	// Context bounds store calls; nil means context.Background().
	Context context.Context
	// NoMouse leaves the mouse to the terminal (selecting text) instead
	// of clicks selecting and the wheel scrolling.
	NoMouse bool
}

type mode int

const (
	modeNormal    mode = iota
	modeDetail         // detail pane of the selected instance
	modeHelp           // every key
	modeCalendars      // calendars list
	modeSearch         // typing a search
	modeResults        // browsing search results
	modeForm           // create or edit form
	modeConfirm        // delete confirmation
	modeScope          // recurring: which instances
)

// Model is the root Bubble Tea model. Its methods with exported names are
// the frame's services to screens.
type Model struct {
	ctx       context.Context
	store     Store
	clock     func() time.Time
	now       time.Time
	loc       *time.Location
	weekStart time.Weekday
	owner     string
	pollEvery time.Duration
	mouse     bool

	width, height int
	sty           styles
	keys          keyMap
	help          help.Model

	screens []Screen
	cur     int

	mode    mode
	helpTop int // first line of the ? page shown
	// back is the mode a form or prompt returns to when it is done or
	// cancelled: the detail pane when it was started from there.
	back mode
	err  error
	info string

	cals      []model.Calendar
	hidden    map[int64]bool
	focusCal  int64
	calCursor int
	calTop    int // first row of the calendars list shown
	calBlock  map[int64]lipgloss.Style
	calMark   map[int64]lipgloss.Style
	fills     map[[2]int]string // styled grid pieces by kind and width
	layouts   map[int][]placed  // time-grid layout per day of the loaded window

	day    time.Time // cursor day, midnight in loc
	sel    int       // index into insts of the selected instance, -1 for none
	selKey instKey   // what sel points at, kept across reloads
	insts  []model.Instance
	byDay  map[int][]int // day number -> indexes into insts
	loaded model.Range
	seq    int
	want   model.Range // range of the load in flight
	head   int64
	// headKnown is set by the first poll; the first head is the baseline.
	headKnown bool

	agendaTop int
	gridTop   int
	gridSet   bool

	detail *detailMsg

	query     textinput.Model
	results   []searchHit
	resSel    int
	resText   string
	searching bool

	form    *form
	pending *pending

	// writes counts writes in flight (their savedMsg not yet back);
	// typeahead holds the key presses that came while the calendar view
	// was busy (a write or a window load in flight), to be replayed on
	// the data they were typed against.
	writes    int
	typeahead []tea.KeyPressMsg
	calsSeen  bool // the first calendars load answered (or failed)
}

// New returns the root model for opts.
func New(opts Options) *Model {
	m := &Model{
		ctx:       opts.Context,
		store:     opts.Store,
		clock:     opts.Now,
		loc:       opts.Location,
		weekStart: time.Monday,
		owner:     opts.Owner,
		pollEvery: opts.Poll,
		mouse:     !opts.NoMouse,
		width:     80,
		height:    24,
		keys:      defaultKeys(),
		help:      help.New(),
		hidden:    map[int64]bool{},
		calBlock:  map[int64]lipgloss.Style{},
		calMark:   map[int64]lipgloss.Style{},
		sel:       -1,
		byDay:     map[int][]int{},
	}
	if m.ctx == nil {
		m.ctx = context.Background()
	}
	if m.clock == nil {
		m.clock = time.Now
	}
	if m.loc == nil {
		m.loc = time.UTC
	}
	if opts.WeekStartSet {
		m.weekStart = opts.WeekStart
	}
	if m.pollEvery == 0 {
		m.pollEvery = 750 * time.Millisecond
	}
	// The constructor is not Update: reading the clock once here gives the
	// first frame a date before the first poll answers.
	m.now = m.clock().In(m.loc)
	m.day = m.dayOf(m.now)
	m.query = textinput.New()
	m.query.Prompt = "/"
	m.query.Placeholder = "title, place, person…"
	m.setStyles(true) // after the query exists: it gets a steady cursor
	m.screens = append(defaultScreens(), opts.Screens...)
	return m
}

// defaultScreens are the calendar views every frame has, keys 1..4.
func defaultScreens() []Screen {
	return []Screen{&agendaScreen{}, &gridScreen{days: 1}, &gridScreen{days: 7}, &monthScreen{}}
}

func (m *Model) setStyles(dark bool) {
	m.sty = newStyles(dark)
	m.fills = nil
	m.help.Styles = help.DefaultStyles(dark)
	m.calBlock = map[int64]lipgloss.Style{}
	m.calMark = map[int64]lipgloss.Style{}
	for _, c := range m.cals {
		col := m.sty.calColor(c.Color, c.ID)
		m.calBlock[c.ID] = m.sty.block(col)
		m.calMark[c.ID] = m.sty.swatch(col)
	}
	s := textinput.DefaultStyles(dark)
	s.Cursor.Blink = false
	m.query.SetStyles(s)
}

// Init loads the calendars, asks for the terminal background and starts
// watching the store.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, loadCalendars(m.ctx, m.store, m.owner)}
	if m.pollEvery > 0 {
		cmds = append(cmds, readHead(m.ctx, m.store, m.clock))
	}
	return tea.Batch(cmds...)
}

// Now is the clock as of the last poll, in the user's zone.
func (m *Model) Now() time.Time { return m.now }

// Location is the zone times are shown in.
func (m *Model) Location() *time.Location { return m.loc }

// WeekStart is the first weekday of a week.
func (m *Model) WeekStart() time.Weekday { return m.weekStart }

// Day is the cursor day (midnight in Location).
func (m *Model) Day() time.Time { return m.day }

// SetDay moves the cursor day and returns the load it needs, if any.
func (m *Model) SetDay(t time.Time) tea.Cmd {
	m.day = m.dayOf(t)
	m.selectInDay()
	return m.ensureWindow()
}

// Calendars lists the calendars shown in the frame.
func (m *Model) Calendars() []model.Calendar { return m.cals }

// CalendarVisible reports whether the user shows calendar id.
func (m *Model) CalendarVisible(id int64) bool { return !m.hidden[id] }

// CalendarColor is the style of a coloured marker for calendar id.
func (m *Model) CalendarColor(id int64) lipgloss.Style { return m.calMark[id] }

// SetError shows err in the status line (nil clears it).
func (m *Model) SetError(err error) { m.err = err; m.info = "" }

// SetMessage shows an informational message in the status line.
func (m *Model) SetMessage(s string) { m.info = s; m.err = nil }

// Report shows how a write went: err if it failed, else info.
func (m *Model) Report(err error, info string) {
	if err != nil {
		m.SetError(err)
		return
	}
	m.SetMessage(info)
}

// Size is the body size screens render into.
func (m *Model) Size() (width, height int) { return m.width, m.bodyHeight() }

func (m *Model) bodyHeight() int {
	h := m.height - 3
	if h < 1 {
		h = 1
	}
	return h
}

// Update routes a message: frame messages first, then the mode, then the
// active screen.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, nil
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
		return m, nil
	case calendarsMsg:
		return m, tea.Batch(m.gotCalendars(msg), m.replayKeys())
	case windowMsg:
		return m, tea.Batch(m.gotWindow(msg), m.replayKeys())
	case pollMsg:
		return m, readHead(m.ctx, m.store, m.clock)
	case headMsg:
		return m, m.gotHead(msg)
	case detailMsg:
		if m.detail == nil || m.detail.key == msg.key {
			m.detail = &msg
		}
		if m.form != nil && m.form.waiting && m.form.inst.UID == msg.key.uid {
			return m, m.formLoaded(msg)
		}
		return m, nil
	case searchMsg:
		m.gotSearch(msg)
		return m, nil
	case savedMsg:
		return m, tea.Batch(m.gotSaved(msg), m.replayKeys())
	case conflictsMsg:
		if m.form != nil && msg.seq == m.form.checkSeq {
			m.form.conflicts = msg.found
			m.form.checkErr = msg.err
		}
		return m, nil
	case WarningMsg:
		m.SetError(msg.Err)
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.MouseWheelMsg:
		if m.mouse {
			return m, m.wheel(msg)
		}
	case tea.MouseClickMsg:
		if m.mouse {
			return m, m.click(msg)
		}
	}
	bg := m.background(msg)
	if m.form != nil && m.mode == modeForm {
		return m, tea.Batch(m.form.update(m, msg), bg)
	}
	return m, tea.Batch(m.screens[m.cur].Update(m, msg), bg)
}

// background passes msg to every inactive Backgrounder.
func (m *Model) background(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i, s := range m.screens {
		if b, ok := s.(Backgrounder); ok && i != m.cur {
			cmds = append(cmds, b.Background(m, msg))
		}
	}
	return tea.Batch(cmds...)
}

// globalKey passes a key press to the inactive screen whose GlobalKeys
// bind it, unless the active screen binds it itself.
func (m *Model) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if key.Matches(msg, m.screens[m.cur].Keys(m)...) {
		return nil, false
	}
	for i, s := range m.screens {
		if g, ok := s.(GlobalKeyer); ok && i != m.cur && key.Matches(msg, g.GlobalKeys(m)...) {
			return g.Background(m, msg), true
		}
	}
	return nil, false
}

// globalBindings lists the live GlobalKeys of inactive screens that the
// active screen does not shadow.
func (m *Model) globalBindings() []key.Binding {
	own := map[string]bool{}
	for _, b := range m.screens[m.cur].Keys(m) {
		if b.Enabled() {
			for _, k := range b.Keys() {
				own[k] = true
			}
		}
	}
	var out []key.Binding
	for i, s := range m.screens {
		g, ok := s.(GlobalKeyer)
		if !ok || i == m.cur {
			continue
		}
		for _, b := range g.GlobalKeys(m) {
			shadowed := false
			for _, k := range b.Keys() {
				shadowed = shadowed || own[k]
			}
			if b.Enabled() && !shadowed {
				out = append(out, b)
			}
		}
	}
	return out
}

// Selected is the instance selected in the active calendar view (agenda,
// day, week, month), if any: what a global key may act on.
func (m *Model) Selected() (model.Instance, bool) {
	if _, ok := m.screens[m.cur].(calendarView); !ok {
		return model.Instance{}, false
	}
	return m.selected()
}

func (m *Model) gotCalendars(msg calendarsMsg) tea.Cmd {
	m.calsSeen = true
	if msg.err != nil {
		m.err = msg.err
		return nil
	}
	m.cals = msg.cals
	if m.cals == nil {
		m.cals = []model.Calendar{}
	}
	known := false
	for _, c := range m.cals {
		col := m.sty.calColor(c.Color, c.ID)
		m.calBlock[c.ID] = m.sty.block(col)
		m.calMark[c.ID] = m.sty.swatch(col)
		if c.ID == m.focusCal {
			known = true
		}
	}
	if !known {
		m.focusCal = defaultCalendar(m.cals)
	}
	first := m.loaded.From.IsZero() && m.want.From.IsZero()
	m.loaded = model.Range{} // calendars may have changed: reload
	if !first {
		return m.ensureWindow()
	}
	return tea.Batch(m.ensureWindow(), m.screens[m.cur].Activate(m), m.background(StoreChangedMsg{}))
}

func (m *Model) gotHead(msg headMsg) tea.Cmd {
	next := poll(m.pollEvery)
	if m.pollEvery <= 0 {
		next = nil
	}
	if msg.err != nil {
		m.err = msg.err
		return next
	}
	m.now = msg.now.In(m.loc)
	if m.headKnown && msg.head == m.head {
		return next
	}
	first := !m.headKnown
	m.head, m.headKnown = msg.head, true
	if first {
		return next
	}
	// Another door wrote: reload calendars (and with them the window) and
	// tell the active screen.
	return tea.Batch(next, loadCalendars(m.ctx, m.store, m.owner), func() tea.Msg { return StoreChangedMsg{} })
}

// visibleIDs lists the calendars shown.
func (m *Model) visibleIDs() []int64 {
	ids := make([]int64, 0, len(m.cals))
	for _, c := range m.cals {
		if !m.hidden[c.ID] {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// ensureWindow loads the active calendar view's window when what is loaded
// does not cover what it shows.
func (m *Model) ensureWindow() tea.Cmd {
	cs, ok := m.screens[m.cur].(calendarView)
	if !ok || m.cals == nil {
		return nil
	}
	need := cs.need(m)
	if covers(m.loaded, need) || covers(m.want, need) {
		return nil
	}
	return m.reload(cs.fetch(m))
}

// reload fetches r again whatever is loaded.
func (m *Model) reload(r model.Range) tea.Cmd {
	m.seq++
	m.want = r
	return loadWindow(m.ctx, m.store, m.seq, m.visibleIDs(), r, m.loc)
}

func covers(have, need model.Range) bool {
	if have.From.IsZero() || have.To.IsZero() {
		return false
	}
	return !need.From.Before(have.From) && !need.To.After(have.To)
}

// gotWindow takes a loaded window; an open detail pane reloads too, so a
// change made elsewhere shows there as well.
func (m *Model) gotWindow(msg windowMsg) tea.Cmd {
	if msg.seq != m.seq {
		return nil // a newer load is in flight
	}
	m.want = model.Range{}
	if msg.err != nil {
		m.err = msg.err
		if msg.insts == nil {
			return nil
		}
	}
	m.insts = msg.insts
	m.loaded = msg.r
	m.indexDays()
	m.restoreSelection()
	if m.mode == modeDetail {
		if in, ok := m.selected(); ok {
			if m.detail == nil || m.detail.key != keyOf(in) {
				m.detail = &detailMsg{key: keyOf(in)}
			}
			return loadDetail(m.ctx, m.store, in)
		}
	}
	return nil
}

// dayNum numbers days in the user's zone (days since 1970-01-01).
func (m *Model) dayNum(t time.Time) int {
	y, mo, d := t.In(m.loc).Date()
	return int(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayOf is midnight of t's day in the user's zone.
func (m *Model) dayOf(t time.Time) time.Time {
	y, mo, d := t.In(m.loc).Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, m.loc)
}

func (m *Model) indexDays() {
	m.byDay = make(map[int][]int, 64)
	m.layouts = nil
	lo, hi := m.dayNum(m.loaded.From), m.dayNum(m.loaded.To.Add(-time.Nanosecond))
	for i, in := range m.insts {
		first := m.dayNum(in.Start)
		last := first
		if in.End.After(in.Start) {
			last = m.dayNum(in.End.Add(-time.Nanosecond))
		}
		first, last = max(first, lo), min(last, hi)
		for d := first; d <= last; d++ {
			m.byDay[d] = append(m.byDay[d], i)
		}
	}
	// Within a day: all-day (and whole-day) instances first, then by start.
	for d, list := range m.byDay {
		sort.SliceStable(list, func(a, b int) bool {
			return m.inStrip(m.insts[list[a]], d) && !m.inStrip(m.insts[list[b]], d)
		})
	}
}

// restoreSelection puts the cursor back on the instance it was on (same UID
// and RecurrenceID), else on the first instance of the cursor day.
func (m *Model) restoreSelection() {
	if m.selKey.uid != "" {
		for _, i := range m.byDay[m.dayNum(m.day)] {
			if keyOf(m.insts[i]) == m.selKey {
				m.sel = i
				return
			}
		}
		for i, in := range m.insts {
			if keyOf(in) == m.selKey {
				m.sel = i
				m.day = m.dayOf(maxTime(in.Start, m.loaded.From))
				return
			}
		}
	}
	m.selectInDay()
}

// selectInDay selects the first instance of the cursor day unless the
// selection is already on that day.
func (m *Model) selectInDay() {
	list := m.byDay[m.dayNum(m.day)]
	for _, i := range list {
		if i == m.sel {
			return
		}
	}
	if len(list) == 0 {
		m.sel = -1
		m.selKey = instKey{}
		return
	}
	m.selectIndex(list[0])
}

func (m *Model) selectIndex(i int) {
	m.sel = i
	m.selKey = keyOf(m.insts[i])
}

// selected is the selected instance.
func (m *Model) selected() (model.Instance, bool) {
	if m.sel < 0 || m.sel >= len(m.insts) {
		return model.Instance{}, false
	}
	return m.insts[m.sel], true
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// switchScreen makes screen i active.
func (m *Model) switchScreen(i int) tea.Cmd {
	if i < 0 || i >= len(m.screens) || i == m.cur {
		return nil
	}
	m.cur = i
	m.mode = modeNormal
	m.gridSet = false
	return tea.Batch(m.ensureWindow(), m.screens[i].Activate(m))
}

// key handles a key press by mode.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if m.holdKey(msg) {
		m.typeahead = append(m.typeahead, msg)
		return nil
	}
	if c, ok := m.screens[m.cur].(InputCapturer); ok && m.mode == modeNormal && c.CapturesInput(m) {
		return m.screens[m.cur].Update(m, msg)
	}
	switch m.mode {
	case modeForm:
		return m.form.key(m, msg)
	case modeSearch:
		return m.searchKey(msg)
	case modeConfirm, modeScope:
		return m.pendingKey(msg)
	case modeHelp:
		return m.helpKey(msg)
	case modeDetail:
		return m.detailKey(msg)
	case modeCalendars:
		return m.calendarsKey(msg)
	case modeResults:
		return m.resultsKey(msg)
	}
	return m.normalKey(msg)
}

// normalKey handles a key press of the normal mode: the frame's keys,
// then global keys, then the active screen.
func (m *Model) normalKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.openHelp()
		return nil
	case key.Matches(msg, k.NextView):
		return m.switchScreen((m.cur + 1) % len(m.screens))
	case key.Matches(msg, k.Views, k.Screens):
		return m.switchScreen(int(msg.String()[0] - '1'))
	case key.Matches(msg, k.Search):
		m.mode = modeSearch
		m.query.SetValue("")
		return m.query.Focus()
	case key.Matches(msg, k.Calendars):
		m.mode = modeCalendars
		return nil
	case key.Matches(msg, k.Back):
		m.err, m.info = nil, ""
	}
	if cmd, ok := m.globalKey(msg); ok {
		return cmd
	}
	return m.screens[m.cur].Update(m, msg)
}

// prompt enters a form or prompt mode, remembering where it was started
// from (the calendar view or the detail pane) to go back there.
func (m *Model) prompt(md mode) {
	if m.mode == modeNormal || m.mode == modeDetail {
		m.back = m.mode
	}
	m.mode = md
}

// writing counts a write command in flight until its savedMsg is back.
func (m *Model) writing(cmd tea.Cmd) tea.Cmd {
	if cmd != nil {
		m.writes++
	}
	return cmd
}

// busy reports that what a calendar view shows is about to change: a
// write or a window load is in flight, or the calendars are not loaded yet.
func (m *Model) busy() bool {
	return m.writes > 0 || !m.want.From.IsZero() || !m.calsSeen
}

// maxTypeahead bounds the key presses held while busy.
const maxTypeahead = 64

// holdKey reports whether a key press must wait for the data it acts on:
// in a calendar view or its detail pane, while busy. Quit never waits.
func (m *Model) holdKey(msg tea.KeyPressMsg) bool {
	if m.mode != modeNormal && m.mode != modeDetail {
		return false
	}
	if _, ok := m.screens[m.cur].(calendarView); !ok || key.Matches(msg, m.keys.Quit) {
		return false
	}
	return m.busy() && len(m.typeahead) < maxTypeahead
}

// replayKeys handles the held key presses in order, until one makes the
// view busy again (the rest wait for that).
func (m *Model) replayKeys() tea.Cmd {
	var cmds []tea.Cmd
	for len(m.typeahead) > 0 && !m.busy() {
		k := m.typeahead[0]
		m.typeahead = m.typeahead[1:]
		cmds = append(cmds, m.key(k))
	}
	return tea.Batch(cmds...)
}

// liveKeys lists the bindings that do something now, for the help line.
func (m *Model) liveKeys() []key.Binding {
	k := m.keys
	switch m.mode {
	case modeForm:
		return []key.Binding{k.NextField, k.PrevField, k.Save, k.Cancel}
	case modeSearch:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search")), k.Cancel}
	case modeConfirm:
		return []key.Binding{k.Yes, k.No}
	case modeScope:
		return []key.Binding{k.ScopeThis, k.ScopeFollowing, k.ScopeAll, k.Cancel}
	case modeHelp:
		_, n, h := m.helpLines()
		scroll := key.NewBinding(key.WithKeys("up", "down", "k", "j", "pgup", "pgdown"), key.WithHelp("↑↓ pgup/pgdn", "scroll"))
		scroll.SetEnabled(n > h)
		return []key.Binding{scroll, k.Back, k.Quit}
	case modeDetail:
		_, ok := m.selected()
		out := enable([]key.Binding{k.Edit, k.Delete, k.Duplicate, k.Back}, ok, ok, ok, true)
		if m.sideDetail() { // the view beside it takes its keys too
			out = append(out, without(m.screens[m.cur].Keys(m), out)...)
		}
		return append(append(out, m.globalBindings()...), k.Quit)
	case modeCalendars:
		return []key.Binding{k.Up, k.Down, k.Toggle, k.Focus, k.Back}
	case modeResults:
		return enable([]key.Binding{k.Up, k.Down, k.Open, k.Back}, true, true, len(m.results) > 0, true)
	}
	// ? first so that it shows however narrow the terminal; the screen's
	// own keys next, most useful first.
	out := []key.Binding{k.Help}
	out = append(out, m.screens[m.cur].Keys(m)...)
	out = append(out, m.globalBindings()...)
	return append(out, k.NextView, k.Search, k.Calendars, k.Quit)
}

// helpLine fits the live keys into w cells. When they do not all fit, ?
// (which lists them all), quit and the keys that work on every screen stay,
// then as many of the others as fit, in their order; the line keeps the
// usual order and ends in … when some are left out.
func (m *Model) helpLine(w int) string {
	var keys []key.Binding
	for _, b := range m.liveKeys() {
		if b.Enabled() {
			keys = append(keys, b)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	width := func(b key.Binding) int { return lipgloss.Width(b.Help().Key) + 1 + lipgloss.Width(b.Help().Desc) }
	const sep, more = 3, 2 // " • ", " …"
	all := -sep
	for _, b := range keys {
		all += sep + width(b)
	}
	if all <= w {
		return m.help.ShortHelpView(keys)
	}
	global := map[string]bool{}
	for _, b := range m.globalBindings() {
		global[b.Help().Key+" "+b.Help().Desc] = true
	}
	keep := make([]bool, len(keys))
	used := -sep + more
	for i, b := range keys {
		if i == 0 || key.Matches(keyQuit, b) || global[b.Help().Key+" "+b.Help().Desc] {
			keep[i] = true
			used += sep + width(b)
		}
	}
	for i, b := range keys {
		if !keep[i] && used+sep+width(b) <= w {
			keep[i] = true
			used += sep + width(b)
		}
	}
	var out []key.Binding
	for i, b := range keys {
		if keep[i] {
			out = append(out, b)
		}
	}
	line := m.help.ShortHelpView(out)
	if len(out) < len(keys) {
		line += m.help.Styles.Ellipsis.Render(" …")
	}
	return line
}

// keyQuit is a press of q, to tell the quit binding.
var keyQuit = tea.KeyPressMsg{Code: 'q', Text: "q"}

// without lists the bindings of bs that share no key with taken (nor
// with enter, which closes the detail pane).
func without(bs, taken []key.Binding) []key.Binding {
	used := map[string]bool{"enter": true}
	for _, b := range taken {
		for _, k := range b.Keys() {
			used[k] = true
		}
	}
	var out []key.Binding
	for _, b := range bs {
		clash := false
		for _, k := range b.Keys() {
			clash = clash || used[k]
		}
		if !clash {
			out = append(out, b)
		}
	}
	return out
}

// enable returns copies of bs with each enabled as on says.
func enable(bs []key.Binding, on ...bool) []key.Binding {
	out := make([]key.Binding, len(bs))
	for i, b := range bs {
		b.SetEnabled(on[i])
		out[i] = b
	}
	return out
}

// View draws the frame: tab bar, body, status line, help line.
func (m *Model) View() tea.View {
	w, h := m.width, m.bodyHeight()
	var b strings.Builder
	b.WriteString(fit(m.tabBar(), w))
	b.WriteByte('\n')
	b.WriteString(fitBlock(m.body(w, h), w, h))
	b.WriteByte('\n')
	b.WriteString(m.statusLine(w))
	b.WriteByte('\n')
	b.WriteString(fit(m.helpLine(w), w))
	out := b.String()
	if m.height < 4 { // too short for the frame: what fits, from the top
		out = strings.Join(strings.SplitN(out, "\n", max(m.height, 1)+1)[:max(m.height, 1)], "\n")
	}
	v := tea.NewView(out)
	v.AltScreen = true
	if m.mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "rota"
	return v
}

func (m *Model) body(w, h int) string {
	switch m.mode {
	case modeHelp:
		return m.helpPage(h)
	case modeDetail:
		if m.sideDetail() {
			return m.sideBySide(w, h)
		}
		return m.detailView(w, h)
	case modeCalendars:
		return m.calendarsView(w, h)
	case modeResults, modeSearch:
		if m.mode == modeResults || m.searching || m.results != nil {
			return m.resultsView(w, h)
		}
	case modeForm:
		return m.form.view(m, w, h)
	}
	return m.screens[m.cur].View(m, w, h)
}

func (m *Model) tabBar() string {
	var b strings.Builder
	for i, s := range m.screens {
		label := string(rune('1'+i)) + " " + s.Name()
		if i >= 9 {
			label = s.Name()
		}
		if i == m.cur {
			b.WriteString(m.sty.tabActive.Render(label))
		} else {
			b.WriteString(m.sty.tab.Render(label))
		}
		b.WriteString("  ")
	}
	left := b.String()
	title := m.screens[m.cur].Title(m)
	if lipgloss.Width(left)+1+lipgloss.Width(title) > m.width {
		left = m.shortTabs()
	}
	// The title gets what the tabs leave, at least 20 cells.
	room := max(m.width-lipgloss.Width(left)-1, min(20, m.width))
	title = m.sty.period.Render(fit(title, room))
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(title)
	if gap < 1 {
		return left + " " + title
	}
	return left + strings.Repeat(" ", gap) + title
}

// shortTabs is the tab bar when the title does not fit beside it: the
// inactive screens by number only.
func (m *Model) shortTabs() string {
	var b strings.Builder
	for i, s := range m.screens {
		if i > 0 {
			b.WriteString(" ")
		}
		switch {
		case i == m.cur:
			b.WriteString(m.sty.tabActive.Render(string(rune('1'+i)) + " " + s.Name()))
		case i < 9:
			b.WriteString(m.sty.tab.Render(string(rune('1' + i))))
		}
	}
	return b.String() + " "
}

func (m *Model) statusLine(w int) string {
	var parts []string
	parts = append(parts, m.now.Format("Mon 2 Jan 2006 15:04"))
	if c, ok := m.calendar(m.focusCal); ok {
		parts = append(parts, m.calMark[c.ID].Render("■")+" "+calName(c))
	}
	for _, s := range m.screens {
		if r, ok := s.(StatusReporter); ok {
			if t := r.Status(m); t != "" {
				parts = append(parts, m.sty.ok.Render(t))
			}
		}
	}
	if m.mode == modeSearch {
		parts = append(parts, m.query.View())
	} else if m.pending != nil && (m.mode == modeConfirm || m.mode == modeScope) {
		parts = append(parts, m.sty.prompt.Render(m.pending.prompt))
	}
	line := strings.Join(parts, " · ")
	var tail string
	switch {
	case m.err != nil:
		tail = m.sty.err.Render(m.err.Error())
	case m.info != "":
		tail = m.sty.ok.Render(m.info)
	case m.writes > 0:
		tail = m.sty.dim.Render("saving…")
	case !m.want.From.IsZero():
		tail = m.sty.dim.Render("loading…")
	}
	if tail != "" {
		line += " · " + tail
	}
	return m.sty.status.Render(m.onBar(pad(fit(line, w), w)))
}

// onBar keeps the status bar's colours across the resets of the styled
// pieces inside it (a calendar's swatch, an error, a screen's status).
func (m *Model) onBar(s string) string {
	seq, _, _ := strings.Cut(m.sty.status.Render("x"), "x")
	if seq == "" {
		return s
	}
	for _, reset := range []string{"\x1b[49m", "\x1b[0m", "\x1b[m"} {
		s = strings.ReplaceAll(s, reset, reset+seq)
	}
	return s
}

func (m *Model) calendar(id int64) (model.Calendar, bool) {
	for _, c := range m.cals {
		if c.ID == id {
			return c, true
		}
	}
	return model.Calendar{}, false
}

func calName(c model.Calendar) string {
	if c.DisplayName != "" {
		return c.DisplayName
	}
	return c.Name
}

// fit truncates a (possibly styled) line to w cells.
func fit(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// pad fills a line with spaces to w cells.
func pad(s string, w int) string {
	if n := w - lipgloss.Width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// fitBlock makes s exactly h lines of at most w cells.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// defaultCalendar picks where new events go until the user chooses (c,
// enter): an events calendar, preferably one whose name says it is the
// everyday one, else the first that is not a timesheet or a task list
// (a timesheet's events are time entries), else none.
func defaultCalendar(cals []model.Calendar) int64 {
	best, rank := int64(0), 99
	for _, c := range cals {
		if c.Kind != "" && c.Kind != model.CalendarEvents {
			continue
		}
		r := 10
		for i, n := range []string{"default", "personal", "calendar", "work", "home"} {
			if strings.EqualFold(c.Name, n) {
				r = i
			}
		}
		if r < rank {
			best, rank = c.ID, r
		}
	}
	for _, c := range cals {
		if best == 0 && c.Kind != model.CalendarTimesheet && c.Kind != model.CalendarTasks {
			best = c.ID
		}
	}
	return best
}
