package notify

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/testenv"
)

func TestEscapeMarkup(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"Simon & Garfunkel", "Simon &amp; Garfunkel"},
		{"<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;"},
		{"&amp; already", "&amp;amp; already"},
		{"a > b < c", "a &gt; b &lt; c"},
		{`quotes "stay" 'as' they are`, `quotes "stay" 'as' they are`},
		{"Beyoncé – 日本語 _mnemonic_", "Beyoncé – 日本語 _mnemonic_"},
	} {
		if got := escapeMarkup(tc.in); got != tc.want {
			t.Errorf("escapeMarkup(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// newBusNotifier starts a private bus with a fake daemon and a Notifier
// pointed at it.
func newBusNotifier(t *testing.T) (Notifier, *desktoptest.NotificationServer, string, string) {
	t.Helper()
	addr := desktoptest.StartBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	srv := desktoptest.NewNotificationServer(t, addr)
	dir := t.TempDir()
	appIcon := filepath.Join(dir, "spotray.png")
	art := filepath.Join(dir, "art dir", "cover #1.png")
	n, err := New("spotray", appIcon)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n, srv, appIcon, art
}

// waitCalls waits for the daemon to have received n Notify calls and
// returns them.
func waitCalls(t *testing.T, srv *desktoptest.NotificationServer, n int) []desktoptest.NotifyCall {
	t.Helper()
	testenv.WaitFor(t, fmt.Sprintf("%d Notify calls", n), func() bool { return len(srv.Calls()) >= n })
	return srv.Calls()
}

func TestNotifyOverDBus(t *testing.T) {
	n, srv, appIcon, art := newBusNotifier(t)
	send := []Notification{
		{Summary: "Song & <One>", Body: "Simon & Garfunkel — <Live>", Icon: art, Replace: true},
		{Summary: "Song Two", Body: "Artist", Replace: true},
		{Summary: "Logged out", Body: "Run spotray login"},
		{Summary: "Song Three", Body: "a > b", Replace: true},
	}
	for _, m := range send {
		if err := n.Notify(m); err != nil {
			t.Fatalf("Notify(%+v): %v", m, err)
		}
	}
	calls := waitCalls(t, srv, len(send))
	first := calls[0].ID
	wantReplaces := []uint32{0, first, 0, first}
	wantBody := []string{"Simon &amp; Garfunkel — &lt;Live&gt;", "Artist", "Run spotray login", "a &gt; b"}
	for i, c := range calls {
		if c.AppName != "spotray" || c.ExpireTimeout != 5000 || len(c.Actions) != 0 || c.Hint("desktop-entry") != "spotray" {
			t.Errorf("call %d: app %q, timeout %d, actions %q, hints %v", i, c.AppName, c.ExpireTimeout, c.Actions, c.Hints)
		}
		if c.ReplacesID != wantReplaces[i] {
			t.Errorf("call %d: replaces_id %d, want %d", i, c.ReplacesID, wantReplaces[i])
		}
		// The summary is plain text by the specification: sent as is.
		if c.Summary != send[i].Summary || c.Body != wantBody[i] {
			t.Errorf("call %d: summary %q body %q, want %q %q", i, c.Summary, c.Body, send[i].Summary, wantBody[i])
		}
	}
	if calls[2].ID == first {
		t.Errorf("a notification without Replace replaced %d", first)
	}
	if calls[0].AppIcon != art || calls[0].Hint("image-path") != "file://"+filepath.Dir(filepath.Dir(art))+"/art%20dir/cover%20%231.png" {
		t.Errorf("art notification: app_icon %q, image-path %v", calls[0].AppIcon, calls[0].Hint("image-path"))
	}
	for _, c := range calls[1:] {
		if c.AppIcon != appIcon || c.Hint("image-path") != nil {
			t.Errorf("notification without art: app_icon %q (want %q), image-path %v", c.AppIcon, appIcon, c.Hint("image-path"))
		}
	}
}

func TestNotifyPlainBodyForDaemonWithoutMarkup(t *testing.T) {
	n, srv, _, _ := newBusNotifier(t)
	srv.SetCapabilities("body", "icon-static")
	if err := n.Notify(Notification{Summary: "S", Body: "Simon & Garfunkel <Live>"}); err != nil {
		t.Fatal(err)
	}
	if got := waitCalls(t, srv, 1)[0].Body; got != "Simon & Garfunkel <Live>" {
		t.Errorf("body %q, want it unescaped", got)
	}
}

func TestNotifyWithoutDaemon(t *testing.T) {
	n, srv, _, _ := newBusNotifier(t)
	srv.Stop()
	if err := n.Notify(Notification{Summary: "S", Body: "B"}); err == nil {
		t.Fatal("Notify with no daemon on the bus succeeded")
	}
	// A daemon that starts later is used without a new Notifier.
	srv = desktoptest.NewNotificationServer(t, os.Getenv("DBUS_SESSION_BUS_ADDRESS"))
	if err := n.Notify(Notification{Summary: "S", Body: "B"}); err != nil {
		t.Fatalf("Notify after the daemon started: %v", err)
	}
	waitCalls(t, srv, 1)
}

func TestNotifyWithoutBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	n, err := New("spotray", "spotray.png")
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if err := n.Notify(Notification{Summary: "S"}); err == nil {
		t.Fatal("Notify with no session bus succeeded")
	}
}

// The tray icon uses godbus's shared session connection; notifications must
// not, or the daemon's NotificationClosed signals reach it and stop
// fyne.io/systray from registering again after a panel restart.
func TestNotifyUsesPrivateConnection(t *testing.T) {
	n, srv, _, _ := newBusNotifier(t)
	shared, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	signals := make(chan *dbus.Signal, 8)
	shared.Signal(signals)
	defer shared.RemoveSignal(signals)

	if err := n.Notify(Notification{Summary: "S", Body: "B", Replace: true}); err != nil {
		t.Fatal(err)
	}
	c := waitCalls(t, srv, 1)[0]
	if slices.Contains(shared.Names(), c.Sender) {
		t.Fatalf("notification sent over the shared session connection %s", c.Sender)
	}
	if err := srv.Expire(c.ID); err != nil {
		t.Fatal(err)
	}
	// A round trip on the shared connection after the signal was emitted:
	// had the signal been routed to it, it would be queued by now.
	if err := shared.BusObject().Call("org.freedesktop.DBus.Peer.Ping", 0).Err; err != nil {
		t.Fatal(err)
	}
	for len(signals) > 0 {
		if sig := <-signals; sig.Name == "org.freedesktop.Notifications.NotificationClosed" {
			t.Errorf("shared connection received %s %v", sig.Name, sig.Body)
		}
	}
}

// BenchmarkNotifyWithoutDaemon measures how long a track change waits for
// the error when no notification daemon runs.
func BenchmarkNotifyWithoutDaemon(b *testing.B) {
	addr := desktoptest.StartBus(b)
	b.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	n, err := New("spotray", "spotray.png")
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	for b.Loop() {
		if err := n.Notify(Notification{Summary: "S", Body: "B", Replace: true}); err == nil {
			b.Fatal("Notify succeeded with no daemon")
		}
	}
}

// invokedLog collects what a Notifier reports through SetInvoked.
type invokedLog struct {
	mu  sync.Mutex
	got []Invoked
}

func (l *invokedLog) add(inv Invoked) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, inv)
}

// wait waits for n reports and returns them all.
func (l *invokedLog) wait(t *testing.T, n int) []Invoked {
	t.Helper()
	testenv.WaitFor(t, fmt.Sprintf("%d Invoked reports", n), func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return len(l.got) >= n
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.got)
}

func TestNotifyActions(t *testing.T) {
	n, srv, _, _ := newBusNotifier(t)
	var log invokedLog
	n.SetInvoked(log.add)
	song := func(tag uint64) Notification {
		return Notification{Summary: "Song", Replace: true, Tag: tag,
			Actions: []Action{{"next", "Next"}, {"save", "Save to Liked Songs"}}, Default: Action{"open", "Open in Spotify"}}
	}
	if err := n.Notify(song(1)); err != nil {
		t.Fatal(err)
	}
	first := waitCalls(t, srv, 1)[0]
	if want := []string{"default", "Open in Spotify", "1:next", "Next", "1:save", "Save to Liked Songs"}; !slices.Equal(first.Actions, want) {
		t.Fatalf("actions %q, want %q", first.Actions, want)
	}
	// The next song replaces the notification, keeping its id: the old
	// one's actions are gone, and a late click on its button does
	// nothing, while a click on the body counts for what it shows now.
	if err := n.Notify(song(2)); err != nil {
		t.Fatal(err)
	}
	if got := log.wait(t, 1); got[0] != (Invoked{Tag: 1, Closed: true}) {
		t.Fatalf("after replacing: %+v", got)
	}
	for _, key := range []string{"1:next", "2:save"} {
		if err := srv.Invoke(first.ID, key); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Expire(first.ID); err != nil {
		t.Fatal(err)
	}
	log.wait(t, 3)
	if err := n.Notify(song(3)); err != nil { // a fresh id: the last one was closed
		t.Fatal(err)
	}
	third := waitCalls(t, srv, 3)[2]
	if err := srv.Invoke(third.ID, "default"); err != nil {
		t.Fatal(err)
	}
	got := log.wait(t, 4)
	want := []Invoked{{Tag: 1, Closed: true}, {Tag: 2, Key: "save"}, {Tag: 2, Closed: true}, {Tag: 3, Key: "open"}}
	if !slices.Equal(got, want) {
		t.Errorf("reports %+v, want %+v", got, want)
	}
	if third.ID == first.ID {
		t.Errorf("a notification closed by the daemon was replaced (id %d)", first.ID)
	}
}

func TestNotifyActionsNeedTheCapability(t *testing.T) {
	n, srv, _, _ := newBusNotifier(t)
	var log invokedLog
	n.SetInvoked(log.add)
	srv.SetCapabilities("body", "body-markup")
	if err := n.Notify(Notification{Summary: "Song", Tag: 1, Actions: []Action{{"next", "Next"}}, Default: Action{"open", "Open"}}); err != nil {
		t.Fatal(err)
	}
	c := waitCalls(t, srv, 1)[0]
	if len(c.Actions) != 0 {
		t.Errorf("actions %q sent to a server without the actions capability", c.Actions)
	}
	if err := srv.Expire(c.ID); err != nil {
		t.Fatal(err)
	}
	// A second notification after the signal: any report for the first
	// would have come before this one's round trip.
	if err := n.Notify(Notification{Summary: "Other"}); err != nil {
		t.Fatal(err)
	}
	waitCalls(t, srv, 2)
	if got := log.wait(t, 0); len(got) != 0 {
		t.Errorf("reports for a notification without actions: %+v", got)
	}
}
