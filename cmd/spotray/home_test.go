package main_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
	"github.com/spotray/spotray/internal/testlogin"
	"github.com/spotray/spotray/internal/tokens"
)

// home is one isolated user of the real spotray binary: temporary XDG
// directories and a simulated Spotify, so that tests never touch the
// developer's own login and see exactly what a user would.
type home struct {
	t     testing.TB
	bin   string
	fake  *fakespotify.Server
	root  string
	Paths config.Paths
	// Env is added to the command's environment (KEY=value), after the
	// defaults, so it can override them.
	Env []string
}

func newHome(t testing.TB, fake *fakespotify.Server) *home {
	t.Helper()
	root := t.TempDir()
	return &home{
		t: t, bin: testenv.BuildSpotray(t), fake: fake, root: root,
		Paths: config.Paths{
			ConfigDir: filepath.Join(root, "config", "spotray"),
			StateDir:  filepath.Join(root, "state", "spotray"),
			CacheDir:  filepath.Join(root, "cache", "spotray"),
		},
	}
}

// environ is the process environment minus everything that could point
// spotray at the developer's real desktop or Spotify, plus the home's own.
func (h *home) environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "XDG_") || strings.HasPrefix(k, "SPOTIFY_") || strings.HasPrefix(k, "SPOTRAY_") ||
			k == "DBUS_SESSION_BUS_ADDRESS" || k == "DISPLAY" || k == "WAYLAND_DISPLAY" || k == "BROWSER" {
			continue
		}
		env = append(env,
			kv)
	}
	env = append(env,
		"HOME="+h.root,
		"XDG_CONFIG_HOME="+filepath.Dir(h.Paths.ConfigDir),
		"XDG_STATE_HOME="+filepath.Dir(h.Paths.StateDir),
		"XDG_CACHE_HOME="+filepath.Dir(h.Paths.CacheDir),
		"XDG_RUNTIME_DIR="+h.root,
		// No session bus unless a test provides one: never the developer's.
		"DBUS_SESSION_BUS_ADDRESS=disabled:",
	)
	if h.fake != nil {
		env = append(env,
			config.EnvClientID+"="+fakespotify.DefaultClientID,
			config.EnvAccountsURL+"="+h.fake.URL(),
			config.EnvAPIURL+"="+h.fake.URL(),
		)
	}
	return append(env, h.Env...)
}

// command prepares the binary with args; the caller starts it.
func (h *home) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, h.bin, args...)
	cmd.Env = h.environ()
	cmd.Dir = h.root
	return cmd
}

// run runs the binary to completion (at most a minute) and returns its
// output and exit code.
func (h *home) run(args ...string) (stdout, stderr string, code int) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := h.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		h.t.Fatalf("spotray %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

// seedLogin stores a login granted by the fake, as if `spotray login` had
// run, and returns it.
func (h *home) seedLogin() *tokens.Token {
	h.t.Helper()
	return testlogin.Save(h.t, h.fake, h.Paths.ConfigDir)
}

// stored reads token.json as spotray left it.
func (h *home) stored() *tokens.Token {
	h.t.Helper()
	tok, err := (&tokens.Store{Dir: h.Paths.ConfigDir}).Load()
	if err != nil {
		h.t.Fatalf("load stored login: %v", err)
	}
	return tok
}
