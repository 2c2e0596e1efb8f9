// Package account is the Spotify login of the configured app as every part
// of spotray uses it: the stored login, the token source that refreshes it
// and the Web API client, built together from one configuration, so that
// the terminal commands and the tray cannot disagree about which login is
// theirs.
package account

import (
	"errors"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

// Account is the login of one configured Spotify app. Its fields are built
// by New and share one Store; they are safe for concurrent use, across
// processes too (see tokens.Source).
type Account struct {
	Config config.Config
	Store  *tokens.Store
	Tokens *tokens.Source // refreshes the stored login; rejects one of another client ID
	API    *spotify.Client
}

// New builds the account of cfg, whose login lives in paths.ConfigDir.
func New(paths config.Paths, cfg config.Config) *Account {
	store := &tokens.Store{Dir: paths.ConfigDir}
	src := &tokens.Source{Store: store, OAuth: cfg.OAuth2(), ClientID: cfg.ClientID}
	return &Account{
		Config: cfg,
		Store:  store,
		Tokens: src,
		API:    &spotify.Client{BaseURL: cfg.APIURL, Tokens: src},
	}
}

// Open is New followed by reading the stored login. A configuration
// without a client ID (none set yet, or config.toml unusable) takes the
// stored login's, so that a login made with SPOTIFY_CLIENT_ID keeps working
// without it. The error is the store's: it matches tokens.ErrNotLoggedIn
// when there is no usable login (a *tokens.CorruptError or a
// *tokens.OtherAppError says why); the Account is returned either way.
func Open(paths config.Paths, cfg config.Config) (*Account, *tokens.Token, error) {
	if cfg.ClientID == "" {
		if tok, err := (&tokens.Store{Dir: paths.ConfigDir}).Load(); err == nil {
			cfg.ClientID = tok.ClientID
		}
	}
	a := New(paths, cfg)
	tok, err := a.Tokens.Stored()
	return a, tok, err
}

// Gone is what an error says about the login.
type Gone uint8

// The ways a login goes.
const (
	// Kept: the error leaves the login in place (offline, rate-limited, a
	// failing server); retrying may succeed.
	Kept Gone = iota
	// Ended: Spotify no longer accepts the login (revoked, six months
	// old, or the API refuses even a fresh access token). The user must log
	// in again, and should be told.
	Ended
	// Removed: the stored login disappeared or became unusable on this
	// computer (`spotray logout` in a terminal, a corrupt or foreign
	// token.json).
	Removed
)

// Classify says whether err means the login is gone. It is the one place
// that decides, whichever action met the error.
func Classify(err error) Gone {
	switch {
	case errors.Is(err, tokens.ErrLoginEnded), errors.Is(err, spotify.ErrTokenRefused):
		return Ended
	case errors.Is(err, tokens.ErrNotLoggedIn):
		return Removed
	}
	return Kept
}
