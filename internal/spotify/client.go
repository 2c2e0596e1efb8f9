// Package spotify is the small part of the Spotify Web API spotray uses: what
// is playing now and who is logged in. It refreshes a rejected access token
// once, reports rate limits with their Retry-After, and never retries on its
// own beyond that: pacing belongs to the caller (internal/playback).
package spotify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Spotify's servers. Client.BaseURL and config.toml's overrides point
// spotray elsewhere (tests and spotray demo use a simulated Spotify).
const (
	APIURL      = "https://api.spotify.com"      // the Web API
	AccountsURL = "https://accounts.spotify.com" // authorization and the token endpoint
)

// The permissions spotray asks for. Spotify has no incremental consent, so
// Scopes, the whole list, is asked at every login.
const (
	// ReadScopes read what is playing, and on which device.
	ReadScopes = "user-read-currently-playing user-read-playback-state"
	// ControlScope allows play, pause, next and previous (Control).
	ControlScope = "user-modify-playback-state"
	// LibraryScopes read and change the user's library (Saved, SetSaved).
	LibraryScopes = "user-library-read user-library-modify"
	// Scopes is what a login asks for.
	Scopes = ReadScopes + " " + ControlScope + " " + LibraryScopes
)

// Grant is what a login's granted scopes allow beyond reading.
type Grant struct {
	Control bool // Control works (Spotify also wants Premium)
	Like    bool // Saved and SetSaved work
}

// Granted reads a grant's scope, as the token endpoint returned it. An
// empty scope is a login recorded before spotray kept it, which asked for
// ReadScopes only; a grant narrower than asked allows what it lists.
func Granted(scope string) Grant {
	has := map[string]bool{}
	for _, s := range strings.Fields(scope) {
		has[s] = true
	}
	return Grant{
		Control: has[ControlScope],
		Like:    has["user-library-read"] && has["user-library-modify"],
	}
}

// maxBody bounds what is read of an answer: the largest real ones (an
// episode with its show's market list) are a few kilobytes.
const maxBody = 1 << 20

// defaultHTTP is used when Client.HTTP is nil. The timeout keeps a stalled
// connection (typical right after resume from sleep) from blocking polling.
var defaultHTTP = &http.Client{Timeout: 15 * time.Second}

// TokenSource hands out access tokens. internal/tokens implements it for the
// stored login; StaticToken for a token known from elsewhere.
type TokenSource interface {
	// AccessToken returns a token believed to be valid.
	AccessToken(ctx context.Context) (string, error)
	// RefreshAccessToken returns a token other than rejected, which the API
	// has just refused.
	RefreshAccessToken(ctx context.Context, rejected string) (string, error)
}

// StaticToken is a TokenSource for one access token, e.g. right after the
// login's code exchange, when the token is in hand but not yet stored.
type StaticToken string

// ErrTokenRefused means the API refused the access token that replaced the
// one it had just refused: the login itself is not accepted, and refreshing
// again would only spend refresh tokens. The error that matches it also
// carries the second refusal as *Error.
var ErrTokenRefused = errors.New("the API refuses even a newly refreshed access token")

// errCannotRefresh is what a StaticToken says when its token is refused.
var errCannotRefresh = errors.New("the access token was refused and there is no refresh token to renew it")

// AccessToken returns the token.
func (t StaticToken) AccessToken(context.Context) (string, error) { return string(t), nil }

// RefreshAccessToken fails: a lone access token cannot be renewed.
func (t StaticToken) RefreshAccessToken(context.Context, string) (string, error) {
	return "", errCannotRefresh
}

// Client calls the Web API. The zero value is not usable: Tokens is required.
type Client struct {
	BaseURL string       // "" means APIURL
	HTTP    *http.Client // nil means a client with a 15 s timeout
	Tokens  TokenSource
}

// CurrentlyPlaying returns what the user is playing, including podcast
// episodes, and on which device, or nil (and no error) when Spotify answers
// 204: no device is active or the session is private. A 200 without a
// usable body is an error. It asks GET /v1/me/player, which answers what
// /v1/me/player/currently-playing does plus the device, at the same cost.
func (c *Client) CurrentlyPlaying(ctx context.Context) (*CurrentlyPlaying, error) {
	status, body, err := c.call(ctx, http.MethodGet, "/v1/me/player?additional_types=episode")
	if err != nil {
		return nil, fmt.Errorf("currently playing: %w", err)
	}
	if status == http.StatusNoContent {
		return nil, nil
	}
	var cp *CurrentlyPlaying
	if err := decode(status, body, &cp); err != nil {
		return nil, fmt.Errorf("currently playing: %w", err)
	}
	return cp, nil
}

// Me returns the logged-in user.
func (c *Client) Me(ctx context.Context) (*User, error) {
	status, body, err := c.call(ctx, http.MethodGet, "/v1/me")
	if err != nil {
		return nil, fmt.Errorf("user profile: %w", err)
	}
	var u *User
	if err := decode(status, body, &u); err != nil {
		return nil, fmt.Errorf("user profile: %w", err)
	}
	return u, nil
}

// decode parses a successful answer into *dst, which must point to a nil
// pointer: an empty body or JSON null leaves it nil and is reported, because
// a 200 that says nothing is a broken answer, not "nothing playing".
func decode[T any](status int, body []byte, dst **T) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("empty answer (HTTP %d)", status)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return fmt.Errorf("malformed answer (HTTP %d, %d bytes): %w", status, len(body), err)
	}
	if *dst == nil {
		return fmt.Errorf("answer is null (HTTP %d)", status)
	}
	return nil
}

// Command is a playback command.
type Command uint8

// The commands, as the Web API's player endpoints take them.
const (
	Play Command = iota
	Pause
	Next
	Previous
)

var commands = [...]struct{ method, path, name string }{
	Play:     {http.MethodPut, "/v1/me/player/play", "play"},
	Pause:    {http.MethodPut, "/v1/me/player/pause", "pause"},
	Next:     {http.MethodPost, "/v1/me/player/next", "next"},
	Previous: {http.MethodPost, "/v1/me/player/previous", "previous"},
}

// String names the command.
func (c Command) String() string {
	if int(c) < len(commands) {
		return commands[c].name
	}
	return "command(?)"
}

// Control sends a playback command to the active device. Spotify refuses
// it for free accounts (an *Error with ReasonPremiumRequired) and when no
// device is active (ReasonNoActiveDevice).
func (c *Client) Control(ctx context.Context, cmd Command) error {
	if int(cmd) >= len(commands) {
		return fmt.Errorf("unknown playback command %d", cmd)
	}
	if _, _, err := c.call(ctx, commands[cmd].method, commands[cmd].path); err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	return nil
}

// libraryPath is the library endpoint path for one item's URI.
func libraryPath(path, uri string) string { return path + "?uris=" + url.QueryEscape(uri) }

// SetSaved saves the item with uri (spotify:track:… or spotify:episode:…)
// to the user's library, or removes it. These are the library endpoints
// of 2026: the older /v1/me/tracks ones are gone for apps in development
// mode.
func (c *Client) SetSaved(ctx context.Context, uri string, saved bool) error {
	method, what := http.MethodPut, "save to library"
	if !saved {
		method, what = http.MethodDelete, "remove from library"
	}
	if _, _, err := c.call(ctx, method, libraryPath("/v1/me/library", uri)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Saved reports whether the item with uri is in the user's library.
func (c *Client) Saved(ctx context.Context, uri string) (bool, error) {
	status, body, err := c.call(ctx, http.MethodGet, libraryPath("/v1/me/library/contains", uri))
	if err != nil {
		return false, fmt.Errorf("library check: %w", err)
	}
	var answer *[]bool
	if err := decode(status, body, &answer); err != nil {
		return false, fmt.Errorf("library check: %w", err)
	}
	if len(*answer) != 1 {
		return false, fmt.Errorf("library check: %d answers for one item", len(*answer))
	}
	return (*answer)[0], nil
}

// call performs an authorized request of path (with its query) and
// returns the status and body of a successful answer, or an error: *Error
// for API refusals. A 401 gets one refreshed token and one retry; a 401 to
// that is ErrTokenRefused.
func (c *Client) call(ctx context.Context, method, path string) (int, []byte, error) {
	if c.Tokens == nil {
		return 0, nil, errors.New("spotify client has no token source")
	}
	token, err := c.Tokens.AccessToken(ctx)
	if err != nil {
		return 0, nil, err
	}
	status, header, body, err := c.do(ctx, method, path, token)
	if err != nil {
		return 0, nil, err
	}
	if status == http.StatusUnauthorized {
		refused := apiError(status, header, body, time.Now())
		token, err = c.Tokens.RefreshAccessToken(ctx, token)
		if err != nil {
			return 0, nil, fmt.Errorf("%w; %w", refused, err)
		}
		status, header, body, err = c.do(ctx, method, path, token)
		if err != nil {
			return 0, nil, err
		}
		if status == http.StatusUnauthorized {
			return 0, nil, fmt.Errorf("%w; %w", apiError(status, header, body, time.Now()), ErrTokenRefused)
		}
	}
	if status < 200 || status > 299 {
		return 0, nil, apiError(status, header, body, time.Now())
	}
	return status, body, nil
}

// do sends one request. The token goes in the Authorization header only;
// errors from net/http name the URL, which never carries it.
func (c *Client) do(ctx context.Context, method, path, token string) (int, http.Header, []byte, error) {
	base := c.BaseURL
	if base == "" {
		base = APIURL
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(base, "/")+path, nil)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read answer (HTTP %d): %w", resp.StatusCode, err)
	}
	if len(body) > maxBody {
		return 0, nil, nil, fmt.Errorf("answer larger than %d bytes (HTTP %d)", maxBody, resp.StatusCode)
	}
	return resp.StatusCode, resp.Header, body, nil
}
