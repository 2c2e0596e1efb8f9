// Package logging sets up spotray's log: text lines to stderr and to a
// size-bounded file in the state directory, so that a tray app started at
// login, with nobody reading its stderr, still leaves something to read.
package logging

import (
	"errors"
	"io"
	"log/slog"
)

// FileName is the log file's name in the state directory; the previous file
// is kept as FileName + ".1".
const FileName = "spotray.log"

// MaxFileSize is the size past which the log file is rotated. At most two
// files exist, so the log takes at most about twice this much space.
const MaxFileSize = 1 << 20

// Setup returns a logger writing to stderr and to stateDir/spotray.log
// (0600), at debug level if debug is set and info level otherwise. Close
// the returned Closer at exit. Callers usually make it slog's default too.
func Setup(stateDir string, stderr io.Writer, debug bool) (*slog.Logger, io.Closer, error) {
	return nil, nil, errors.New("TODO")
}
