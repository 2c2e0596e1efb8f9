//go:build !windows

package account

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

func TestFileTrouble(t *testing.T) {
	const dir = "/home/ada/.config/spotray"
	wrap := func(err error) error { return fmt.Errorf("currently playing: refresh access token: %w", err) }
	for _, tc := range []struct {
		name string
		err  error
		want Unwritable
		ok   bool
	}{
		{"lock on a read-only file system",
			wrap(fmt.Errorf("lock token: %w", &fs.PathError{Op: "open", Path: dir + "/token.lock", Err: syscall.EROFS})),
			Unwritable{Dir: dir, Reason: ReadOnly}, true},
		{"temporary file on a full disk",
			wrap(fmt.Errorf("save token: write %s/token.json: %w", dir, &fs.PathError{Op: "open", Path: dir + "/.token.json.tmp-*", Err: syscall.ENOSPC})),
			Unwritable{Dir: dir, Reason: Full}, true},
		{"reservation on a full disk",
			wrap(&fs.PathError{Op: "write", Path: dir + "/.token.json.tmp-123", Err: syscall.ENOSPC}),
			Unwritable{Dir: dir, Reason: Full}, true},
		{"directory not creatable",
			wrap(fmt.Errorf("lock token: %w", &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.EACCES})),
			Unwritable{Dir: dir, Reason: NotPermitted}, true},
		{"over quota", &fs.PathError{Op: "write", Path: dir + "/x", Err: syscall.EDQUOT}, Unwritable{Dir: dir, Reason: Full}, true},
		{"no file named", wrap(syscall.EROFS), Unwritable{}, false},
		{"offline", wrap(errors.New("dial tcp: connection refused")), Unwritable{}, false},
		{"Spotify refuses", &spotify.Error{Status: 403}, Unwritable{}, false},
		{"login ended", wrap(tokens.ErrLoginEnded), Unwritable{}, false},
		{"nil", nil, Unwritable{}, false},
	} {
		got, ok := FileTrouble(tc.err)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: FileTrouble(%v) = %+v, %v; want %+v, %v", tc.name, tc.err, got, ok, tc.want, tc.ok)
		}
	}
}
