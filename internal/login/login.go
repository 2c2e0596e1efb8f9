// Package login connects spotray to the user's Spotify account: it runs a
// short-lived web server on the loopback redirect URI, walks the user through
// creating a Spotify app when no client ID is configured, sends the browser
// to Spotify's consent page, and turns the answer into a stored token.
//
// Everything the browser sees is served by this package, so nothing a token
// grants ever appears in a URL or a page: the authorization code arrives on
// the callback, the exchange happens server side, and the page only says
// whose account is connected.
package login

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/tokens"
)

// DefaultTimeout bounds a login when Options.Timeout is zero: long enough to
// create a Spotify app on the setup page, short enough that a forgotten
// login does not keep a port open.
const DefaultTimeout = 5 * time.Minute

// Errors that end a login. Run wraps them with what happened and what to do,
// so callers match them with errors.Is and show err.Error() to the user.
var (
	// ErrDeclined: the user pressed Cancel on Spotify's consent page.
	ErrDeclined = errors.New("authorization declined on Spotify's consent page")
	// ErrAuthorization: Spotify redirected back with an error other than a
	// refusal by the user.
	ErrAuthorization = errors.New("authorization refused by Spotify")
	// ErrNoCode: the redirect from Spotify had the right state but no code.
	ErrNoCode = errors.New("no authorization code in Spotify's redirect")
	// ErrExchange: the token endpoint refused the code or could not be reached.
	ErrExchange = errors.New("token exchange failed")
	// ErrNotAllowed: Spotify issued a token but refuses the account's API
	// calls, which for a development-mode app means the account is not on
	// the app's allow-list. The token is not saved: it cannot be used.
	ErrNotAllowed = errors.New("this Spotify account may not use the app")
	// ErrTimeout: nothing completed the login before Options.Timeout.
	ErrTimeout = errors.New("no answer from the browser in time")
	// ErrPortUnavailable: the redirect URI's port could not be bound.
	ErrPortUnavailable = errors.New("callback port unavailable")
)

// Options configure one login.
type Options struct {
	// Paths locate config.toml (written by the setup page) and token.json.
	Paths config.Paths
	// Config may lack a client ID: then the setup page is served first.
	Config config.Config
	// ShowDialog asks Spotify to show the consent page even when the user
	// has consented before, e.g. when reconnecting after a failure.
	ShowDialog bool
	// Open shows a URL to the user and must return promptly, since the
	// login cannot proceed until it does; nil means OpenBrowser.
	Open func(url string)
	// NoBrowser only prints the URL (logins over SSH, or with a browser on
	// another account); Open is not called.
	NoBrowser bool
	// Out receives the URL to visit in case the browser does not open;
	// nil means standard error.
	Out io.Writer
	// Timeout bounds the whole login; zero means DefaultTimeout.
	Timeout time.Duration
	// Handoff makes a separate grant for a script or website: the token
	// is only returned in Result, never stored, and spotray's own login
	// stays as it was. Each grant's refresh token rotates on its own, so
	// the tray and the script never spend each other's. Config must have a
	// client ID: the setup page is not shown.
	Handoff bool
}

// Result is a completed login.
type Result struct {
	// Token is the login as saved to token.json, or with Options.Handoff
	// the grant that was not saved.
	Token *tokens.Token
	// Config is Options.Config with the client ID and secret entered on the
	// setup page, if it was shown.
	Config config.Config
}

// Run performs one login and returns once the token is saved, the login
// failed, the timeout passed or ctx was canceled. The local web server is
// closed before Run returns, whatever the outcome.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Out == nil {
		o.Out = os.Stderr
	}
	if o.Open == nil {
		o.Open = func(url string) {
			if err := OpenBrowser(url); err != nil {
				fmt.Fprintf(o.Out, "Could not start a browser: %v\n", err)
			}
		}
	}
	if o.Handoff && o.Config.ClientID == "" {
		return nil, errors.New("a refresh token for a script needs a Spotify app: run `spotray login` first")
	}
	if o.Config.ClientID != "" {
		if err := config.ValidateClientID(o.Config.ClientID); err != nil {
			return nil, err // says what is wrong and where to copy the ID from
		}
	}
	rd, err := parseRedirect(o.Config.RedirectURI)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", rd.listenAddr())
	if err != nil {
		return nil, rd.listenError(err, o.Paths.ConfigFile())
	}

	ctx, cancel := context.WithCancel(ctx)
	f := newFlow(ctx, o, rd.site(ln.Addr().(*net.TCPAddr).Port))
	var fresh freshConns
	srv := &http.Server{
		Handler:           f,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ConnState:         fresh.track,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelDebug),
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(ln) // returns http.ErrServerClosed after Shutdown below
	}()
	defer func() {
		// Cancel first so that an exchange still in flight gives up, then
		// let the handler that ended the login finish writing its page.
		cancel()
		fresh.closeAll()
		shutdown(srv)
		<-served
	}()

	start := f.startURL()
	if o.NoBrowser {
		fmt.Fprintf(o.Out, "Open this address in a browser on this computer to log in:\n  %s\n", start)
	} else {
		fmt.Fprintf(o.Out, "Opening your browser... If it does not open, visit:\n  %s\n", start)
		o.Open(start)
	}

	timer := time.NewTimer(o.Timeout)
	defer timer.Stop()
	select {
	case <-f.done:
	case <-timer.C:
		f.finish(nil, fmt.Errorf("%w (%s): run `spotray login` again", ErrTimeout, o.Timeout))
	case <-ctx.Done():
		f.finish(nil, ctx.Err())
	}
	return f.outcome()
}

// freshConns tracks connections that have not sent a request yet, which
// browsers open speculatively. http.Server.Shutdown waits up to five seconds
// for each of them, which would keep `spotray login` hanging after the
// browser already shows the result.
type freshConns struct {
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool // the login ended: close new connections at once
}

// track is the server's ConnState hook.
func (fc *freshConns) track(c net.Conn, state http.ConnState) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	switch {
	case state != http.StateNew:
		delete(fc.conns, c)
	case fc.closed:
		c.Close()
	default:
		if fc.conns == nil {
			fc.conns = make(map[net.Conn]struct{})
		}
		fc.conns[c] = struct{}{}
	}
}

// closeAll closes the connections that have not sent a request, now and
// from now on: once the login ended, no new request matters.
func (fc *freshConns) closeAll() {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.closed = true
	for c := range fc.conns {
		c.Close()
	}
	clear(fc.conns)
}

// shutdown stops accepting connections and gives requests in flight a few
// seconds to complete, then closes whatever is left.
func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
	}
}
