package atomicfile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// rename retries briefly because Windows refuses to replace a file that
// another process has open without FILE_SHARE_DELETE, which is how Go opens
// files: a script reading token.json at the moment the tray saves it would
// otherwise make the save fail.
func rename(from, to string) error {
	var err error
	for wait := 5 * time.Millisecond; wait < 2*time.Second; wait *= 2 {
		if err = os.Rename(from, to); err == nil || !(errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
			errors.Is(err, windows.ERROR_SHARING_VIOLATION)) {
			return err
		}
		time.Sleep(wait)
	}
	return err
}
