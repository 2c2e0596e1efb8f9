package account

import (
	"errors"
	"fmt"
	"testing"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want Gone
	}{
		{nil, Kept},
		{errors.New("dial tcp: connection refused"), Kept},
		{&spotify.Error{Status: 503, Message: "Service Unavailable"}, Kept},
		{&spotify.Error{Status: 429, RetryAfter: 5}, Kept},
		{fmt.Errorf("currently playing: refresh access token: %w", tokens.ErrLoginEnded), Ended},
		{fmt.Errorf("currently playing: %w; %w", &spotify.Error{Status: 401}, spotify.ErrTokenRefused), Ended},
		{tokens.ErrNotLoggedIn, Removed},
		{&tokens.CorruptError{Path: "token.json.bad", Err: errors.New("unexpected end of JSON input")}, Removed},
		{&tokens.OtherAppError{Stored: "a", Configured: "b"}, Removed},
	} {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestOpen(t *testing.T) {
	const id, other = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	paths := config.Paths{ConfigDir: t.TempDir()}
	cfg := config.Config{ClientID: id, APIURL: "http://api.test", AccountsURL: "http://accounts.test"}

	if _, _, err := Open(paths, cfg); !errors.Is(err, tokens.ErrNotLoggedIn) {
		t.Fatalf("Open without a login: %v", err)
	}
	stored := &tokens.Token{ClientID: id, AccessToken: "a", RefreshToken: "r"}
	if err := (&tokens.Store{Dir: paths.ConfigDir}).Save(stored); err != nil {
		t.Fatal(err)
	}
	a, tok, err := Open(paths, cfg)
	if err != nil || tok.RefreshToken != "r" {
		t.Fatalf("Open = %+v, %v", tok, err)
	}
	if a.API.BaseURL != cfg.APIURL || a.Tokens.Store != a.Store || a.API.Tokens != a.Tokens {
		t.Errorf("the account's parts are not built together: %+v", a)
	}

	// No client ID configured: the stored login's is taken.
	a, _, err = Open(paths, config.Config{})
	if err != nil || a.Config.ClientID != id || a.Tokens.ClientID != id {
		t.Errorf("Open without a client ID: %v, client ID %q", err, a.Config.ClientID)
	}

	// Another app configured: not this login.
	_, _, err = Open(paths, config.Config{ClientID: other})
	var oa *tokens.OtherAppError
	if !errors.As(err, &oa) || !errors.Is(err, tokens.ErrNotLoggedIn) {
		t.Errorf("Open for another app: %v", err)
	}
}
