package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"rota/model"
)

func syncBody(token string, limit int) string {
	l := ""
	if limit > 0 {
		l = fmt.Sprintf("<D:limit><D:nresults>%d</D:nresults></D:limit>", limit)
	}
	return `<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>` + token +
		`</D:sync-token><D:sync-level>1</D:sync-level>` + l + `<D:prop><D:getetag/></D:prop></D:sync-collection>`
}

// TestSyncLimit: DAV:limit truncates a sync-collection answer with a 507
// for the collection and a token from which the client gets the rest
// (RFC 6578 section 3.6); nothing is listed twice or lost.
func TestSyncLimit(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 5; i++ {
		e.put(fmt.Sprintf("e%d.ics", i), event(fmt.Sprintf("e%d", i), fmt.Sprintf(":2026030%dT090000Z", i), fmt.Sprintf(":2026030%dT100000Z", i))).
			must(t, 201, "PUT")
	}
	seen := map[string]int{}
	token := ""
	for round := 0; ; round++ {
		if round > 5 {
			t.Fatal("sync with a limit does not finish")
		}
		r := e.do("REPORT", calPath, syncBody(token, 2), "Depth", "1").must(t, 207, "sync with limit")
		truncated := strings.Contains(r.body, "number-of-matches-within-limits")
		n := 0
		for _, h := range hrefs(r.body) {
			if strings.HasSuffix(h, ".ics") {
				seen[h]++
				n++
			}
		}
		if n > 2 {
			t.Errorf("round %d lists %d members, limit 2:\n%s", round, n, r.body)
		}
		if truncated && !strings.Contains(r.body, "<D:href>"+calPath+"</D:href><D:status>HTTP/1.1 507") {
			t.Errorf("truncated answer lacks the collection's 507:\n%s", r.body)
		}
		token = between(r.body, "<D:sync-token>", "</D:sync-token>")
		if !truncated {
			if n != 1 {
				t.Errorf("last round lists %d, want 1", n)
			}
			break
		}
	}
	if len(seen) != 5 {
		t.Errorf("members seen %v, want all 5 once", seen)
	}
	for h, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", h, n)
		}
	}
	// An edit after the last token is the only change.
	e.put("e3.ics", event("e3", ":20260303T110000Z", ":20260303T120000Z")).must(t, 204, "edit e3")
	r := e.do("REPORT", calPath, syncBody(token, 2), "Depth", "1").must(t, 207, "incremental sync")
	if hs := hrefs(r.body); len(hs) != 1 || !strings.HasSuffix(hs[0], "e3.ics") || strings.Contains(r.body, "507") {
		t.Errorf("incremental sync after the limited rounds: %v\n%s", hs, r.body)
	}
	e.do("REPORT", calPath, strings.Replace(syncBody("", 1), "<D:nresults>1<", "<D:nresults>0<", 1), "Depth", "1").
		must(t, 400, "nresults 0")
}

// TestPasswordChangeEndsCachedLogin: a cached login stops working as soon
// as the stored hash changes or the login is deleted, even within the
// cache's lifetime.
func TestPasswordChangeEndsCachedLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.do("PROPFIND", "/dav/alice/", "", "Depth", "0").must(t, 207, "first login (now cached)")
	e.do("PROPFIND", "/dav/alice/", "", "Depth", "0").must(t, 207, "cached login")
	h, _ := bcrypt.GenerateFromPassword([]byte("new"), bcrypt.MinCost)
	if err := e.store.PutUser(ctx, model.User{Name: "alice", PasswordHash: h, Created: clock}); err != nil {
		t.Fatal(err)
	}
	e.do("PROPFIND", "/dav/alice/", "", "Depth", "0").must(t, 401, "old password after passwd")
	e.doAsPassword("alice", "new", "PROPFIND", "/dav/alice/", "", "Depth", "0").must(t, 207, "new password")
	e.doAs("bob", "PROPFIND", "/dav/bob/", "", "Depth", "0").must(t, 207, "bob's login (now cached)")
	if err := e.store.DeleteUser(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	e.doAs("bob", "PROPFIND", "/dav/bob/", "", "Depth", "0").must(t, 401, "deleted login")
}

// TestDepthInfinity: PROPFIND with Depth: infinity is answered as Depth 1
// (documented choice; RFC 4918 section 9.1 allows either this or 403).
func TestDepthInfinity(t *testing.T) {
	e := newEnv(t)
	e.put("a.ics", event("a", ":20260302T090000Z", ":20260302T100000Z")).must(t, 201, "PUT")
	r := e.do("PROPFIND", "/dav/alice/calendars/", "", "Depth", "infinity").must(t, 207, "Depth infinity on the home")
	r.has(t, calPath)
	r.lacks(t, calPath+"a.ics")
}
