package stream

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/spotray/spotray/internal/nowplaying"
)

// TrayRetry is how often a follower that polls looks for a tray: a local
// connection attempt, no Spotify call.
const TrayRetry = 2 * time.Second

// Follower is `spotray now --follow`: it reports what plays once at start
// and again on every change, from the tray's socket when a tray runs and
// otherwise by polling Spotify itself. When the tray stops it falls back
// to polling; while it polls it looks for a tray every TrayRetry and
// switches to it, so a status bar started before the tray ends up costing
// nothing.
type Follower struct {
	Path string // the tray's socket (SocketPath)
	// Poll polls Spotify until ctx ends, calling report with each
	// observation; it returns an error only when polling cannot go on (no
	// login), and nil once ctx ends.
	Poll func(ctx context.Context, report func(nowplaying.JSON)) error
	// Emit writes one change; its error ends Follow (stdout closed).
	Emit  func(nowplaying.JSON) error
	Retry time.Duration // replaces TrayRetry when set

	last    nowplaying.JSON
	emitted bool
}

// Follow runs until ctx ends (nil), Emit fails or Poll cannot go on (their
// error).
func (f *Follower) Follow(ctx context.Context) error {
	for ctx.Err() == nil {
		c, err := Dial(ctx, f.Path)
		if err != nil {
			if c, err = f.pollUntilTray(ctx); err != nil || c == nil {
				return err
			}
		}
		if err := f.fromTray(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// fromTray emits what the tray sends until it goes away (nil) or Emit
// fails.
func (f *Follower) fromTray(ctx context.Context, c *Client) error {
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	defer c.Close()
	for {
		j, err := c.Next()
		if err != nil {
			return nil // the tray stopped, or ctx ended: Follow decides
		}
		if err := f.emit(j); err != nil {
			return err
		}
	}
}

// pollUntilTray polls Spotify until a tray answers on the socket (its
// connection) or ctx ends (nil, nil).
func (f *Follower) pollUntilTray(ctx context.Context) (*Client, error) {
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	emitErr := make(chan error, 1)
	polled := make(chan error, 1)
	go func() {
		polled <- f.Poll(pctx, func(j nowplaying.JSON) {
			if err := f.emit(j); err != nil {
				select {
				case emitErr <- err:
				default:
				}
				stop()
			}
		})
	}()
	tick := time.NewTicker(cmp.Or(f.Retry, TrayRetry))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			<-polled
			return nil, nil
		case err := <-polled:
			select {
			case e := <-emitErr:
				return nil, e
			default:
			}
			if err == nil && ctx.Err() == nil {
				err = errors.New("polling stopped")
			}
			return nil, err
		case <-tick.C:
			if c, err := Dial(ctx, f.Path); err == nil {
				stop()
				<-polled
				select {
				case e := <-emitErr:
					c.Close()
					return nil, e
				default:
				}
				return c, nil
			}
		}
	}
}

// emit passes j on unless it shows what was shown last: switching between
// the tray and polling repeats the current item.
func (f *Follower) emit(j nowplaying.JSON) error {
	if f.emitted && nowplaying.Same(j, f.last) {
		return nil
	}
	f.last, f.emitted = j, true
	return f.Emit(j)
}
