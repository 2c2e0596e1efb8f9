// Command spotray is a tray app for Spotify: it shows what is playing, says
// when the song changes, and keeps a Spotify login fresh for scripts.
//
// Run without arguments for the tray; `spotray help` lists the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spotray/spotray/internal/account"
	"github.com/spotray/spotray/internal/buildinfo"
	"github.com/spotray/spotray/internal/config"
)

const usage = `spotray: Spotify in your system tray, and a Spotify login for your scripts.

Usage:
  spotray                  run the tray app
  spotray login            connect to Spotify in your browser (--no-browser: only print the URL)
  spotray logout           forget the stored login
  spotray token            print a valid access token, refreshed if needed
                           (--json: with expires_at and scope)
  spotray refresh-token    print the tray's own refresh token; --new: make a separate
                           one for a script in your browser (--no-browser: print the URL)
  spotray status           show the configuration and the login
  spotray now              print what is playing (--json: as JSON; --follow: on every change;
                           --format '{title} — {artists}'; --escape pango; --waybar)
  spotray demo             run the tray against a built-in simulated Spotify
  spotray version          print the version
  spotray help             show this help

Settings live in config.toml in spotray's config directory (see spotray status);
SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET and SPOTIFY_REDIRECT_URI override it.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// exitError carries an exit code other than 1 (2 for usage mistakes).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// run executes one command and returns the process exit code. Failures are
// one line on stderr; a panic becomes such a line too, with the stack for a
// bug report, instead of a crash dump aimed at developers.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "spotray: internal error: %v (please report it with this trace)\n%s", r, debug.Stack())
			code = 1
		}
	}()
	err := dispatch(ctx, args, stdout, stderr, getenv)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "spotray: %v\n", err)
	if u, ok := account.FileTrouble(err); ok {
		fmt.Fprintln(stderr, unwritableHint(u))
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return runTray(ctx, config.DefaultPaths(), getenv, stderr, systemLauncher{})
	}
	name, rest := args[0], args[1:]
	fs := flag.NewFlagSet("spotray "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var noBrowser, asJSON, newGrant bool
	var now nowFlags
	switch name {
	case "login":
		fs.BoolVar(&noBrowser, "no-browser", false, "print the login URL instead of opening a browser")
	case "refresh-token":
		fs.BoolVar(&newGrant, "new", false, "make a separate refresh token for a script, in the browser")
		fs.BoolVar(&noBrowser, "no-browser", false, "with --new: print the URL instead of opening a browser")
	case "token":
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	case "now":
		fs.BoolVar(&now.json, "json", false, "print JSON")
		fs.BoolVar(&now.follow, "follow", false, "keep running: print again on every change (JSON unless --format or --waybar)")
		fs.StringVar(&now.format, "format", "", "print `TEMPLATE` filled in: {title} — {artists}; {{ and }} are braces")
		fs.StringVar(&now.escape, "escape", "", "escape --format's values for a bar's markup: none or pango")
		fs.BoolVar(&now.waybar, "waybar", false, "print waybar's JSON (text, tooltip, class, alt, percentage)")
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{code: 2, err: err}
	}
	if fs.NArg() > 0 {
		return usageErrorf("%s takes no arguments, got %q", name, fs.Arg(0))
	}
	if noBrowser && name == "refresh-token" && !newGrant {
		return usageErrorf("refresh-token --no-browser needs --new: the tray's own token needs no browser")
	}
	cli := &cli{paths: config.DefaultPaths(), getenv: getenv, stdout: stdout, stderr: stderr}
	switch name {
	case "login":
		return cli.login(ctx, noBrowser)
	case "logout":
		return cli.logout()
	case "token":
		return cli.token(ctx, asJSON)
	case "refresh-token":
		return cli.refreshToken(ctx, newGrant, noBrowser)
	case "status":
		return cli.status()
	case "now":
		return cli.now(ctx, now)
	case "demo":
		return runDemo(ctx, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "spotray", buildinfo.Read())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageErrorf("unknown command %q: run `spotray help` for the list", name)
}
