package main

import "errors"

// cmdCalendars runs `rota calendars`.
func cmdCalendars(e *env, args []string) error {
	return errors.New("rota calendars: not built yet")
}
