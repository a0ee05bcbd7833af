package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"rota/model"
	"rota/model/ics"
	"rota/store"
)

const importUsage = "FILE... [--calendar NAME]"

// cmdImport runs `rota import FILE... [--calendar NAME]` ("-" reads
// standard input). Each file is all or
// nothing: it is decoded completely, then written in one transaction. A
// refused file is reported with its name and line and the others still
// import; the command fails if any file was refused.
func cmdImport(e *env, args []string) error {
	fs := e.newFlags("import", importUsage)
	calName := fs.String("calendar", "default", "calendar `NAME` to import into (created if missing)")
	files, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("import: no files given (usage: rota import %s)", importUsage)
	}
	refused := 0
	for _, f := range files {
		if err := e.importFile(f, *calName); err != nil {
			if e.ctx.Err() != nil {
				return fmt.Errorf("import %s: %w", f, err)
			}
			refused++
			fmt.Fprintf(e.stderr, "rota: import %s: %v\n", f, err)
		}
	}
	switch {
	case refused == 1 && len(files) == 1:
		return errors.New("import: nothing imported")
	case refused == len(files):
		return fmt.Errorf("import: all %d files refused, nothing imported", refused)
	case refused > 0:
		return fmt.Errorf("import: %d of %d files refused, the others imported", refused, len(files))
	}
	return nil
}

// importResult is what one file brought.
type importResult struct {
	created, updated int
	instances        int // of the finite objects
	open             int // series without an end
	skipped          map[string]int
}

// importFile imports one file into the calendar calName of e.user.
// "-" is standard input.
func (e *env) importFile(path, calName string) error {
	var r io.Reader = e.stdin
	var bar *progress
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return errors.Unwrap(err) // *PathError would repeat the file name
		}
		defer f.Close()
		r = f
		st, err := f.Stat()
		if err != nil {
			return errors.Unwrap(err)
		}
		if bar = newProgress(e.stderr, filepath.Base(path), st.Size()); bar != nil {
			defer bar.done()
			r = bar.reader(f)
		}
	}
	objs, skipped, err := decodeCtx(e.ctx, r)
	if err != nil {
		return err
	}
	res, err := e.importObjects(objs, calName)
	bar.done() // before the summary, on the same terminal
	if err != nil {
		return err
	}
	for _, s := range skipped {
		res.skipped[s.Component]++
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", path, res)
	return nil
}

// importObjects writes decoded objects into calName (creating it), in one
// transaction.
func (e *env) importObjects(objs []model.Object, calName string) (importResult, error) {
	res := importResult{skipped: map[string]int{}}
	cal, err := e.store.Calendar(e.ctx, e.user, calName)
	missing := errors.Is(err, model.ErrNotFound)
	if missing {
		cal = model.Calendar{Owner: e.user, Name: calName, DisplayName: calName, Kind: model.CalendarEvents}
		if err := cal.Validate(); err != nil {
			return res, fmt.Errorf("calendar: %w", err)
		}
	} else if err != nil {
		return res, err
	}
	keep := objs[:0]
	for _, o := range objs {
		if !cal.Supports(o.Component) {
			res.skipped[o.Component]++
			continue
		}
		if o.Name == "" {
			o.Name = ics.ObjectName(o.UID)
		}
		keep = append(keep, o)
	}
	// The calendar is created only now that the file decoded and has
	// something for it: a refused file leaves the store as it was.
	if missing && len(keep) > 0 {
		if err := e.store.CreateCalendar(e.ctx, &cal); err != nil {
			return res, err
		}
	}
	for i := range keep {
		keep[i].CalendarID = cal.ID
	}
	if len(keep) > 0 {
		// The store counts the instances while it expands them for its
		// index: no second expansion here.
		n, err := e.store.Import(e.ctx, cal.ID, keep)
		if oe := (*store.ObjectError)(nil); errors.As(err, &oe) && keep[oe.Index].Line > 0 {
			err = fmt.Errorf("line %d: %w", keep[oe.Index].Line, oe) // as the codec's refusals read
		}
		if err != nil {
			return res, err
		}
		res.created, res.updated, res.instances, res.open = n.Created, n.Updated, n.Instances, n.Open
	}
	return res, nil
}

func (r importResult) String() string {
	s := fmt.Sprintf("%s (%d created, %d updated), %s", plural(r.created+r.updated, "object"), r.created, r.updated, plural(r.instances, "instance"))
	if r.open > 0 {
		s += " + " + plural(r.open, "series") + " without end"
	}
	skipped := 0
	for _, n := range r.skipped {
		skipped += n
	}
	if skipped > 0 {
		var what []string
		for _, comp := range slices.Sorted(maps.Keys(r.skipped)) {
			what = append(what, fmt.Sprintf("%d %s", r.skipped[comp], comp))
		}
		s += fmt.Sprintf(", %d skipped (%s)", skipped, strings.Join(what, ", "))
	}
	return s
}

// decodeCtx decodes in the background so that a cancelled or timed-out
// context ends the wait even if a pathological input were slow to decode.
func decodeCtx(ctx context.Context, r io.Reader) ([]model.Object, []ics.Skipped, error) {
	type result struct {
		objs    []model.Object
		skipped []ics.Skipped
		err     error
	}
	ch := make(chan result, 1)
	go func() {
		objs, skipped, err := ics.DecodeAll(r)
		ch <- result{objs, skipped, err}
	}()
	select {
	case res := <-ch:
		return res.objs, res.skipped, res.err
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}

// plural is "1 object", "2 objects".
func plural(n int, noun string) string {
	if n == 1 || strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
