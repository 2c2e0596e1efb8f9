// Package winetest runs Windows builds of spotray under Wine, so that the
// tests on Linux see what a Windows user sees: Windows paths, the
// Windows tray, Windows file semantics.
//
// Debian 12's Wine 8.0 cannot start a Go 1.24+ program as shipped: the Go
// runtime takes its random numbers from ProcessPrng in bcryptprimitives.dll,
// which Wine 8.0 does not have, and the program dies with "fatal error:
// bcryptprimitives.dll not found". Start therefore builds a stand-in DLL
// from bcryptprimitives/bcryptprimitives.c (a few lines that forward to
// BCryptGenRandom) with mingw-w64 and puts it into the prefix's system32.
// It is test support only: real Windows has the DLL, and nothing here ships
// with spotray.
//
// Each Prefix is a fresh WINEPREFIX with its own wineserver kept running
// (wineserver -p), so that a command after the first starts in a fraction
// of a second instead of booting Wine again; cleanup ends that wineserver
// with every Windows process of the prefix (wineserver -k).
//
// The helpers need wine, wineserver and x86_64-w64-mingw32-gcc (Debian: wine
// wine64 gcc-mingw-w64-x86-64-win32); they call testenv.Require, so on a
// machine without them the test is skipped, and under CI=true it fails.
package winetest

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/testenv"
)

//go:embed bcryptprimitives/bcryptprimitives.c
var bcryptprimitivesC []byte

// bootTimeout bounds wineboot, which takes 8-15 s on a fresh prefix, and
// each build.
const bootTimeout = 2 * time.Minute

// Prefix is a private Wine installation (a WINEPREFIX) ready to run Go
// programs built for windows/amd64.
type Prefix struct {
	// Dir is the WINEPREFIX; the Windows C: drive is Dir/drive_c.
	Dir string
	env []string
}

// Start creates a fresh prefix, boots Wine in it with the ProcessPrng
// stand-in installed, and ends it all at cleanup.
func Start(t testing.TB) *Prefix {
	t.Helper()
	testenv.Require(t, "wine", "wineserver", "x86_64-w64-mingw32-gcc")
	dir, err := os.MkdirTemp("", "spotray-wine-")
	if err != nil {
		t.Fatal(err)
	}
	p := &Prefix{Dir: dir, env: baseEnv(dir)}
	t.Cleanup(func() { os.RemoveAll(dir) })

	dll := make(chan error, 1)
	go func() { dll <- buildDLL(filepath.Join(dir, "bcryptprimitives.dll")) }()

	// The server of this prefix alone (WINEPREFIX selects it), kept
	// running between commands; -f keeps it in the foreground so that it
	// stays a child of the test.
	server := exec.Command("wineserver", "-f", "-p")
	server.Env = p.env
	var serverOut bytes.Buffer
	server.Stdout, server.Stderr = &serverOut, &serverOut
	if err := server.Start(); err != nil {
		t.Fatalf("start wineserver: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		server.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		// -k ends the prefix's Windows processes and then the server. It
		// fails while a server just started has no socket yet: try again.
		for range 5 {
			kill := exec.Command("wineserver", "-k")
			kill.Env = p.env
			out, err := kill.CombinedOutput()
			select {
			case <-exited:
				return
			case <-time.After(2 * time.Second):
				t.Logf("wineserver -k: %v %s", err, out)
			}
		}
		t.Errorf("the wineserver of %s did not end: killing it", dir)
		server.Process.Kill()
		<-exited
	})

	booting := time.Now()
	if err := p.boot(); err != nil {
		t.Fatalf("%v\nwineserver: %s", err, serverOut.Bytes())
	}
	t.Logf("wineboot --init: %v", time.Since(booting).Round(100*time.Millisecond))
	if err := <-dll; err != nil {
		t.Fatal(err)
	}
	system32 := filepath.Join(p.C(), "windows", "system32")
	if err := os.Rename(filepath.Join(dir, "bcryptprimitives.dll"), filepath.Join(system32, "bcryptprimitives.dll")); err != nil {
		t.Fatalf("install bcryptprimitives.dll: %v", err)
	}
	return p
}

// boot runs wineboot --init. Its output goes to a file, not a pipe: the
// services it starts (services.exe, winedevice.exe) inherit the output and
// live on until the wineserver ends, so reading a pipe to its end would
// never finish.
func (p *Prefix) boot() error {
	log, err := os.CreateTemp(p.Dir, "wineboot-*.log")
	if err != nil {
		return fmt.Errorf("wineboot --init: %w", err)
	}
	defer log.Close()
	ctx, cancel := context.WithTimeout(context.Background(), bootTimeout)
	defer cancel()
	cmd := p.Command(ctx, "wineboot", "--init")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		out, _ := os.ReadFile(log.Name())
		return fmt.Errorf("wineboot --init: %w\n%s", err, out)
	}
	return nil
}

// baseEnv is the test's environment without what could point a Windows
// program at the developer's own desktop, Spotify login or Wine, plus the
// prefix. Wine passes the Unix environment on to Windows processes.
func baseEnv(prefix string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "XDG_") || strings.HasPrefix(k, "SPOTIFY_") || strings.HasPrefix(k, "SPOTRAY_") ||
			strings.HasPrefix(k, "WINE") || k == "DISPLAY" || k == "WAYLAND_DISPLAY" ||
			k == "DBUS_SESSION_BUS_ADDRESS" || k == "BROWSER" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"WINEPREFIX="+prefix,
		"WINEDEBUG=-all",
		// No dialogs offering to download Mono and Gecko: nothing here
		// needs .NET or an HTML engine, and the network is not there.
		"WINEDLLOVERRIDES=mscoree,mshtml=",
	)
}

// buildDLL compiles the ProcessPrng stand-in to out.
func buildDLL(out string) error {
	src := strings.TrimSuffix(out, ".dll") + ".c"
	if err := os.WriteFile(src, bcryptprimitivesC, 0o600); err != nil {
		return fmt.Errorf("build bcryptprimitives.dll: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), bootTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", out, src, "-lbcrypt")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build bcryptprimitives.dll: %w\n%s", err, b)
	}
	return nil
}

// C is the Unix path of the prefix's C: drive.
func (p *Prefix) C() string { return filepath.Join(p.Dir, "drive_c") }

// User is the Windows user name Wine runs programs as (the Unix user's).
// It exists once Start has booted the prefix.
func (p *Prefix) User() (string, error) {
	entries, err := os.ReadDir(filepath.Join(p.C(), "users"))
	if err != nil {
		return "", fmt.Errorf("wine user: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() != "Public" {
			return e.Name(), nil
		}
	}
	return "", errors.New("wine user: no user profile in the prefix")
}

// LocalAppData is the Unix path of the user's %LOCALAPPDATA%.
func (p *Prefix) LocalAppData(t testing.TB) string {
	t.Helper()
	user, err := p.User()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(p.C(), "users", user, "AppData", "Local")
}

// WindowsPath is how Windows programs in the prefix name the Unix path
// path: Wine maps the Unix root to drive Z:.
func (p *Prefix) WindowsPath(path string) string {
	return "Z:" + strings.ReplaceAll(path, "/", `\`)
}

// Command prepares `wine program args...` in the prefix with extra
// environment variables (KEY=value) added; the caller starts it. program
// is a Unix path to an .exe or the name of a Wine program (wineboot,
// explorer).
func (p *Prefix) Command(ctx context.Context, program string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "wine", append([]string{program}, args...)...)
	// A copy: callers append to it, from several goroutines.
	cmd.Env = slices.Clone(p.env)
	cmd.Dir = p.Dir
	// A Windows process that starts another one (explorer starting the
	// tray) may leave it holding the output pipes: stop waiting for them
	// soon after the process itself has ended.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Build builds a Go package for windows/amd64 into dir and returns the path
// of the .exe, which Wine runs from its Unix path. With test set it builds
// the package's test binary (go test -c) instead. It does not need a
// prefix, so it can run while Start boots one.
func Build(dir, pkg string, test bool) (string, error) {
	out := filepath.Join(dir, filepath.Base(pkg))
	args := []string{"build"}
	if test {
		out += ".test"
		args = []string{"test", "-c"}
	}
	out += ".exe"
	ctx, cancel := context.WithTimeout(context.Background(), bootTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append(args, "-o", out, pkg)...)
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s for windows: %w\n%s", strings.Join(cmd.Args[1:], " "), err, b)
	}
	return out, nil
}
