package tokens

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spotray/spotray/internal/text"
	"golang.org/x/oauth2"
)

const (
	// minValidity is how long a returned access token stays valid at least,
	// so that a request started with it does not meet an expired token.
	minValidity = 60 * time.Second

	// refreshTimeout bounds a refresh, waiting for the lock included, so
	// that a token endpoint that never answers, or a stopped process holding
	// the lock, cannot hang the tray.
	refreshTimeout = 30 * time.Second

	// defaultLifetime is Spotify's documented access token lifetime, assumed
	// when a refresh response does not say.
	defaultLifetime = time.Hour
)

// Source hands out valid access tokens from a Store, refreshing them through
// Spotify's token endpoint when needed. Any number of Sources, in any number
// of processes, may share one Store: refreshes are serialized by the Store's
// lock and each refresh re-reads the file first, so a single-use refresh
// token is spent only once.
type Source struct {
	Store    *Store
	OAuth    *oauth2.Config   // from config.Config.OAuth2()
	ClientID string           // a stored login for another client ID is an *OtherAppError
	Now      func() time.Time // nil means time.Now
}

func (s *Source) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Token returns the stored login with an access token valid for at least
// another minute, refreshing it if needed. The HTTP client for the refresh is
// taken from ctx (oauth2.HTTPClient) when set.
func (s *Source) Token(ctx context.Context) (*Token, error) {
	t, err := s.load()
	if err != nil {
		return nil, err
	}
	if s.fresh(t) {
		return t, nil
	}
	return s.refresh(ctx, func(t *Token) bool { return !s.fresh(t) })
}

// Refresh is for an access token that the API rejected (HTTP 401) before its
// expiry. It refreshes unless the stored access token is already another,
// still fresh one: then some other caller refreshed meanwhile.
func (s *Source) Refresh(ctx context.Context, rejected string) (*Token, error) {
	return s.refresh(ctx, func(t *Token) bool { return t.AccessToken == rejected || !s.fresh(t) })
}

// AccessToken implements spotify.TokenSource.
func (s *Source) AccessToken(ctx context.Context) (string, error) {
	t, err := s.Token(ctx)
	if err != nil {
		return "", err
	}
	return t.AccessToken, nil
}

// RefreshAccessToken implements spotify.TokenSource.
func (s *Source) RefreshAccessToken(ctx context.Context, rejected string) (string, error) {
	t, err := s.Refresh(ctx, rejected)
	if err != nil {
		return "", err
	}
	return t.AccessToken, nil
}

func (s *Source) fresh(t *Token) bool {
	return t.Expiry.Sub(s.now()) >= minValidity
}

// Stored returns the stored login as it is, without refreshing it, for
// those who need its refresh token or its dates. Like Token, it rejects a
// login made for another client ID.
func (s *Source) Stored() (*Token, error) { return s.load() }

// load reads the stored login and rejects one made for another client ID:
// Spotify would refuse its refresh token with invalid_grant, and the login
// belongs to whoever configured that other app. This is the one place that
// check is made.
func (s *Source) load() (*Token, error) {
	t, err := s.Store.Load()
	if err != nil {
		return nil, err
	}
	if t.ClientID != s.ClientID {
		return nil, &OtherAppError{Stored: t.ClientID, Configured: s.ClientID}
	}
	return t, nil
}

// OtherAppError is a stored login made for another client ID than the
// configured one. It matches ErrNotLoggedIn under errors.Is: the remedy is
// to log in again with the configured app.
type OtherAppError struct {
	Stored, Configured string // the client IDs
}

func (e *OtherAppError) Error() string {
	return fmt.Sprintf("the stored login belongs to client ID %s, not the configured %s: %v",
		MaskClientID(e.Stored), MaskClientID(e.Configured), ErrNotLoggedIn)
}

// Is makes a login for another app count as no login.
func (e *OtherAppError) Is(target error) bool { return target == ErrNotLoggedIn }

// MaskClientID shows enough of a client ID to recognise it, for status
// output and messages: client IDs are not secret, but a whole one in a
// shared log or screenshot invites misuse of the app's quota.
func MaskClientID(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:4] + "…" + id[len(id)-4:]
}

// refresh re-reads the login under the lock and refreshes it if need still
// says so once the lock is held.
func (s *Source) refresh(ctx context.Context, need func(*Token) bool) (*Token, error) {
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	unlock, err := s.Store.Lock(ctx)
	if err != nil {
		return nil, fmt.Errorf("refresh access token: %w", err)
	}
	defer unlock()
	old, err := s.load()
	if err != nil {
		return nil, err
	}
	if !need(old) {
		return old, nil
	}
	// The space for the answer is taken before the refresh token is
	// spent: once Spotify has rotated it, failing to save the answer would
	// lose the login for good.
	room, err := s.Store.reserve(old)
	if err != nil {
		return nil, fmt.Errorf("refresh access token: %w", err)
	}
	t, err := s.exchange(ctx, old)
	if err != nil {
		room.Cancel()
		return s.failed(old, need, err)
	}
	if err := s.Store.commit(room, t); err != nil {
		return nil, fmt.Errorf("refresh access token: %w", err)
	}
	return t, nil
}

// exchange spends old's refresh token. The result carries over what Spotify
// does not repeat: the login's identity, and the refresh token itself when
// the response omits a new one.
func (s *Source) exchange(ctx context.Context, old *Token) (*Token, error) {
	start := s.now()
	ot, err := s.OAuth.TokenSource(ctx, &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
	if err != nil {
		return nil, err
	}
	t := *old
	t.AccessToken = ot.AccessToken
	if ot.RefreshToken != "" {
		t.RefreshToken = ot.RefreshToken
	}
	if ot.TokenType != "" {
		t.TokenType = ot.TokenType
	}
	if scope, _ := ot.Extra("scope").(string); scope != "" {
		t.Scope = scope
	}
	// Measured from before the request, with our clock rather than
	// x/oauth2's, so that the expiry errs early and tests control it.
	lifetime := defaultLifetime
	if ot.ExpiresIn > 0 {
		lifetime = time.Duration(ot.ExpiresIn) * time.Second
	}
	t.Expiry = start.Add(lifetime)
	return &t, nil
}

// failed handles a refresh the token endpoint did not grant. Only
// invalid_grant ends the login; any other failure (network, 5xx,
// invalid_client, timeout) may pass, so the stored login stays untouched.
func (s *Source) failed(old *Token, need func(*Token) bool, err error) (*Token, error) {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return nil, fmt.Errorf("refresh access token: %w", err)
	}
	err = &endpointError{re}
	if re.ErrorCode != "invalid_grant" {
		return nil, fmt.Errorf("refresh access token: %w", err)
	}
	// A login (which does not take the lock) may have saved a new token
	// while this refresh was rejected: never remove that one.
	cur, lerr := s.load()
	switch {
	case lerr != nil:
		// Gone or unusable already: nothing left to remove.
	case cur.RefreshToken != old.RefreshToken:
		if !need(cur) {
			return cur, nil
		}
		return nil, fmt.Errorf("refresh access token: %w", err)
	default:
		if rerr := s.Store.Remove(); rerr != nil {
			return nil, fmt.Errorf("refresh access token: %w: %w (and %w)", err, ErrLoginEnded, rerr)
		}
	}
	return nil, fmt.Errorf("refresh access token: %w: %w", err, ErrLoginEnded)
}

// maxEndpointText bounds each part of a token endpoint's error shown to the
// user: Spotify's are a few words.
const maxEndpointText = 200

// endpointError says on one line what the token endpoint answered; x/oauth2's
// own message appends the whole response body.
type endpointError struct {
	re *oauth2.RetrieveError
}

func (e *endpointError) Error() string {
	switch {
	case e.re.ErrorCode == "" && e.re.Response != nil:
		return "token endpoint answered HTTP " + e.re.Response.Status
	case e.re.ErrorCode == "":
		return "token endpoint failed"
	case e.re.ErrorDescription == "":
		return "Spotify answered " + text.Line(e.re.ErrorCode, maxEndpointText)
	default:
		return "Spotify answered " + text.Line(e.re.ErrorCode, maxEndpointText) + ": " +
			text.Line(e.re.ErrorDescription, maxEndpointText)
	}
}

// Unwrap gives callers the *oauth2.RetrieveError.
func (e *endpointError) Unwrap() error { return e.re }
