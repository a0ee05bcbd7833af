package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"rota/caldav"
	"rota/store/sqlite"
)

// The CalDAV server runs over the concrete store.
var _ caldav.Store = (*sqlite.Store)(nil)

func runWithStdin(t *testing.T, store, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runAt(context.Background(), func() time.Time { return testNow }, append([]string{"--store", store, "--user", "alice"}, args...),
		strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

func TestUserCommands(t *testing.T) {
	store := filepath.Join(t.TempDir(), "rota.db")
	if _, err := runWithStdin(t, store, "s3cret\n", "user", "add", "bob"); err != nil {
		t.Fatalf("user add: %v", err)
	}
	if _, err := runWithStdin(t, store, "again\n", "user", "add", "bob"); err == nil {
		t.Errorf("adding bob twice succeeded")
	}
	out, err := runWithStdin(t, store, "", "user", "list")
	if err != nil || !strings.Contains(out, "bob") {
		t.Fatalf("user list: %q, %v", out, err)
	}
	st, err := sqlite.Open(store, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.User(context.Background(), "bob")
	st.Close()
	if err != nil || len(u.PasswordHash) == 0 || bytes.Contains(u.PasswordHash, []byte("s3cret")) {
		t.Fatalf("stored user %+v, %v", u, err)
	}
	if _, err := runWithStdin(t, store, "", "user", "passwd", "bob"); err == nil {
		t.Errorf("empty password accepted")
	}
	if _, err := runWithStdin(t, store, "n3w\n", "user", "passwd", "bob"); err != nil {
		t.Errorf("passwd: %v", err)
	}
	if _, err := runWithStdin(t, store, "", "user", "del", "bob"); err != nil {
		t.Errorf("del: %v", err)
	}
	if out, _ := runWithStdin(t, store, "", "user", "list"); strings.Contains(out, "bob") {
		t.Errorf("bob still listed: %q", out)
	}
}

func TestFeedCommands(t *testing.T) {
	store := filepath.Join(t.TempDir(), "rota.db")
	if _, err := runWithStdin(t, store, "", "calendars", "add", "work"); err != nil {
		t.Fatalf("calendars add: %v", err)
	}
	out, err := runWithStdin(t, store, "", "feed", "add", "--calendar", "work", "--label", "phone")
	if err != nil {
		t.Fatalf("feed add: %v", err)
	}
	m := regexp.MustCompile(`^http://127\.0\.0\.1:5232/feeds/([a-z2-7]{52})\.ics\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("feed add printed %q", out)
	}
	list, err := runWithStdin(t, store, "", "feed", "list")
	if err != nil || !strings.Contains(list, m[1]) || !strings.Contains(list, "phone") {
		t.Fatalf("feed list: %q, %v", list, err)
	}
	if _, err := runWithStdin(t, store, "", "feed", "revoke", m[1]); err != nil {
		t.Fatalf("feed revoke: %v", err)
	}
	if list, _ := runWithStdin(t, store, "", "feed", "list"); strings.Contains(list, m[1]) {
		t.Errorf("revoked feed still listed: %q", list)
	}
	if _, err := runWithStdin(t, store, "", "feed", "add", "--calendar", "nope"); err == nil {
		t.Errorf("feed for a missing calendar accepted")
	}
}
