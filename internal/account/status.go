package account

import (
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

// WriteStatus describes cfg and its login to w, for `spotray status`. It
// reads and never writes, so that it is safe while debugging a broken
// setup, and returns the reason when there is no usable login.
func WriteStatus(out io.Writer, paths config.Paths, cfg config.Config, now time.Time) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	defer w.Flush()
	file := paths.ConfigFile()
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
		fmt.Fprintf(w, "Client ID:\t%s (%s)\n", tokens.MaskClientID(cfg.ClientID), mode)
	}
	fmt.Fprintf(w, "Redirect URI:\t%s (register exactly this in the Spotify dashboard)\n", cfg.RedirectURI)
	if cfg.AccountsURL != spotify.AccountsURL || cfg.APIURL != spotify.APIURL {
		fmt.Fprintf(w, "Spotify servers:\t%s, %s\n", cfg.AccountsURL, cfg.APIURL)
	}
	if err := cfg.Check(); err != nil {
		fmt.Fprintf(w, "Logged in:\tno\n")
		w.Flush()
		return err
	}
	acct, tok, err := Open(paths, cfg)
	if err != nil {
		fmt.Fprintf(w, "Logged in:\tno\n")
		w.Flush()
		return err
	}
	fmt.Fprintf(w, "Logged in as:\t%s\n", tok.User)
	fmt.Fprintf(w, "Token file:\t%s\n", acct.Store.Path())
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
