// Package stream carries what is playing from the running tray to
// `spotray now --follow` readers over a local socket, so that any number of
// status bars cost no Spotify calls.
//
// The protocol is one-way and line-based: the tray writes, readers only
// read. Each line is one `spotray now --json` object (nowplaying.JSON)
// ending in "\n": on connecting a reader gets the current one (as soon as
// the tray knows it), then one line per change. Fields are only ever
// added, so readers ignore what they do not know. A reader too slow to
// take a line before the next one skips to the newest; one that takes no
// line for WriteTimeout is disconnected.
//
// The socket is a Unix domain socket, 0600 in a 0700 directory: Linux,
// macOS and Windows 10 or newer (AF_UNIX) all have them.
package stream

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/spotray/spotray/internal/nowplaying"
)

// WriteTimeout is how long a reader may leave a line unread before the
// tray drops it (Server.Timeout's default). A status bar reads at once; one
// stuck this long is gone.
const WriteTimeout = 5 * time.Second

// SocketPath is where the tray listens: $XDG_RUNTIME_DIR/spotray/now.sock,
// the per-login private directory sockets belong in. Without
// XDG_RUNTIME_DIR (a bare SSH session, macOS, Windows) it is now.sock in
// stateDir, spotray's own 0700 state directory, rather than a shared
// temporary directory where another user could take the name first.
func SocketPath(getenv func(string) string, stateDir string) string {
	if dir := getenv("XDG_RUNTIME_DIR"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "spotray", "now.sock")
	}
	return filepath.Join(stateDir, "now.sock")
}

// Server is the tray's side: Publish hands it each change, Serve sends them
// to every reader. Publish never waits for a reader.
type Server struct {
	// Timeout replaces WriteTimeout when set (before Serve).
	Timeout time.Duration

	ln net.Listener

	mu      sync.Mutex
	last    []byte // the current line; nil until the first Publish
	readers map[*reader]struct{}
	closed  bool
}

// reader is one connection with a one-line mailbox: a newer line replaces
// one not yet written.
type reader struct {
	conn net.Conn
	mu   sync.Mutex
	line []byte
	wake chan struct{}
}

// Listen creates the socket at path (its directory 0700, the socket 0600),
// replacing one a previous tray left behind. Only one tray runs per user
// (package instance), so a socket found there is stale.
func Listen(path string) (*Server, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("now-playing socket: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("now-playing socket: %w", err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("now-playing socket: remove the old one: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("now-playing socket: %w", err)
	}
	// The directory is private already; the socket is too, in case the
	// directory is ever loosened. Windows has no such mode bits: its
	// socket file takes the directory's access list.
	if runtime.GOOS == "windows" {
		return &Server{ln: ln, readers: map[*reader]struct{}{}}, nil
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("now-playing socket: %w", err)
	}
	return &Server{ln: ln, readers: map[*reader]struct{}{}}, nil
}

// Publish makes j the current line and queues it for every reader.
func (s *Server) Publish(j nowplaying.JSON) {
	var b bytes.Buffer
	nowplaying.WriteLine(&b, j)
	line := b.Bytes()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = line
	for r := range s.readers {
		r.offer(line)
	}
}

// Serve accepts readers until Close; it returns nil after Close.
func (s *Server) Serve() error {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("now-playing socket: %w", err)
		}
		r := &reader{conn: conn, wake: make(chan struct{}, 1)}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return nil
		}
		s.readers[r] = struct{}{}
		if s.last != nil {
			r.offer(s.last)
		}
		s.mu.Unlock()
		go s.write(r)
	}
}

// Close stops listening, removes the socket and disconnects every reader.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	for r := range s.readers {
		r.conn.Close()
	}
	s.mu.Unlock()
	return s.ln.Close()
}

// Readers is how many readers are connected.
func (s *Server) Readers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.readers)
}

func (r *reader) offer(line []byte) {
	r.mu.Lock()
	r.line = line
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// write sends r its lines until it goes away or stalls. It also notices a
// reader that hung up without a line to send: readers never write, so a
// read returns only at the end.
func (s *Server) write(r *reader) {
	gone := make(chan struct{})
	go func() {
		var b [1]byte
		for {
			if _, err := r.conn.Read(b[:]); err != nil {
				close(gone)
				return
			}
		}
	}()
	defer func() {
		s.mu.Lock()
		delete(s.readers, r)
		s.mu.Unlock()
		r.conn.Close()
	}()
	for {
		select {
		case <-gone:
			return
		case <-r.wake:
		}
		r.mu.Lock()
		line := r.line
		r.line = nil
		r.mu.Unlock()
		if line == nil {
			continue
		}
		r.conn.SetWriteDeadline(time.Now().Add(cmp.Or(s.Timeout, WriteTimeout)))
		if _, err := r.conn.Write(line); err != nil {
			return
		}
	}
}

// ErrNoTray means no tray is listening at the socket.
var ErrNoTray = errors.New("no spotray tray is running")

// Dial connects to the tray's socket at path; ErrNoTray when none listens.
func Dial(ctx context.Context, path string) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoTray, err)
	}
	sc := bufio.NewScanner(conn)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	return &Client{conn: conn, sc: sc}, nil
}

// maxLine bounds a line: nowplaying's text fields are capped well below.
const maxLine = 1 << 20

// Client is a reader's connection to the tray.
type Client struct {
	conn net.Conn
	sc   *bufio.Scanner
}

// Next waits for the next line; it fails when the tray goes away.
func (c *Client) Next() (nowplaying.JSON, error) {
	if !c.sc.Scan() {
		err := c.sc.Err()
		if err == nil {
			err = errTrayGone
		}
		return nowplaying.JSON{}, err
	}
	var j nowplaying.JSON
	if err := json.Unmarshal(c.sc.Bytes(), &j); err != nil {
		return nowplaying.JSON{}, fmt.Errorf("now-playing socket: bad line: %w", err)
	}
	return j, nil
}

var errTrayGone = errors.New("the spotray tray stopped")

// Close disconnects; a Next waiting returns.
func (c *Client) Close() error { return c.conn.Close() }
