package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"rota/model"
	"rota/model/ics"
)

const exportUsage = "[--calendar NAME] [-o FILE]"

// cmdExport runs `rota export`: one VCALENDAR with every object of the
// calendar named, or of all calendars, to stdout or a file.
func cmdExport(e *env, args []string) error {
	fs := e.newFlags("export", exportUsage)
	calName := fs.String("calendar", "", "export only this calendar `NAME` (default all)")
	out := fs.String("o", "", "write to `FILE` instead of standard output")
	if rest, err := e.parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("export: unexpected argument %q (usage: rota export %s)", rest[0], exportUsage)
	}
	cals, err := e.calendarsFor(*calName)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var objs []model.Object
	for _, c := range cals {
		o, err := e.store.ListObjects(e.ctx, c.ID, true)
		if err != nil {
			return fmt.Errorf("export %s: %w", c.Name, err)
		}
		objs = append(objs, o...)
	}
	name := "rota"
	if len(cals) == 1 {
		name = cals[0].DisplayName
		if name == "" {
			name = cals[0].Name
		}
	}
	if *out == "" || *out == "-" {
		bw := bufio.NewWriter(e.stdout)
		if err := ics.Encode(bw, objs, name); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return bw.Flush()
	}
	if err := writeFileAtomic(*out, func(w io.Writer) error { return ics.Encode(w, objs, name) }); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(e.stderr, "exported %s from %s to %s\n", plural(len(objs), "object"), plural(len(cals), "calendar"), *out)
	return nil
}

// writeFileAtomic writes path through a temporary file in the same
// directory, so a failed export never leaves half a file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
