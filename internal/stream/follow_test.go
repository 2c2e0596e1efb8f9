package stream

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/nowplaying"
)

// fakePoll stands in for polling Spotify: it reports one observation and
// counts how often it runs and whether it runs now.
type fakePoll struct {
	report  nowplaying.JSON
	running chan bool // true when a poll starts, false when it ends
}

func (p *fakePoll) poll(ctx context.Context, report func(nowplaying.JSON)) error {
	p.running <- true
	report(p.report)
	<-ctx.Done()
	p.running <- false
	return nil
}

func waitFor[T comparable](t *testing.T, ch <-chan T, want T) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("got %v, want %v", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("gave up waiting for %v", want)
	}
}

// Without a tray the follower polls; when a tray starts it stops polling
// and follows the tray; when the tray stops it polls again. What shows the
// same is not repeated.
func TestFollowerSwitchesBetweenTrayAndPolling(t *testing.T) {
	path := filepath.Join(t.TempDir(), "now.sock")
	p := &fakePoll{report: nowplaying.JSON{Kind: "track", Title: "Polled"}, running: make(chan bool, 10)}
	lines := make(chan string, 10)
	f := &Follower{Path: path, Poll: p.poll, Retry: 10 * time.Millisecond,
		Emit: func(j nowplaying.JSON) error { lines <- j.Title; return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Follow(ctx) }()

	waitFor(t, p.running, true)
	waitFor(t, lines, "Polled")

	s, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	s.Publish(nowplaying.JSON{Kind: "track", Title: "Polled", ProgressMS: 5000}) // the same item: not repeated
	waitFor(t, p.running, false)
	waitReaders(t, s, 1)
	s.Publish(nowplaying.JSON{Kind: "track", Title: "From the tray"})
	waitFor(t, lines, "From the tray")

	s.Close()
	waitFor(t, p.running, true)
	waitFor(t, lines, "Polled")

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Follow after ctx ended: %v", err)
	}
	if len(lines) != 0 {
		t.Errorf("extra line %q", <-lines)
	}
}

// A failed write (the reader went away) ends Follow with its error, from
// either source; so does polling that cannot go on.
func TestFollowerEnds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "now.sock")
	epipe := func(nowplaying.JSON) error { return syscall.EPIPE }
	p := &fakePoll{report: nowplaying.JSON{Kind: "nothing"}, running: make(chan bool, 10)}
	f := &Follower{Path: path, Poll: p.poll, Emit: epipe}
	if err := f.Follow(context.Background()); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("polling: %v", err)
	}

	s, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	defer s.Close()
	s.Publish(nowplaying.JSON{Kind: "nothing"})
	f = &Follower{Path: path, Emit: epipe}
	if err := f.Follow(context.Background()); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("from the tray: %v", err)
	}

	noLogin := errors.New("not logged in: run `spotray login`")
	f = &Follower{Path: filepath.Join(t.TempDir(), "none.sock"), Emit: epipe,
		Poll: func(context.Context, func(nowplaying.JSON)) error { return noLogin }}
	if err := f.Follow(context.Background()); !errors.Is(err, noLogin) {
		t.Errorf("no login: %v", err)
	}
}
