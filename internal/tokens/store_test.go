package tokens

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/testenv"
)

var authorized = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func sampleToken() *Token {
	return &Token{
		ClientID:     testClientID,
		AccessToken:  "access-stored",
		RefreshToken: "refresh-stored",
		TokenType:    "Bearer",
		Scope:        "user-read-currently-playing user-read-playback-state",
		Expiry:       authorized.Add(time.Hour),
		AuthorizedAt: authorized,
		User:         "Ada",
	}
}

func mustSave(t *testing.T, s *Store, tok *Token) []byte {
	t.Helper()
	if err := s.Save(tok); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSaveLoadRoundTrip(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	want := sampleToken()
	data := mustSave(t, s, want)
	got, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !sameToken(got, want) {
		t.Errorf("Load = %+v, want %+v", got, want)
	}
	// Humans read this file when something goes wrong.
	if !bytes.Contains(data, []byte("\n  \"refresh_token\": ")) {
		t.Errorf("token file is not indented JSON:\n%s", data)
	}
}

func TestLoadAbsent(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "never-created")}
	if _, err := s.Load(); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("Load = %v, want ErrNotLoggedIn", err)
	}
}

func TestLoadCorrupt(t *testing.T) {
	for _, tc := range []struct {
		name, content string
	}{
		{"empty", ""},
		{"not json", "access_token=abc"},
		{"truncated", `{"client_id": "x", "access_token": "a`},
		{"wrong type", `{"access_token": 42, "refresh_token": "r"}`},
		{"no access token", `{"client_id": "x", "refresh_token": "r"}`},
		{"no refresh token", `{"client_id": "x", "access_token": "a", "refresh_token": ""}`},
		{"null", `null`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Store{Dir: t.TempDir()}
			bad := s.Path() + ".bad"
			// An older .bad is replaced, not an obstacle.
			if err := os.WriteFile(bad, []byte("older"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.Path(), []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.Load()
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load = %v, want *CorruptError", err)
			}
			if ce.Path != bad {
				t.Errorf("Path = %q, want %q", ce.Path, bad)
			}
			for _, want := range []string{bad, "spotray login"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message %q lacks %q", err, want)
				}
			}
			if !errors.Is(err, ErrNotLoggedIn) {
				t.Errorf("a corrupt login should count as not logged in: %v", err)
			}
			if got, err := os.ReadFile(bad); err != nil || string(got) != tc.content {
				t.Errorf(".bad holds %q (%v), want the corrupt file", got, err)
			}
			if _, err := os.Stat(s.Path()); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("corrupt token.json still there: %v", err)
			}
			if _, err := s.Load(); !errors.Is(err, ErrNotLoggedIn) || errors.As(err, &ce) {
				t.Errorf("second Load = %v, want plain ErrNotLoggedIn", err)
			}
		})
	}
}

// captureLog sends slog's default logger to a buffer for the test.
func captureLog(t *testing.T) *bytes.Buffer {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

func TestLoadFixesPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}
	logs := captureLog(t)
	s := &Store{Dir: t.TempDir()}
	tok := sampleToken()
	mustSave(t, s, tok)
	for _, mode := range []fs.FileMode{0o644, 0o640, 0o604, 0o660} {
		logs.Reset()
		if err := os.Chmod(s.Path(), mode); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(); err != nil {
			t.Fatal(err)
		}
		if err := testenv.CheckPerm(s.Path(), fileMode); err != nil {
			t.Errorf("after Load of a %v file: %v", mode, err)
		}
		if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), s.Path()) {
			t.Errorf("no warning naming the file for mode %v: %q", mode, logs)
		}
		for _, secret := range []string{tok.AccessToken, tok.RefreshToken} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("log contains a token: %q", logs)
			}
		}
	}
	logs.Reset()
	if _, err := s.Load(); err != nil {
		t.Fatal(err)
	}
	if logs.Len() != 0 {
		t.Errorf("a private file was warned about: %q", logs)
	}
}

func TestSaveModes(t *testing.T) {
	t.Run("new directory", func(t *testing.T) {
		s := &Store{Dir: filepath.Join(t.TempDir(), "config", "spotray")}
		mustSave(t, s, sampleToken())
		if err := testenv.CheckPerm(s.Dir, dirMode); err != nil {
			t.Error(err)
		}
		if err := testenv.CheckPerm(s.Path(), fileMode); err != nil {
			t.Error(err)
		}
	})
	t.Run("existing wider directory", func(t *testing.T) {
		s := &Store{Dir: t.TempDir()}
		if err := os.Chmod(s.Dir, 0o755); err != nil {
			t.Fatal(err)
		}
		mustSave(t, s, sampleToken())
		if err := testenv.CheckPerm(s.Dir, 0o755); err != nil {
			t.Errorf("existing dir mode changed: %v", err)
		}
		if err := testenv.CheckPerm(s.Path(), fileMode); err != nil {
			t.Error(err)
		}
	})
	t.Run("replacing a wider file", func(t *testing.T) {
		s := &Store{Dir: t.TempDir()}
		if err := os.WriteFile(s.Path(), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		mustSave(t, s, sampleToken())
		if err := testenv.CheckPerm(s.Path(), fileMode); err != nil {
			t.Error(err)
		}
	})
}

func TestSaveRefusesIncompleteToken(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	before := mustSave(t, s, sampleToken())
	for _, tok := range []*Token{
		{ClientID: testClientID, AccessToken: "a"},
		{ClientID: testClientID, RefreshToken: "r"},
	} {
		if err := s.Save(tok); err == nil {
			t.Errorf("Save(%+v) succeeded", tok)
		}
	}
	assertFile(t, s, before)
}

func TestRemove(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	mustSave(t, s, sampleToken())
	for i := range 2 { // the second time there is nothing to remove
		if err := s.Remove(); err != nil {
			t.Fatalf("Remove #%d: %v", i+1, err)
		}
		if _, err := s.Load(); !errors.Is(err, ErrNotLoggedIn) {
			t.Fatalf("Load after Remove = %v", err)
		}
	}
}

func TestLockExcludes(t *testing.T) {
	dir := t.TempDir()
	a, b := &Store{Dir: dir}, &Store{Dir: dir}
	unlock, err := a.Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := b.Lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Lock while held = %v, want deadline exceeded", err)
	}
	unlock()
	unlock2, err := b.Lock(context.Background())
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	unlock2()
	if _, err := os.Stat(filepath.Join(dir, "token.lock")); err != nil {
		t.Errorf("lock file: %v", err)
	}
}

func TestLoginEndsAt(t *testing.T) {
	for _, tc := range []struct {
		authorized, want time.Time
	}{
		{authorized, time.Date(2026, 9, 1, 9, 30, 0, 0, time.UTC)},
		{time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC)},
		// Month arithmetic overflows like time.AddDate: 31 Aug + 6 months
		// is "31 Feb", which is 3 March.
		{time.Date(2026, 8, 31, 12, 0, 0, 0, time.UTC), time.Date(2027, 3, 3, 12, 0, 0, 0, time.UTC)},
	} {
		tok := &Token{AuthorizedAt: tc.authorized}
		if got := tok.LoginEndsAt(); !got.Equal(tc.want) {
			t.Errorf("LoginEndsAt(%v) = %v, want %v", tc.authorized, got, tc.want)
		}
	}
}

func BenchmarkStoreLoad(b *testing.B) {
	s := &Store{Dir: b.TempDir()}
	if err := s.Save(sampleToken()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLoadNeverChangesALinkTarget(t *testing.T) {
	logs := captureLog(t)
	s := &Store{Dir: t.TempDir()}
	elsewhere := filepath.Join(t.TempDir(), "shared.json")
	tok := sampleToken()
	data, err := encode(tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(elsewhere, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, s.Path()); err != nil {
		t.Skipf("cannot create a symbolic link here: %v", err)
	}
	got, err := s.Load()
	if err != nil || !sameToken(got, tok) {
		t.Fatalf("Load through a link = %+v, %v", got, err)
	}
	if fi, err := os.Stat(elsewhere); runtime.GOOS != "windows" && (err != nil || fi.Mode().Perm() != 0o644) {
		t.Errorf("the link's target was changed: %v, %v", fi.Mode(), err)
	}
	if !strings.Contains(logs.String(), "symbolic link") || !strings.Contains(logs.String(), s.Path()) {
		t.Errorf("no warning about the link: %q", logs)
	}

	tok.AccessToken = "access-2"
	mustSave(t, s, tok)
	fi, err := os.Lstat(s.Path())
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("after Save, token.json is %v, %v; want a regular file", fi.Mode(), err)
	}
	if err := testenv.CheckPerm(s.Path(), fileMode); err != nil {
		t.Errorf("the new token file: %v", err)
	}
	if after, _ := os.ReadFile(elsewhere); !bytes.Equal(after, data) {
		t.Errorf("Save wrote through the link: %q", after)
	}
}
