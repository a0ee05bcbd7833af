package tui

import (
	"image/color"
	"strconv"

	"charm.land/lipgloss/v2"
)

// styles holds every style of the TUI, built from the terminal's background
// so light and dark terminals both read well.
type styles struct {
	dark bool

	tab, tabActive  lipgloss.Style
	period          lipgloss.Style
	dayHeader       lipgloss.Style
	today           lipgloss.Style
	cursorDay       lipgloss.Style
	dim             lipgloss.Style
	selected        lipgloss.Style
	status          lipgloss.Style
	err             lipgloss.Style
	ok              lipgloss.Style
	gutter          lipgloss.Style
	nowLine         lipgloss.Style
	grid            lipgloss.Style
	field           lipgloss.Style
	fieldFocus      lipgloss.Style
	title           lipgloss.Style
	conflict        lipgloss.Style
	prompt          lipgloss.Style
	fallbackPalette []string
}

func newStyles(dark bool) styles {
	ld := lipgloss.LightDark(dark)
	fg := ld(lipgloss.Color("#1f2328"), lipgloss.Color("#e6edf3"))
	muted := ld(lipgloss.Color("#6e7781"), lipgloss.Color("#8b949e"))
	accent := ld(lipgloss.Color("#0550ae"), lipgloss.Color("#79c0ff"))
	red := ld(lipgloss.Color("#cf222e"), lipgloss.Color("#ff7b72"))
	green := ld(lipgloss.Color("#116329"), lipgloss.Color("#7ee787"))
	selBg := ld(lipgloss.Color("#ddf4ff"), lipgloss.Color("#1f3a5f"))
	barBg := ld(lipgloss.Color("#eaeef2"), lipgloss.Color("#21262d"))
	return styles{
		dark:            dark,
		tab:             lipgloss.NewStyle().Foreground(muted),
		tabActive:       lipgloss.NewStyle().Foreground(accent).Bold(true).Underline(true),
		period:          lipgloss.NewStyle().Foreground(fg).Bold(true),
		dayHeader:       lipgloss.NewStyle().Foreground(accent).Bold(true),
		today:           lipgloss.NewStyle().Foreground(red).Bold(true),
		cursorDay:       lipgloss.NewStyle().Background(selBg).Foreground(fg).Bold(true),
		dim:             lipgloss.NewStyle().Foreground(muted),
		selected:        lipgloss.NewStyle().Background(selBg).Foreground(fg).Bold(true),
		status:          lipgloss.NewStyle().Background(barBg).Foreground(fg),
		err:             lipgloss.NewStyle().Foreground(red).Bold(true),
		ok:              lipgloss.NewStyle().Foreground(green),
		gutter:          lipgloss.NewStyle().Foreground(muted),
		nowLine:         lipgloss.NewStyle().Foreground(red),
		grid:            lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#d0d7de"), lipgloss.Color("#30363d"))),
		field:           lipgloss.NewStyle().Foreground(muted),
		fieldFocus:      lipgloss.NewStyle().Foreground(accent).Bold(true),
		title:           lipgloss.NewStyle().Foreground(fg).Bold(true),
		conflict:        lipgloss.NewStyle().Foreground(red),
		prompt:          lipgloss.NewStyle().Foreground(accent).Bold(true),
		fallbackPalette: []string{"#1a7f37", "#0969da", "#8250df", "#bf3989", "#bc4c00", "#4d2d00"},
	}
}

// calColor is a calendar's colour, or one from the palette when it has none.
func (s styles) calColor(hex string, id int64) color.Color {
	if len(hex) >= 7 && hex[0] == '#' {
		return lipgloss.Color(hex[:7])
	}
	return lipgloss.Color(s.fallbackPalette[int(id)%len(s.fallbackPalette)])
}

// block is the style of an event block: the calendar's colour as background
// and black or white text, whichever reads better on it.
func (s styles) block(c color.Color) lipgloss.Style {
	return lipgloss.NewStyle().Background(c).Foreground(contrast(c))
}

// swatch is the style of a coloured marker in text (agenda bars, labels).
func (s styles) swatch(c color.Color) lipgloss.Style {
	return lipgloss.NewStyle().Foreground(c)
}

func contrast(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	// Relative luminance, roughly (ITU-R BT.601 weights).
	y := (299*r + 587*g + 114*b) / 1000
	if y > 0x8000 {
		return lipgloss.Color("#000000")
	}
	return lipgloss.Color("#ffffff")
}

// labelColor parses a label's colour, falling back to the muted text colour.
func (s styles) labelColor(hex string) color.Color {
	if len(hex) == 7 && hex[0] == '#' {
		if _, err := strconv.ParseUint(hex[1:], 16, 32); err == nil {
			return lipgloss.Color(hex)
		}
	}
	return lipgloss.LightDark(s.dark)(lipgloss.Color("#6e7781"), lipgloss.Color("#8b949e"))
}
