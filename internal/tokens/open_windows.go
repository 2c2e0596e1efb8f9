package tokens

import (
	"io/fs"
	"os"
)

// openNoFollow opens path for reading and reports whether it is a symbolic
// link. Windows has no O_NOFOLLOW, and spotray changes no file's
// permissions there, so a link is only ever read through; Lstat before
// opening suffices to say so in the log.
func openNoFollow(path string) (f *os.File, link bool, err error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, false, err
	}
	f, err = os.Open(path)
	return f, fi.Mode()&fs.ModeSymlink != 0, err
}
