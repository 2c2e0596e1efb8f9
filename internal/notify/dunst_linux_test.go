package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/testenv"
)

func TestNotifyWithDunst(t *testing.T) {
	testenv.Require(t, "dunst", "dunstctl", "Xvfb")
	addr := desktoptest.StartBus(t)
	display := desktoptest.StartXvfb(t)
	home := t.TempDir()
	env := append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr, "DISPLAY="+display, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)

	ctx, cancel := context.WithCancel(context.Background())
	// markup = full is what dunst ships in its default dunstrc.
	conf := filepath.Join(home, "dunstrc")
	if err := os.WriteFile(conf, []byte("[global]\nmarkup = full\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dunst := exec.CommandContext(ctx, "dunst", "-conf", conf)
	dunst.Env = env
	if err := dunst.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); dunst.Wait() })
	conn := desktoptest.Connect(t, addr)
	testenv.WaitFor(t, "dunst to own org.freedesktop.Notifications", func() bool {
		var has bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.Notifications").Store(&has)
		return err == nil && has
	})

	n, err := New("spotray", filepath.Join(home, "spotray.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	for _, m := range []Notification{
		{Summary: "One & <b>Two</b>", Body: "Simon & Garfunkel <Live>", Replace: true},
		{Summary: "Three & <b>Four</b>", Body: "Simon & Garfunkel <Live>", Replace: true},
		{Summary: "Logged out", Body: "Run spotray login"},
	} {
		if err := n.Notify(m); err != nil {
			t.Fatal(err)
		}
	}
	ctl := func(args ...string) string {
		cmd := exec.Command("dunstctl", args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("dunstctl %v: %v: %s", args, err, out)
		}
		return string(out)
	}
	// Notifications reach the history once closed.
	ctl("close-all")
	var history struct {
		Data [][]map[string]struct {
			Data any `json:"data"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(ctl("history")), &history); err != nil || len(history.Data) != 1 {
		t.Fatalf("dunstctl history: %v, %d lists", err, len(history.Data))
	}
	var got []string
	for _, h := range history.Data[0] {
		got = append(got, fmt.Sprintf("%v|%v|%v|%v", h["appname"].Data, h["summary"].Data, h["message"].Data, h["icon_path"].Data))
	}
	icon := filepath.Join(home, "spotray.png")
	// Newest first. The first track is gone: replaced, never shown
	// beside the second. dunst shows the summary as text and the body
	// as markup, so the body arrives escaped and the summary as is.
	want := []string{
		"spotray|Logged out|<b>Logged out</b>\nRun spotray login|" + icon,
		"spotray|Three & <b>Four</b>|<b>Three &amp; &lt;b&gt;Four&lt;/b&gt;</b>\nSimon &amp; Garfunkel &lt;Live&gt;|" + icon,
	}
	if !slices.Equal(got, want) {
		t.Errorf("dunst history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
