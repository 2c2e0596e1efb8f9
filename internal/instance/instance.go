// Package instance keeps to one running tray per user, so that two icons
// never poll Spotify side by side and announce every track twice.
package instance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/gofrs/flock"

	"github.com/spotray/spotray/internal/atomicfile"
)

// ErrRunning is returned, wrapped, by Acquire while another process holds
// the lock.
var ErrRunning = errors.New("spotray is already running")

const (
	lockName = "instance.lock"
	// pidName holds the holder's process id, only to tell the user which
	// process it is; the lock alone decides.
	pidName = "instance.pid"
)

// held keeps every acquired lock referenced: a Flock that the garbage
// collector finalised would close its file and so drop the lock while the
// process still runs, if a caller forgot the release function.
var held sync.Map // *flock.Flock -> struct{}

// Acquire takes the lock dir/instance.lock (creating dir 0700) for the life
// of the process, or until release is called; release may be called more
// than once. If another process holds it, the error wraps ErrRunning and
// names that process when it can. The operating system frees the lock when
// the process ends, however it ends, so a crash never leaves a stale lock.
//
// The lock file itself is never removed: removing it would let a second
// process lock a new file while the first still holds the old one.
func Acquire(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("instance lock: %w", err)
	}
	lock := flock.New(filepath.Join(dir, lockName), flock.SetPermissions(0o600))
	ok, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("instance lock: %w", err)
	}
	if !ok {
		if pid := readPID(dir); pid > 0 {
			return nil, fmt.Errorf("%w (process %d)", ErrRunning, pid)
		}
		return nil, ErrRunning
	}
	held.Store(lock, struct{}{})
	pidFile := filepath.Join(dir, pidName)
	// Best effort: the PID only makes the message for a second instance
	// more helpful.
	_ = atomicfile.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
	var once sync.Once
	return func() {
		once.Do(func() {
			os.Remove(pidFile)
			lock.Unlock()
			held.Delete(lock)
		})
	}, nil
}

// readPID returns the process id the lock holder wrote, or 0.
func readPID(dir string) int {
	data, err := os.ReadFile(filepath.Join(dir, pidName))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0
	}
	return pid
}
