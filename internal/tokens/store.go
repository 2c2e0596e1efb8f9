// Package tokens keeps the user's Spotify login on disk and turns it into a
// valid access token on demand, refreshing it at most once across all
// spotray processes that share the token file.
package tokens

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gofrs/flock"

	"github.com/spotray/spotray/internal/atomicfile"
)

const (
	tokenFile = "token.json"
	lockFile  = "token.lock"
	badSuffix = ".bad"

	fileMode fs.FileMode = 0o600
	dirMode  fs.FileMode = 0o700

	// lockRetry is how often Lock polls a lock held by another process. A
	// refresh takes a round trip to Spotify, so polling faster buys nothing.
	lockRetry = 25 * time.Millisecond
)

// ErrNotLoggedIn means there is no usable stored login.
var ErrNotLoggedIn = errors.New("not logged in: run `spotray login`")

// ErrLoginEnded means Spotify no longer accepts the stored refresh token
// (revoked, or six months after the user authorized). The token file has been
// removed, because retrying with it can never succeed.
var ErrLoginEnded = errors.New("the login has ended: run `spotray login` again")

// Token is the stored login: the OAuth tokens plus what spotray needs to know
// about the login that Spotify does not repeat in refresh responses.
type Token struct {
	ClientID     string    `json:"client_id"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	TokenType    string    `json:"token_type"`
	Scope        string    `json:"scope,omitempty"`
	Expiry       time.Time `json:"expiry"`         // access token expiry
	AuthorizedAt time.Time `json:"authorized_at"`  // when the user consented
	User         string    `json:"user,omitempty"` // display name (else id) from /v1/me at login
}

// LoginEndsAt is when Spotify stops accepting the refresh token: six months
// after the user authorized, however often it was refreshed since.
func (t *Token) LoginEndsAt() time.Time {
	return t.AuthorizedAt.AddDate(0, 6, 0)
}

// check reports what makes t unusable as a stored login, so that neither Save
// nor Load ever accepts a login that cannot be refreshed.
func (t *Token) check() error {
	switch {
	case t == nil:
		return errors.New("no token")
	case t.AccessToken == "":
		return errors.New("no access token")
	case t.RefreshToken == "":
		return errors.New("no refresh token")
	}
	return nil
}

// CorruptError reports a token file that could not be used. The file has been
// moved aside rather than deleted so that the user can inspect it. It matches
// ErrNotLoggedIn under errors.Is: the remedy is the same.
type CorruptError struct {
	Path string // where the unusable file now is
	Err  error  // what was wrong with it
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("stored login is unusable (%v); the file was kept aside at %s; run `spotray login`", e.Err, e.Path)
}

// Unwrap exposes the parse error.
func (e *CorruptError) Unwrap() error { return e.Err }

// Is makes a corrupt login count as no login.
func (e *CorruptError) Is(target error) bool { return target == ErrNotLoggedIn }

// Store is the token file in Dir, with the lock file beside it. The zero
// value is not usable; Dir is normally config.Paths.ConfigDir.
type Store struct {
	Dir string
}

// Path is the token file, token.json in Dir.
func (s *Store) Path() string { return s.path() }

func (s *Store) path() string { return filepath.Join(s.Dir, tokenFile) }

// Load reads the stored login. It returns an error matching ErrNotLoggedIn
// when there is none, and a *CorruptError (after moving the file aside) when
// the file cannot be used. A file that others may read is made private.
func (s *Store) Load() (*Token, error) {
	for {
		data, err := s.read()
		if err != nil {
			return nil, err
		}
		var t Token
		err = json.Unmarshal(data, &t)
		if err == nil {
			err = t.check()
		}
		if err == nil {
			return &t, nil
		}
		moved, merr := s.setAside(data)
		if merr != nil {
			return nil, fmt.Errorf("load token: %v; and setting it aside: %w", err, merr)
		}
		if moved {
			return nil, &CorruptError{Path: s.path() + badSuffix, Err: err}
		}
		// The file changed between reading and renaming, normally because
		// a login just saved a new one: read that instead.
	}
}

// read returns the token file's content, making the file private first if
// needed.
func (s *Store) read() ([]byte, error) {
	f, err := os.Open(s.path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotLoggedIn
	}
	if err != nil {
		return nil, fmt.Errorf("load token: %w", err)
	}
	defer f.Close()
	// Windows reports 0666 for every writable file; its ACLs are not ours
	// to judge.
	if runtime.GOOS != "windows" {
		fi, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("load token: %w", err)
		}
		if perm := fi.Mode().Perm(); perm&^fileMode != 0 {
			if err := f.Chmod(fileMode); err != nil {
				return nil, fmt.Errorf("load token: make %s private: %w", s.path(), err)
			}
			slog.Warn("token file was readable by other users; made it private",
				"path", s.path(), "was", perm.String(), "now", fileMode.String())
		}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("load token: %w", err)
	}
	return data, nil
}

// setAside renames an unusable token file to token.json.bad, unless the file
// no longer holds data (then it reports false). Load runs without the lock,
// so the check keeps a concurrent login's fresh file from being set aside; the
// window left between check and rename is far shorter than a login.
func (s *Store) setAside(data []byte) (bool, error) {
	now, err := os.ReadFile(s.path())
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !bytes.Equal(now, data) {
		return false, nil
	}
	return true, os.Rename(s.path(), s.path()+badSuffix)
}

// Save replaces the stored login atomically: a crash leaves either the old
// file or the new one. It refuses a token that Load would reject.
func (s *Store) Save(t *Token) error {
	if err := t.check(); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	if err := s.mkdir(); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	if err := atomicfile.WriteFile(s.path(), append(data, '\n'), fileMode); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	return nil
}

// mkdir creates Dir private. An existing directory keeps its mode: it may be
// shared with other settings, and the token file itself is private.
func (s *Store) mkdir() error {
	return os.MkdirAll(s.Dir, dirMode)
}

// Remove deletes the stored login (logout). No login is not an error.
func (s *Store) Remove() error {
	if err := os.Remove(s.path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove token: %w", err)
	}
	return nil
}

// Lock takes the cross-process lock that serializes refreshes, waiting until
// ctx ends. The lock is on token.lock, not on token.json, because Save renames
// a new file over token.json. Each call opens its own lock, so goroutines of
// one process exclude each other too. The lock dies with the process.
func (s *Store) Lock(ctx context.Context) (unlock func(), err error) {
	if err := s.mkdir(); err != nil {
		return nil, fmt.Errorf("lock token: %w", err)
	}
	fl := flock.New(filepath.Join(s.Dir, lockFile))
	ok, err := fl.TryLockContext(ctx, lockRetry)
	if err == nil && !ok {
		err = errors.New("lock not taken")
	}
	if err != nil {
		fl.Close()
		return nil, fmt.Errorf("lock token: %w", err)
	}
	return func() { fl.Unlock() }, nil
}
