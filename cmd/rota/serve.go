package main

// Placeholder: the CalDAV engineer replaces this file.

import "errors"

// cmdServe runs `rota serve`.
func cmdServe(e *env, args []string) error {
	return errors.New("rota serve: not built yet")
}

// cmdUser runs `rota user`.
func cmdUser(e *env, args []string) error {
	return errors.New("rota user: not built yet")
}

// cmdFeed runs `rota feed`.
func cmdFeed(e *env, args []string) error {
	return errors.New("rota feed: not built yet")
}
