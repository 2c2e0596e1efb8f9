package desktoptest_test

import (
	"slices"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/desktoptest"
)

func TestNotificationServerRecordsCalls(t *testing.T) {
	addr := desktoptest.StartBus(t)
	srv := desktoptest.NewNotificationServer(t, addr)
	client := desktoptest.Connect(t, addr)
	obj := client.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")

	var caps []string
	if err := obj.Call("org.freedesktop.Notifications.GetCapabilities", 0).Store(&caps); err != nil {
		t.Fatalf("GetCapabilities: %v", err)
	}
	if !slices.Contains(caps, "body-markup") {
		t.Errorf("capabilities %q lack body-markup", caps)
	}

	notify := func(replaces uint32) uint32 {
		t.Helper()
		var id uint32
		err := obj.Call("org.freedesktop.Notifications.Notify", 0, "app", replaces, "/icon.png", "sum", "body",
			[]string{}, map[string]dbus.Variant{"desktop-entry": dbus.MakeVariant("app")}, int32(5000)).Store(&id)
		if err != nil {
			t.Fatalf("Notify: %v", err)
		}
		return id
	}
	first := notify(0)
	if again := notify(first); again != first {
		t.Errorf("replacing %d answered %d, want the same id", first, again)
	}
	if other := notify(0); other == first {
		t.Errorf("a new notification got the id %d of an earlier one", other)
	}

	calls := srv.WaitForCalls(t, 3)
	c := calls[1]
	if c.Sender != client.Names()[0] || c.AppName != "app" || c.ReplacesID != first || c.AppIcon != "/icon.png" ||
		c.Summary != "sum" || c.Body != "body" || c.ExpireTimeout != 5000 || c.ID != first || c.Hint("desktop-entry") != "app" {
		t.Errorf("recorded %+v", c)
	}

	srv.SetCapabilities("body")
	if err := obj.Call("org.freedesktop.Notifications.GetCapabilities", 0).Store(&caps); err != nil || !slices.Equal(caps, []string{"body"}) {
		t.Errorf("after SetCapabilities: %q, %v", caps, err)
	}

	if err := obj.Call("org.freedesktop.Notifications.CloseNotification", 0, first).Err; err != nil {
		t.Fatalf("CloseNotification: %v", err)
	}
	if got := srv.Closed(); !slices.Equal(got, []uint32{first}) {
		t.Errorf("Closed() = %v", got)
	}

	srv.Stop()
	if err := obj.Call("org.freedesktop.Notifications.Notify", 0, "app", uint32(0), "", "s", "b",
		[]string{}, map[string]dbus.Variant{}, int32(-1)).Err; err == nil {
		t.Error("Notify succeeded after Stop")
	}
}

func TestWatcherRegistrationAndRestart(t *testing.T) {
	addr := desktoptest.StartBus(t)
	w := desktoptest.NewWatcher(t, addr)
	item := desktoptest.Connect(t, addr)

	// An item that re-registers whenever the watcher name gets a new
	// owner, as fyne.io/systray does after a panel restart.
	if err := item.AddMatchSignal(dbus.WithMatchSender("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, "org.kde.StatusNotifierWatcher")); err != nil {
		t.Fatal(err)
	}
	signals := make(chan *dbus.Signal, 8)
	item.Signal(signals)
	registered := make(chan error, 8)
	register := func() {
		registered <- item.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher").
			Call("org.kde.StatusNotifierWatcher.RegisterStatusNotifierItem", 0, "/StatusNotifierItem").Err
	}
	go func() {
		for sig := range signals {
			if len(sig.Body) == 3 && sig.Body[2] != "" {
				register()
			}
		}
	}()
	register()
	if err := <-registered; err != nil {
		t.Fatalf("register: %v", err)
	}

	regs := w.WaitForRegistrations(t, 1)
	want := item.Names()[0] + "/StatusNotifierItem"
	if regs[0].Item != want || regs[0].Service != "/StatusNotifierItem" || regs[0].Sender != item.Names()[0] {
		t.Errorf("registration %+v, want item %s", regs[0], want)
	}
	if got := w.Items(); !slices.Equal(got, []string{want}) {
		t.Errorf("Items() = %q", got)
	}

	watcher := desktoptest.Connect(t, addr).Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher")
	for name, want := range map[string]any{
		"RegisteredStatusNotifierItems":  []string{want},
		"IsStatusNotifierHostRegistered": true,
		"ProtocolVersion":                int32(0),
	} {
		v, err := watcher.GetProperty("org.kde.StatusNotifierWatcher." + name)
		if err != nil {
			t.Errorf("property %s: %v", name, err)
			continue
		}
		if got := v.Value(); !equal(got, want) {
			t.Errorf("property %s = %#v, want %#v", name, got, want)
		}
	}

	w.Restart(t)
	if err := <-registered; err != nil {
		t.Fatalf("register after restart: %v", err)
	}
	regs = w.WaitForRegistrations(t, 2)
	if regs[1].Item != want || !regs[1].At.After(regs[0].At) {
		t.Errorf("after restart: %+v", regs)
	}

	item.Close()
	w.WaitForItems(t, 0)
}

func equal(a, b any) bool {
	if as, ok := a.([]string); ok {
		bs, ok := b.([]string)
		return ok && slices.Equal(as, bs)
	}
	return a == b
}
