// Package instance keeps to one running tray per user, so two icons never
// poll Spotify and announce the same track twice.
package instance

import "errors"

// ErrRunning is returned by Acquire while another process holds the lock.
var ErrRunning = errors.New("spotray is already running")

// Acquire takes the lock dir/instance.lock (creating dir) for the life of the
// process, or until release is called. If another process holds it, the
// error wraps ErrRunning. The operating system frees the lock when the
// process ends, however it ends.
func Acquire(dir string) (release func(), err error) { return nil, errors.New("TODO") }
