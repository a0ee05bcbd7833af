package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
)

// progressMin is the smallest file that gets a progress bar.
const progressMin = 4 << 20

// progress draws a one-line bar on a terminal while a file is read.
type progress struct {
	w           io.Writer
	name        string
	total, read int64
	shown       int // last percentage drawn
}

// newProgress returns a bar for a file of size bytes, or nil when w is not
// a terminal or the file is small.
func newProgress(w io.Writer, name string, size int64) *progress {
	f, ok := w.(*os.File)
	if !ok || size < progressMin || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return nil
	}
	return &progress{w: w, name: name, total: size, shown: -1}
}

// reader counts what r gives and redraws the bar at each whole percent.
func (p *progress) reader(r io.Reader) io.Reader { return &progressReader{r: r, p: p} }

type progressReader struct {
	r io.Reader
	p *progress
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.p.add(int64(n))
	return n, err
}

func (p *progress) add(n int64) {
	p.read += n
	pct := int(p.read * 100 / p.total)
	if pct == p.shown {
		return
	}
	p.shown = pct
	const width = 30
	fill := pct * width / 100
	fmt.Fprintf(p.w, "\r%s [%s%s] %3d%% %.1f/%.1f MB", p.name, strings.Repeat("#", fill), strings.Repeat(" ", width-fill), pct,
		float64(p.read)/1e6, float64(p.total)/1e6)
	if pct >= 100 {
		fmt.Fprint(p.w, " writing...")
	}
}

// done clears the bar, once; a nil bar does nothing.
func (p *progress) done() {
	if p == nil || p.w == nil {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
	p.w = nil
}
