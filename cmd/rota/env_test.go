package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain keeps the developer's own config file and environment out of
// the tests.
func TestMain(m *testing.M) {
	os.Setenv("ROTA_CONFIG", filepath.Join(os.TempDir(), "rota-test-no-such-config"))
	for _, v := range []string{"ROTA_STORE", "ROTA_USER", "ROTA_TZ"} {
		os.Unsetenv(v)
	}
	os.Exit(m.Run())
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "config")
	if err := os.WriteFile(conf, []byte("# rota\nstore = /srv/rota/file.db\nuser = fileuser  # owner\ntz = Asia/Tokyo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ROTA_CONFIG", conf)
	t.Setenv("ROTA_USER", "envuser")
	var out bytes.Buffer
	e, err := newEnv(context.Background(), config{TZ: "Europe/Madrid"}, nil, &out, &out, false)
	if err != nil {
		t.Fatal(err)
	}
	// flag > environment > file.
	if e.storePath != "/srv/rota/file.db" || e.user != "envuser" || e.loc.String() != "Europe/Madrid" {
		t.Errorf("store %q user %q tz %q", e.storePath, e.user, e.loc)
	}

	t.Setenv("XDG_DATA_HOME", dir)
	if p, _ := storePath(""); p != filepath.Join(dir, "rota", "rota.db") {
		t.Errorf("default store %q", p)
	}

	if err := os.WriteFile(conf, []byte("store = x\ncolour = red\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := newEnv(context.Background(), config{}, nil, &out, &out, false); err == nil || !strings.Contains(err.Error(), "line 2: unknown key \"colour\"") {
		t.Errorf("bad config: %v", err)
	}
	if _, err := newEnv(context.Background(), config{TZ: "Mars/Olympus"}, nil, &out, &out, false); err == nil {
		t.Error("unknown --tz accepted")
	}
}
