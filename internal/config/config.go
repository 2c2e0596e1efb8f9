// Package config loads and saves spotray's settings: the Spotify app the
// user registered (client ID, optional secret, redirect URI) and how often to
// poll. Settings come from config.toml, then the environment variables the
// Spotify tutorials use, each source overriding the one before.
//
// Every check here exists because Spotify rejects the mistake later with a
// message that does not say how to fix it; config says it up front.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/adrg/xdg"
	"golang.org/x/oauth2"

	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/text"
)

// DefaultRedirectURI is the callback address spotray listens on unless told
// otherwise. It uses the loopback IP literal because Spotify refuses
// "localhost" since 2025.
const DefaultRedirectURI = "http://127.0.0.1:8974/callback"

// DashboardURL is where users create the Spotify app that gives them a
// client ID.
const DashboardURL = "https://developer.spotify.com/dashboard"

// ErrNoClientID means no client ID is configured yet. The login flow answers
// it with the setup page; commands that cannot show a page explain the steps.
var ErrNoClientID = errors.New("no Spotify client ID configured")

// Config is spotray's effective configuration. The zero value is not usable;
// Load fills in defaults.
type Config struct {
	// ClientID identifies the user's own Spotify app (32 hex characters).
	ClientID string
	// ClientSecret is optional. Without it spotray logs in with PKCE, which
	// is what Spotify recommends for desktop apps; with it, the token
	// endpoint is called with HTTP Basic authentication.
	ClientSecret string
	// RedirectURI must be registered, character for character, in the
	// Spotify dashboard. A port of 0 or no port means any free port.
	RedirectURI string
	// PollInterval is the steady poll for skips while music plays.
	PollInterval time.Duration
	// AccountsURL and APIURL point spotray at Spotify, or at another server
	// (tests and the demo use a simulated Spotify).
	AccountsURL, APIURL string
	// OnChange is the command run on every announced change (package
	// hook): a program and its arguments, never through a shell; nil for
	// none.
	OnChange []string
	// LocalPlayers are the MPRIS players on this desktop whose playback
	// the tray follows instead of asking the Web API, by the NAME of their
	// bus name org.mpris.MediaPlayer2.NAME; empty turns following off.
	LocalPlayers []string
}

// DefaultLocalPlayers are the Spotify players that announce themselves
// over MPRIS: Spotify's own client, spotifyd, ncspot and spotify_player.
var DefaultLocalPlayers = []string{"spotify", "spotifyd", "ncspot", "spotify_player"}

// Paths are the directories spotray keeps its files in. Tests and the demo
// use temporary ones so that they never touch a user's real login.
type Paths struct {
	ConfigDir string // config.toml, token.json
	StateDir  string // log, instance lock, tray settings
	CacheDir  string // album art
}

// DefaultPaths returns the XDG directories for spotray on this system.
func DefaultPaths() Paths {
	return Paths{
		ConfigDir: filepath.Join(xdg.ConfigHome, "spotray"),
		StateDir:  filepath.Join(xdg.StateHome, "spotray"),
		CacheDir:  filepath.Join(xdg.CacheHome, "spotray"),
	}
}

// ConfigFile is the path of config.toml.
func (p Paths) ConfigFile() string { return filepath.Join(p.ConfigDir, "config.toml") }

// Environment variables that override the file. The SPOTIFY_ names are the
// ones the popular tutorials use, so existing .env files keep working.
const (
	EnvClientID     = "SPOTIFY_CLIENT_ID"
	EnvClientSecret = "SPOTIFY_CLIENT_SECRET"
	EnvRedirectURI  = "SPOTIFY_REDIRECT_URI"
	EnvAccountsURL  = "SPOTRAY_ACCOUNTS_URL"
	EnvAPIURL       = "SPOTRAY_API_URL"
)

// Load reads path (a missing file is fine: every setting has a default or is
// asked for by the setup page), then applies the environment. It validates
// every value it sets except the client ID, whose absence is a normal first
// run: call Check before using the result for a login.
//
// On an error the Config returned is still one to run on, so that a tray
// can keep going and show the problem: the defaults and the environment
// when config.toml is unusable (a *FileError, with its line), the defaults
// alone when the environment is wrong too.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Config{
		RedirectURI:  DefaultRedirectURI,
		PollInterval: playback.DefaultInterval,
		AccountsURL:  spotify.AccountsURL,
		APIURL:       spotify.APIURL,
		LocalPlayers: slices.Clone(DefaultLocalPlayers),
	}
	defaults := c
	fileErr := readFile(path, &c)
	if fileErr != nil {
		c = defaults
	}
	if err := c.applyEnv(getenv); err != nil {
		if fileErr != nil {
			return defaults, fileErr
		}
		return defaults, err
	}
	return c, fileErr
}

// applyEnv overrides c with the environment and checks the result; on an
// error c is left as it was.
func (c *Config) applyEnv(getenv func(string) string) error {
	n := *c
	for name, dst := range map[string]*string{
		EnvClientID: &n.ClientID, EnvClientSecret: &n.ClientSecret, EnvRedirectURI: &n.RedirectURI,
		EnvAccountsURL: &n.AccountsURL, EnvAPIURL: &n.APIURL,
	} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	if err := ValidateRedirectURI(n.RedirectURI); err != nil {
		return err
	}
	for name, u := range map[string]string{EnvAccountsURL: n.AccountsURL, EnvAPIURL: n.APIURL} {
		if err := validateServerURL(u); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	n.AccountsURL = strings.TrimRight(n.AccountsURL, "/")
	n.APIURL = strings.TrimRight(n.APIURL, "/")
	*c = n
	return nil
}

// Check reports whether c is complete enough to log in: a well-formed client
// ID and a redirect URI Spotify will accept. The error says what to do.
func (c Config) Check() error {
	if c.ClientID == "" {
		return fmt.Errorf("%w: create an app at %s, register the redirect URI %s, "+
			"then run `spotray login` (its setup page asks for the client ID) or set %s",
			ErrNoClientID, DashboardURL, c.RedirectURI, EnvClientID)
	}
	if err := ValidateClientID(c.ClientID); err != nil {
		return err
	}
	return ValidateRedirectURI(c.RedirectURI)
}

// ValidateClientID checks the shape of a Spotify client ID: 32 hexadecimal
// characters, as shown on the app's page in the dashboard.
func ValidateClientID(id string) error {
	if len(id) != 32 {
		return fmt.Errorf("client ID %q is not 32 characters long: copy the Client ID from your app's "+
			"Basic Information in the Spotify dashboard", clip(id))
	}
	for _, r := range id {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return fmt.Errorf("client ID %q has a character that is not hexadecimal: copy the Client ID "+
				"from your app's Basic Information in the Spotify dashboard", clip(id))
		}
	}
	return nil
}

// clip keeps error messages readable when someone pastes a paragraph.
func clip(s string) string { return text.Line(s, 40) }

// ValidateRedirectURI accepts only what spotray can serve and Spotify will
// allow: plain http on the IPv4 loopback literal, which spotray binds. The
// errors name the URI to use instead.
func ValidateRedirectURI(uri string) error {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("redirect URI %q is not an absolute URL: use %s", uri, DefaultRedirectURI)
	}
	host := u.Hostname()
	fixed := *u
	fixed.Scheme = "http"
	fixed.Host = "127.0.0.1"
	if p := u.Port(); p != "" {
		fixed.Host = net.JoinHostPort("127.0.0.1", p)
	}
	fixed.RawQuery, fixed.Fragment = "", ""
	if fixed.Path == "" || fixed.Path == "/" {
		fixed.Path = "/callback"
	}
	switch {
	case strings.EqualFold(host, "localhost"):
		return fmt.Errorf("redirect URI %q uses localhost, which Spotify refuses since 2025 "+
			"(\"INVALID_CLIENT: Insecure redirect URI\"): use %s, and register that in the dashboard",
			uri, fixed.String())
	case u.Scheme != "http" || host != "127.0.0.1":
		return fmt.Errorf("redirect URI %q is not on this computer's loopback address: spotray receives the "+
			"login on http://127.0.0.1 (Spotify allows plain http only there): use %s", uri, fixed.String())
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("redirect URI %q must not carry user info, a query or a fragment: use %s", uri, fixed.String())
	case u.Path == "" || u.Path == "/":
		return fmt.Errorf("redirect URI %q needs a path for the callback: use %s", uri, fixed.String())
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("redirect URI %q has an invalid port: use %s", uri, DefaultRedirectURI)
		}
	}
	return nil
}

func validateServerURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

// OAuth2 returns the OAuth 2.0 client settings for c. Without a secret the
// client ID travels in the form body (PKCE); with one, in HTTP Basic. The
// style is fixed rather than auto-detected because auto-detection retries
// every failure with the other style and so doubles error traffic.
func (c Config) OAuth2() *oauth2.Config {
	style := oauth2.AuthStyleInParams
	if c.ClientSecret != "" {
		style = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		RedirectURL:  c.RedirectURI,
		Scopes:       strings.Fields(spotify.Scopes),
		Endpoint: oauth2.Endpoint{
			AuthURL:   c.AccountsURL + "/authorize",
			TokenURL:  c.AccountsURL + "/api/token",
			AuthStyle: style,
		},
	}
}

// exists reports whether path exists; errors other than "not exist" count as
// existing so that callers go on to report them.
func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}
