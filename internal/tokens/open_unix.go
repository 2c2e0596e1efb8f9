//go:build !windows

package tokens

import (
	"errors"
	"os"
	"syscall"
)

// openNoFollow opens path for reading without following a final symbolic
// link, so that what is then chmodded is the file itself. For a link it
// opens the target and reports link: that file may only be read.
func openNoFollow(path string) (f *os.File, link bool, err error) {
	f, err = os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	// Linux and macOS say ELOOP; FreeBSD says EMLINK.
	if !errors.Is(err, syscall.ELOOP) && !errors.Is(err, syscall.EMLINK) {
		return f, false, err
	}
	f, err = os.Open(path)
	return f, true, err
}
