package main

import "errors"

// cmdList runs `rota list`.
func cmdList(e *env, args []string) error {
	return errors.New("rota list: not built yet")
}
