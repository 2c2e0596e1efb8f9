// Package hook runs the user's on_change command when spotray announces a
// new item, like spotifyd's onevent: the program named by an argv (never
// a shell), with what plays in SPOTRAY_* environment variables.
//
// At most one run is under way at a time. A change that comes during a run
// waits, and only the newest waiting change runs next, so a burst of skips
// never piles up processes. A run is ended, with everything it started,
// after Timeout.
package hook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/nowplaying"
)

// Timeout is how long a run may take before it is ended.
const Timeout = 10 * time.Second

// artTimeout bounds the album art download a run waits for.
const artTimeout = 5 * time.Second

// Job is one change to run the hook for.
type Job struct {
	Argv     []string // the command; Argv[0] is looked up in PATH
	Now      nowplaying.JSON
	ImageURL string // album art to put in SPOTRAY_ART_PATH; "" for none
}

// Art turns an image URL into a local file, as artcache.Cache does.
type Art interface {
	Get(ctx context.Context, url string) (path string, err error)
}

// Runner runs jobs one at a time. Set the fields, start Run, then Send.
type Runner struct {
	Log *slog.Logger
	Art Art // nil: SPOTRAY_ART_PATH is always ""
	// Environ is the user's environment (os.Environ); the hook gets it
	// without spotray's secrets, plus the SPOTRAY_ variables.
	Environ func() []string
	// After replaces time.After for the timeout, in tests.
	After func(time.Duration) <-chan time.Time

	mu       sync.Mutex
	pending  *Job
	wake     chan struct{}
	once     sync.Once
	notFound map[string]bool // programs already reported missing
}

func (r *Runner) woken() chan struct{} {
	r.once.Do(func() { r.wake = make(chan struct{}, 1) })
	return r.wake
}

// Send queues j, replacing a job still waiting. It never blocks.
func (r *Runner) Send(j Job) {
	r.mu.Lock()
	r.pending = &j
	r.mu.Unlock()
	select {
	case r.woken() <- struct{}{}:
	default:
	}
}

// Run runs the jobs sent until ctx ends, which also ends a run under way.
func (r *Runner) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.woken():
		}
		r.mu.Lock()
		j := r.pending
		r.pending = nil
		r.mu.Unlock()
		if j != nil {
			r.run(ctx, *j)
		}
	}
}

// run carries out one job; every failure is logged, none is fatal.
func (r *Runner) run(ctx context.Context, j Job) {
	if len(j.Argv) == 0 {
		return
	}
	art := ""
	if r.Art != nil && j.ImageURL != "" {
		actx, cancel := context.WithTimeout(ctx, artTimeout)
		path, err := r.Art.Get(actx, j.ImageURL)
		cancel()
		if err != nil {
			r.Log.Warn("on_change: no album art for SPOTRAY_ART_PATH", "err", err)
		}
		art = path
	}
	cmd := exec.Command(j.Argv[0], j.Argv[1:]...)
	cmd.Env = Environ(r.Environ(), j.Now, art)
	var stderr tail
	cmd.Stderr = &stderr
	// A child that keeps the pipe open after the group is killed (it left
	// the group) must not hold the runner.
	cmd.WaitDelay = time.Second
	setGroup(cmd)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		r.startFailed(j.Argv[0], err)
		return
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	after := r.After
	if after == nil {
		after = time.After
	}
	var err error
	select {
	case err = <-done:
	case <-after(Timeout):
		killGroup(cmd)
		<-done
		r.Log.Warn(fmt.Sprintf("on_change: %s ran longer than %v and was stopped, with what it started", j.Argv[0], Timeout))
		return
	case <-ctx.Done():
		killGroup(cmd)
		<-done
		return
	}
	if err != nil {
		r.Log.Warn("on_change: "+j.Argv[0]+" failed", "err", err, "stderr", stderr.String())
		return
	}
	r.Log.Debug("on_change ran", "program", j.Argv[0], "took", time.Since(start))
}

// startFailed logs a program that cannot start; a missing one once, with
// the fix, since it stays missing until the user acts.
func (r *Runner) startFailed(program string, err error) {
	if !errors.Is(err, exec.ErrNotFound) && !errors.Is(err, os.ErrNotExist) {
		r.Log.Warn("on_change: cannot start "+program, "err", err)
		return
	}
	r.mu.Lock()
	seen := r.notFound[program]
	if r.notFound == nil {
		r.notFound = map[string]bool{}
	}
	r.notFound[program] = true
	r.mu.Unlock()
	if !seen {
		r.Log.Warn(fmt.Sprintf("on_change: program %q not found: install it, or give its full path in on_change in config.toml", program),
			"err", err)
	}
}

// Environ is the hook's environment: env without spotray's secrets and
// without SPOTRAY_ variables from outside, plus what plays. No token is
// ever in it: spotray keeps tokens in its token file, never in its
// environment.
func Environ(env []string, j nowplaying.JSON, artPath string) []string {
	out := make([]string, 0, len(env)+8)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == config.EnvClientSecret || isOurs(k) {
			continue
		}
		out = append(out, kv)
	}
	return append(out,
		"SPOTRAY_TITLE="+j.Title,
		"SPOTRAY_ARTISTS="+strings.Join(j.Artists, ", "),
		"SPOTRAY_ALBUM="+j.Album,
		"SPOTRAY_URI="+j.URI,
		"SPOTRAY_URL="+j.URL,
		"SPOTRAY_KIND="+j.Kind,
		fmt.Sprintf("SPOTRAY_PLAYING=%t", j.Playing),
		"SPOTRAY_ART_PATH="+artPath,
	)
}

// isOurs: one of the variables Environ sets, which an inherited value must
// not shadow.
func isOurs(k string) bool {
	switch k {
	case "SPOTRAY_TITLE", "SPOTRAY_ARTISTS", "SPOTRAY_ALBUM", "SPOTRAY_URI", "SPOTRAY_URL", "SPOTRAY_KIND",
		"SPOTRAY_PLAYING", "SPOTRAY_ART_PATH":
		return true
	}
	return false
}

// tail keeps the end of a hook's stderr for the log.
type tail struct {
	mu sync.Mutex
	b  bytes.Buffer
}

const tailMax = 512

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.Write(p)
	if over := t.b.Len() - tailMax; over > 0 {
		t.b.Next(over)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(t.b.String())
}
