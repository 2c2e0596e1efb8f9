//go:build !windows

package atomicfile

import (
	"io/fs"
	"os"
)

func createTemp(dir, base string, perm fs.FileMode) (*os.File, error) {
	return createTempMode(dir, base, perm)
}
