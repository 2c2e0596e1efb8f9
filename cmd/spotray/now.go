package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spotray/spotray/internal/account"
	"github.com/spotray/spotray/internal/nowplaying"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/stream"
)

// nowFlags are `spotray now`'s options.
type nowFlags struct {
	json, follow, waybar bool
	format, escape       string
}

// printer checks the options together; mistakes are usage errors.
func (f nowFlags) printer() (nowplaying.Printer, error) {
	var p nowplaying.Printer
	if f.json && (f.format != "" || f.waybar) {
		return p, usageErrorf("now: --json cannot be combined with --format or --waybar")
	}
	esc, err := nowplaying.ParseEscape(f.escape)
	if err != nil {
		return p, usageErrorf("now --escape: %v", err)
	}
	switch {
	case f.escape != "" && f.format == "" && !f.waybar:
		return p, usageErrorf("now: --escape applies to the values of --format: add --format TEMPLATE")
	case f.waybar && f.escape != "" && esc != nowplaying.Pango:
		return p, usageErrorf("now: --waybar always escapes for Pango, which waybar reads: drop --escape")
	}
	if f.format != "" {
		t, err := nowplaying.ParseTemplate(f.format)
		if err != nil {
			return p, usageErrorf("now --format: %v", err)
		}
		p.Format = &t
	}
	p.Escape, p.Waybar = esc, f.waybar
	return p, nil
}

func (c *cli) now(ctx context.Context, f nowFlags) error {
	p, err := f.printer()
	if err != nil {
		return err
	}
	if f.follow {
		return c.follow(ctx, p)
	}
	acct, _, err := c.account()
	if err != nil {
		return err
	}
	cp, err := acct.API.CurrentlyPlaying(ctx)
	if err != nil {
		return fmt.Errorf("currently playing: %w", err)
	}
	st := playback.FromAPI(cp, time.Now())
	if !f.json && p.Format == nil && !p.Waybar {
		_, err := fmt.Fprintln(c.stdout, nowplaying.Line(st))
		return err
	}
	return p.Print(c.stdout, nowplaying.Of(st))
}

// follow is `spotray now --follow`: it ends with exit 0 on SIGINT or
// SIGTERM (ctx) and when its reader goes away.
func (c *cli) follow(ctx context.Context, p nowplaying.Printer) error {
	// A write to a closed pipe then fails with EPIPE instead of killing
	// the process with SIGPIPE.
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if out, ok := c.stdout.(*os.File); ok {
		hup := stream.HungUp(out)
		go func() {
			select {
			case <-hup:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	f := &stream.Follower{
		Path: stream.SocketPath(c.getenv, c.paths.StateDir),
		Poll: c.pollNow,
		Emit: func(j nowplaying.JSON) error { return p.Print(c.stdout, j) },
	}
	err := f.Follow(ctx)
	if errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}

// pollNow polls Spotify with the configured login on the tray's schedule,
// for a follower without a tray. Trouble goes to stderr, once per kind;
// only a login that is gone ends it.
func (c *cli) pollNow(ctx context.Context, report func(nowplaying.JSON)) error {
	acct, _, err := c.account()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	trouble := playback.None
	poller := &playback.Poller{Client: acct.API, Interval: acct.Config.PollInterval, Updates: func(u playback.Update) {
		if err := u.Trouble.Err; err != nil && account.Classify(err) != account.Kept {
			cancel(err)
			return
		}
		if u.Trouble.Kind != trouble {
			if trouble = u.Trouble.Kind; trouble != playback.None {
				fmt.Fprintf(c.stderr, "spotray: %s: %v; retrying\n", trouble, u.Trouble.Err)
			}
		}
		if trouble == playback.None {
			report(nowplaying.Of(u.Status))
		}
	}}
	poller.Run(ctx)
	if err := context.Cause(ctx); !errors.Is(err, context.Canceled) {
		return fmt.Errorf("currently playing: %w", err)
	}
	return nil
}
