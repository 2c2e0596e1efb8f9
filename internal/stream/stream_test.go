package stream

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/nowplaying"
)

func TestSocketPath(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "XDG_RUNTIME_DIR" {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct{ runtime, want string }{
		{"/run/user/1000", "/run/user/1000/spotray/now.sock"},
		{"", "/home/u/.local/state/spotray/now.sock"},
		{"relative/dir", "/home/u/.local/state/spotray/now.sock"}, // the XDG spec says to ignore it
	} {
		if got := SocketPath(env(tc.runtime), "/home/u/.local/state/spotray"); got != filepath.FromSlash(tc.want) {
			t.Errorf("SocketPath(%q) = %q, want %q", tc.runtime, got, tc.want)
		}
	}
}

func serve(t *testing.T) (*Server, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run", "spotray", "now.sock")
	s, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve() }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s, path
}

func dial(t *testing.T, path string) *Client {
	t.Helper()
	c, err := Dial(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func next(t *testing.T, c *Client) nowplaying.JSON {
	t.Helper()
	j, err := c.Next()
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func waitReaders(t *testing.T, s *Server, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.Readers() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d readers, want %d", s.Readers(), n)
		}
	}
}

func TestPermissions(t *testing.T) {
	_, path := serve(t)
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
}

// A socket left by a tray that crashed does not stop the next one.
func TestStaleSocketIsReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "now.sock")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestReadersGetTheCurrentLineThenEveryChange(t *testing.T) {
	s, path := serve(t)
	early := dial(t, path) // before anything is known: waits
	waitReaders(t, s, 1)
	s.Publish(nowplaying.JSON{Kind: "track", Title: "One"})
	late := dial(t, path)
	for _, c := range []*Client{early, late} {
		if j := next(t, c); j.Title != "One" {
			t.Errorf("first line %+v", j)
		}
	}
	waitReaders(t, s, 2)
	s.Publish(nowplaying.JSON{Kind: "track", Title: "Two"})
	for _, c := range []*Client{early, late} {
		if j := next(t, c); j.Title != "Two" {
			t.Errorf("second line %+v", j)
		}
	}
}

// A reader that stops reading never holds up Publish, and is dropped once
// a write waits longer than Timeout; readers that come next are served.
func TestStuckReaderIsDropped(t *testing.T) {
	s, path := serve(t)
	s.Timeout = 50 * time.Millisecond
	stuck := dial(t, path)
	waitReaders(t, s, 1)
	title := fmt.Sprint(make([]byte, 2000)) // a long line fills the socket buffer sooner
	for i := 0; s.Readers() == 1; i++ {
		start := time.Now()
		s.Publish(nowplaying.JSON{Kind: "track", Title: title, DurationMS: int64(i)})
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Publish took %v", d)
		}
		if i > 1e6 {
			t.Fatal("the stuck reader was never dropped")
		}
		time.Sleep(10 * time.Microsecond)
	}
	s.Publish(nowplaying.JSON{Kind: "track", Title: "last"})
	for {
		j, err := stuck.Next()
		if err != nil {
			break // disconnected
		}
		if j.Title == "last" {
			t.Fatal("the dropped reader still got lines")
		}
	}
	if j := next(t, dial(t, path)); j.Title != "last" {
		t.Errorf("a new reader got %+v", j)
	}
}

func TestCloseEndsReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "now.sock")
	s, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	c := dial(t, path)
	waitReaders(t, s, 1)
	s.Close()
	if _, err := c.Next(); err == nil {
		t.Fatal("Next after the tray closed succeeded")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
	if _, err := Dial(context.Background(), path); err == nil {
		t.Error("Dial with no tray succeeded")
	}
}

// BenchmarkPublish is one change reaching 100 readers over the socket.
func BenchmarkPublish(b *testing.B) {
	path := filepath.Join(b.TempDir(), "now.sock")
	s, err := Listen(path)
	if err != nil {
		b.Fatal(err)
	}
	go s.Serve()
	defer s.Close()
	const readers = 100
	got := make(chan int64, readers)
	for range readers {
		c, err := Dial(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		go func() {
			for {
				j, err := c.Next()
				if err != nil {
					return
				}
				got <- j.DurationMS
			}
		}()
	}
	for s.Readers() != readers {
		time.Sleep(time.Millisecond)
	}
	b.ResetTimer()
	for i := range b.N {
		s.Publish(nowplaying.JSON{Kind: "track", Title: "Benchmark", DurationMS: int64(i + 1)})
		for n := 0; n < readers; {
			if <-got == int64(i+1) {
				n++
			}
		}
	}
}
