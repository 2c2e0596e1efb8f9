package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

type recorder struct {
	mu    sync.Mutex
	got   []Notification
	block chan struct{} // nil: never blocks
}

func (r *recorder) Notify(n Notification) error {
	if r.block != nil {
		<-r.block
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, n)
	return nil
}

func (r *recorder) SetInvoked(func(Invoked)) {}

func (r *recorder) Close() error { return nil }

func (r *recorder) sent() []Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Notification(nil), r.got...)
}

type fakeArt map[string]string

func (a fakeArt) Get(_ context.Context, url string) (string, error) {
	if p, ok := a[url]; ok {
		return p, nil
	}
	return "", errors.New("no such image")
}

func waitSent(t *testing.T, r *recorder, n int) []Notification {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(r.sent()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("sent %d notifications, want %d", len(r.sent()), n)
		}
		time.Sleep(time.Millisecond)
	}
	return r.sent()
}

func TestQueueFetchesArtInOrder(t *testing.T) {
	r := &recorder{}
	q := NewQueue(r, fakeArt{"https://i.scdn.co/image/a": "/cache/a.jpg"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go q.Run(ctx)
	q.Send(Notification{Summary: "one", ImageURL: "https://i.scdn.co/image/a"})
	q.Send(Notification{Summary: "two", ImageURL: "https://i.scdn.co/image/missing"})
	q.Send(Notification{Summary: "three"})
	got := waitSent(t, r, 3)
	if got[0].Summary != "one" || got[0].Icon != "/cache/a.jpg" {
		t.Errorf("first: %+v, want the art as icon", got[0])
	}
	if got[1].Summary != "two" || got[1].Icon != "" {
		t.Errorf("second: %+v, want the app icon when the art fails", got[1])
	}
	if got[2].Summary != "three" {
		t.Errorf("third: %+v", got[2])
	}
}

func TestQueueNeverBlocks(t *testing.T) {
	r := &recorder{block: make(chan struct{})}
	q := NewQueue(r, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go q.Run(ctx)
	for range queueSize + 10 { // the service hangs: Send must return anyway
		q.Send(Notification{Summary: "x"})
	}
	close(r.block)
	got := waitSent(t, r, queueSize)
	if len(got) > queueSize+1 {
		t.Errorf("%d sent, want at most the queue plus the one in flight", len(got))
	}
}
