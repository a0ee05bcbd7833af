package caldav

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestServeGraceful: cancelling the context stops accepting but lets the
// request in flight (a write, say) finish and answer.
func TestServeGraceful(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- Serve(ctx, "127.0.0.1:0", h, ServeOptions{Ready: func(a net.Addr) { addrc <- a }})
	}()
	addr := <-addrc
	resc := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + addr.String() + "/")
		if err != nil {
			resc <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		resc <- string(b)
	}()
	<-entered
	cancel()
	// Serve must not return while the request is in flight.
	select {
	case err := <-errc:
		t.Fatalf("Serve returned before the request finished: %v", err)
	default:
	}
	close(release)
	if got := <-resc; got != "done" {
		t.Errorf("in-flight request got %q", got)
	}
	if err := <-errc; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := net.DialTimeout("tcp", addr.String(), time.Second); err == nil {
		t.Errorf("still accepting after shutdown")
	}
}

func TestEnsureSelfSigned(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	if err := EnsureSelfSigned(cert, key, []string{"localhost", "127.0.0.1"}, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan net.Addr, 1)
	go Serve(ctx, "127.0.0.1:0", http.NotFoundHandler(), ServeOptions{TLSCert: cert, TLSKey: key, Ready: func(a net.Addr) { addrc <- a }})
	addr := <-addrc
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}
