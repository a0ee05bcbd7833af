package main

import "errors"

// cmdDemo runs `rota demo`.
func cmdDemo(e *env, args []string) error {
	return errors.New("rota demo: not built yet")
}
