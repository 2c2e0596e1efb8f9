package login

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/testenv"
)

func TestOpenBrowserHonoursBROWSER(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in browser is a shell script")
	}
	dir := t.TempDir()
	args, hold := filepath.Join(dir, "args"), filepath.Join(dir, "hold")
	script := filepath.Join(dir, "fake-browser")
	// The stand-in records its arguments, then keeps running while the test
	// does (at most a minute): OpenBrowser must return meanwhile.
	err := os.WriteFile(script, []byte(`#!/bin/sh
printf '%s\n' "$@" > "`+args+`.tmp" && mv "`+args+`.tmp" "`+args+`"
i=0
while [ -e "`+hold+`" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
`), 0o755)
	if err == nil {
		err = os.WriteFile(hold, nil, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script+"  --new-window ")
	const u = "http://127.0.0.1:8974/setup?a=1&b=2"
	if err := OpenBrowser(u); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(hold)

	var got []byte
	testenv.WaitFor(t, "the stand-in browser to record its arguments", func() bool {
		got, err = os.ReadFile(args)
		return err == nil
	})
	if want := "--new-window\n" + u + "\n"; string(got) != want {
		t.Errorf("browser got arguments %q, want %q", got, want)
	}
}

func TestOpenBrowserMissingCommand(t *testing.T) {
	t.Setenv("BROWSER", filepath.Join(t.TempDir(), "no-such-browser"))
	err := OpenBrowser("http://127.0.0.1:8974/setup")
	if err == nil || !strings.Contains(err.Error(), "$BROWSER") || !strings.Contains(err.Error(), "no-such-browser") {
		t.Errorf("err = %v", err)
	}
}
