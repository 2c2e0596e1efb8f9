package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/login"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

// cli holds what every terminal command needs. Data goes to stdout so that
// scripts can capture it; everything meant for people goes to stderr.
type cli struct {
	paths          config.Paths
	getenv         func(string) string
	stdout, stderr io.Writer
}

func (c *cli) config() (config.Config, error) {
	return config.Load(c.paths.ConfigFile(), c.getenv)
}

func (c *cli) store() *tokens.Store { return &tokens.Store{Dir: c.paths.ConfigDir} }

// source is the refreshing token source for the configured app; commands
// that need a login fail here with the reason and the fix.
func (c *cli) source() (*tokens.Source, config.Config, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, cfg, err
	}
	if err := cfg.Check(); err != nil {
		return nil, cfg, err
	}
	return &tokens.Source{Store: c.store(), OAuth: cfg.OAuth2(), ClientID: cfg.ClientID}, cfg, nil
}

func (c *cli) login(ctx context.Context, noBrowser bool) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	res, err := login.Run(ctx, login.Options{Paths: c.paths, Config: cfg, Out: c.stderr, NoBrowser: noBrowser})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	who := "Connected to Spotify"
	if res.Token.User != "" {
		who = "Connected as " + res.Token.User
	}
	fmt.Fprintf(c.stderr, "%s. Spotify ends this login on %s; spotray refreshes it until then.\n",
		who, res.Token.LoginEndsAt().Format(time.DateOnly))
	return nil
}

func (c *cli) logout() error {
	if err := c.store().Remove(); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	fmt.Fprintln(c.stderr, "Logged out: the stored Spotify login is deleted. "+
		"To revoke spotray's access entirely, remove the app at https://www.spotify.com/account/apps/.")
	return nil
}

func (c *cli) token(ctx context.Context) error {
	src, _, err := c.source()
	if err != nil {
		return err
	}
	tok, err := src.Token(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, tok.AccessToken)
	return nil
}

func (c *cli) refreshToken() error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	tok, err := c.store().Load()
	if err != nil {
		return err
	}
	if tok.ClientID != cfg.ClientID {
		return fmt.Errorf("%w (the stored login belongs to client ID %s, the configured one is %s)",
			tokens.ErrNotLoggedIn, config.MaskedClientID(tok.ClientID), config.MaskedClientID(cfg.ClientID))
	}
	fmt.Fprintln(c.stdout, tok.RefreshToken)
	return nil
}

// status reads and never writes: it must be safe to run while debugging a
// broken setup. It exits non-zero when there is no usable login, like
// `gh auth status`, so scripts can test for one.
func (c *cli) status() error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	defer w.Flush()
	file := c.paths.ConfigFile()
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		file += " (not created yet)"
	}
	fmt.Fprintf(w, "Config file:\t%s\n", file)
	if cfg.ClientID == "" {
		fmt.Fprintf(w, "Client ID:\tnot set\n")
	} else {
		mode := "PKCE, no client secret"
		if cfg.ClientSecret != "" {
			mode = "with client secret"
		}
		fmt.Fprintf(w, "Client ID:\t%s (%s)\n", config.MaskedClientID(cfg.ClientID), mode)
	}
	fmt.Fprintf(w, "Redirect URI:\t%s (register exactly this in the Spotify dashboard)\n", cfg.RedirectURI)
	if cfg.AccountsURL != config.DefaultAccountsURL || cfg.APIURL != config.DefaultAPIURL {
		fmt.Fprintf(w, "Spotify servers:\t%s, %s\n", cfg.AccountsURL, cfg.APIURL)
	}
	if err := cfg.Check(); err != nil {
		fmt.Fprintf(w, "Logged in:\tno\n")
		w.Flush()
		return err
	}
	tok, err := c.store().Load()
	if err == nil && tok.ClientID != cfg.ClientID {
		err = fmt.Errorf("%w (the stored login is for client ID %s)", tokens.ErrNotLoggedIn, config.MaskedClientID(tok.ClientID))
	}
	if err != nil {
		fmt.Fprintf(w, "Logged in:\tno\n")
		w.Flush()
		return err
	}
	now := time.Now()
	fmt.Fprintf(w, "Logged in as:\t%s\n", tok.User)
	fmt.Fprintf(w, "Token file:\t%s\n", c.store().Path())
	if tok.Expiry.After(now) {
		fmt.Fprintf(w, "Access token:\tvalid until %s (%s)\n", tok.Expiry.Local().Format("2006-01-02 15:04"),
			until(now, tok.Expiry))
	} else {
		fmt.Fprintf(w, "Access token:\texpired; the next use refreshes it\n")
	}
	ends := tok.LoginEndsAt()
	fmt.Fprintf(w, "Login ends:\t%s (%s; Spotify ends every login six months after you authorize, "+
		"then run `spotray login` again)\n", ends.Local().Format(time.DateOnly), until(now, ends))
	return nil
}

// until says how far away t is, in the unit a person would use.
func until(now, t time.Time) string {
	d := t.Sub(now)
	switch {
	case d <= 0:
		return "passed"
	case d < time.Hour:
		return fmt.Sprintf("in %d min", int(d.Minutes())+1)
	case d < 48*time.Hour:
		return fmt.Sprintf("in %d h", int(d.Hours()))
	default:
		return fmt.Sprintf("in %d days", int(d.Hours()/24))
	}
}

// nowJSON is the stable, documented shape of `spotray now --json`.
type nowJSON struct {
	Kind       string   `json:"kind"`
	Playing    bool     `json:"playing"`
	Title      string   `json:"title,omitempty"`
	Artists    []string `json:"artists,omitempty"`
	Album      string   `json:"album,omitempty"`
	URI        string   `json:"uri,omitempty"`
	URL        string   `json:"url,omitempty"`
	ProgressMS int64    `json:"progress_ms"`
	DurationMS int64    `json:"duration_ms"`
	Text       string   `json:"text"`
}

func (c *cli) now(ctx context.Context, asJSON bool) error {
	src, cfg, err := c.source()
	if err != nil {
		return err
	}
	client := &spotify.Client{BaseURL: cfg.APIURL, Tokens: src}
	cp, err := client.CurrentlyPlaying(ctx)
	if err != nil {
		return fmt.Errorf("currently playing: %w", err)
	}
	st := playback.FromAPI(cp, time.Now())
	if !asJSON {
		line := st.Item.String()
		if st.Item.Kind != playback.Nothing && !st.Playing {
			line += " (paused)"
		}
		fmt.Fprintln(c.stdout, line)
		return nil
	}
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(nowJSON{
		Kind: st.Item.Kind.String(), Playing: st.Playing, Title: st.Item.Title, Artists: st.Item.Artists,
		Album: st.Item.Album, URI: st.Item.Key, URL: st.Item.URL, ProgressMS: st.Progress.Milliseconds(),
		DurationMS: st.Item.Duration.Milliseconds(), Text: st.Item.String(),
	})
}
