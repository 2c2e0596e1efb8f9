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
	"strings"
	"time"
)

// Spotify's servers. Client.BaseURL and config.toml's overrides point
// spotray elsewhere (tests and spotray demo use a simulated Spotify).
const (
	APIURL      = "https://api.spotify.com"      // the Web API
	AccountsURL = "https://accounts.spotify.com" // authorization and the token endpoint
)

// Scopes are the permissions the calls of this package need, which is what
// spotray asks the user for: reading what is playing. Spotify has no
// incremental consent, so this is the whole list.
const Scopes = "user-read-currently-playing user-read-playback-state"

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
// episodes, or nil (and no error) when Spotify answers 204: nothing is playing
// or the session is private. A 200 without a usable body is an error.
func (c *Client) CurrentlyPlaying(ctx context.Context) (*CurrentlyPlaying, error) {
	status, body, err := c.get(ctx, "/v1/me/player/currently-playing?additional_types=episode")
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
	status, body, err := c.get(ctx, "/v1/me")
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

// get performs an authorized GET of path (with its query) and returns the
// status and body of a successful answer, or an error: *Error for API
// refusals. A 401 gets one refreshed token and one retry; a 401 to that is
// ErrTokenRefused.
func (c *Client) get(ctx context.Context, path string) (int, []byte, error) {
	if c.Tokens == nil {
		return 0, nil, errors.New("spotify client has no token source")
	}
	token, err := c.Tokens.AccessToken(ctx)
	if err != nil {
		return 0, nil, err
	}
	status, header, body, err := c.do(ctx, path, token)
	if err != nil {
		return 0, nil, err
	}
	if status == http.StatusUnauthorized {
		refused := apiError(status, header, body, time.Now())
		token, err = c.Tokens.RefreshAccessToken(ctx, token)
		if err != nil {
			return 0, nil, fmt.Errorf("%w; %w", refused, err)
		}
		status, header, body, err = c.do(ctx, path, token)
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
func (c *Client) do(ctx context.Context, path, token string) (int, http.Header, []byte, error) {
	base := c.BaseURL
	if base == "" {
		base = APIURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+path, nil)
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
