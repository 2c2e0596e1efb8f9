// Package logging sets up spotray's log: text lines to stderr and to a
// size-bounded file in the state directory, so that a tray app started at
// login, with nobody reading its stderr, still leaves something to read.
//
// As a safety net, string attributes whose key names a secret
// (access_token, refresh_token, client_secret, code_verifier,
// authorization) are logged as "[redacted]".
package logging

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// FileName is the log file's name in the state directory; the previous file
// is kept as FileName + ".1".
const FileName = "spotray.log"

// MaxFileSize is the size past which the log file is rotated. At most two
// files exist, so the log takes at most twice this much space.
const MaxFileSize = 1 << 20

// Setup returns a logger writing to stderr and to stateDir/spotray.log
// (0600; stateDir is created 0700), at debug level if debug is set and info
// level otherwise. Close the returned Closer at exit. Callers usually make
// the logger slog's default too.
func Setup(stateDir string, stderr io.Writer, debug bool) (*slog.Logger, io.Closer, error) {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("log: %w", err)
	}
	file, err := openRotating(filepath.Join(stateDir, FileName), MaxFileSize)
	if err != nil {
		return nil, nil, err
	}
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	h := slog.NewTextHandler(tee{stderr, file}, &slog.HandlerOptions{Level: level, ReplaceAttr: redact})
	return slog.New(h), file, nil
}

// secretKeys are attribute keys whose string values must never reach a log.
var secretKeys = map[string]bool{
	"access_token": true, "refresh_token": true, "client_secret": true, "code_verifier": true, "authorization": true,
}

func redact(groups []string, a slog.Attr) slog.Attr {
	if secretKeys[a.Key] && a.Value.Kind() == slog.KindString {
		a.Value = slog.StringValue("[redacted]")
	}
	return a
}

// tee writes each record to every writer, even when one fails: a closed
// stderr (a tray started from a desktop session) must not cost the file.
type tee []io.Writer

func (t tee) Write(p []byte) (int, error) {
	var errs []error
	for _, w := range t {
		if _, err := w.Write(p); err != nil {
			errs = append(errs, err)
		}
	}
	return len(p), errors.Join(errs...)
}

// rotatingFile appends to path and, before a write would take it past max
// bytes, renames it to path.1 (replacing the older one) and starts afresh.
// A record longer than max is cut to max, so no file ever exceeds it.
//
// Other spotray processes (a command run while the tray runs) may write to
// the same file: the size is taken from the file, not counted, and a file
// another process has rotated away is reopened.
type rotatingFile struct {
	path string
	max  int64

	mu     sync.Mutex
	f      *os.File // nil after a failed reopen: the next write tries again
	closed bool
}

func openRotating(path string, max int64) (*rotatingFile, error) {
	r := &rotatingFile{path: path, max: max}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *rotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("log: %w", err)
	}
	// An older file may have been created with a wider mode.
	if err := f.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		f.Close()
		return fmt.Errorf("log: %w", err)
	}
	r.f = f
	return nil
}

func (r *rotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, os.ErrClosed
	}
	if r.f == nil {
		if err := r.open(); err != nil {
			return 0, err
		}
	}
	n := len(p)
	if int64(len(p)) > r.max {
		p = p[:r.max]
	}
	size, err := r.currentSize()
	if err != nil {
		return 0, err
	}
	if size > 0 && size+int64(len(p)) > r.max {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	if _, err := r.f.Write(p); err != nil {
		return 0, fmt.Errorf("log: %w", err)
	}
	return n, nil
}

// currentSize returns the size of the file at path, reopening it first if
// another process rotated it away from under r.f.
func (r *rotatingFile) currentSize() (int64, error) {
	ours, err := r.f.Stat()
	if err != nil {
		return 0, fmt.Errorf("log: %w", err)
	}
	atPath, err := os.Stat(r.path)
	if err == nil && os.SameFile(ours, atPath) {
		return ours.Size(), nil
	}
	r.f.Close()
	if err := r.open(); err != nil {
		r.f = nil
		return 0, err
	}
	if ours, err = r.f.Stat(); err != nil {
		return 0, fmt.Errorf("log: %w", err)
	}
	return ours.Size(), nil
}

func (r *rotatingFile) rotate() error {
	r.f.Close()
	r.f = nil
	if err := os.Rename(r.path, r.path+".1"); err != nil {
		// Windows refuses while another process has the file open:
		// start this one over rather than let it grow.
		if err := os.Truncate(r.path, 0); err != nil {
			return fmt.Errorf("log: rotate: %w", err)
		}
	}
	return r.open()
}

// Close closes the file; later records go to stderr only.
func (r *rotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	if err != nil {
		return fmt.Errorf("log: %w", err)
	}
	return nil
}
