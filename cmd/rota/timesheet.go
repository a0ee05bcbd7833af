package main

// Placeholder: the timesheet engineer replaces this file.

import "errors"

// cmdTimesheet runs `rota timesheet`.
func cmdTimesheet(e *env, args []string) error {
	return errors.New("rota timesheet: not built yet")
}
