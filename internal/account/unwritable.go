package account

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
)

// Unwritable is a file spotray must write (the token file, its lock, its
// temporary files) on a file system that refuses: nothing to do with
// Spotify, and nothing retrying fixes until the user does.
type Unwritable struct {
	// Dir is the directory the file is in: what the user makes writable
	// or frees space on.
	Dir string
	// Reason is one of the Reason constants.
	Reason Reason
}

// Reason is why a file system refuses a write.
type Reason uint8

// The reasons, each with its own fix.
const (
	ReadOnly     Reason = iota + 1 // a read-only file system
	Full                           // no space left on the device
	NotPermitted                   // the user may not write there
)

// FileTrouble says whether err is a file spotray could not write, and
// where: it is the one place that decides, as Classify is for the login.
func FileTrouble(err error) (Unwritable, bool) {
	var reason Reason
	switch {
	case matches(err, readOnlyErrors):
		reason = ReadOnly
	case matches(err, fullErrors):
		reason = Full
	case errors.Is(err, fs.ErrPermission):
		reason = NotPermitted
	default:
		return Unwritable{}, false
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return Unwritable{}, false
	}
	dir := pe.Path
	// CreateTemp reports its pattern, and a file's directory is where the
	// fix lies; os.MkdirAll reports the directory itself.
	if pe.Op != "mkdir" || strings.Contains(filepath.Base(dir), "*") {
		dir = filepath.Dir(dir)
	}
	return Unwritable{Dir: dir, Reason: reason}, true
}

func matches(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
