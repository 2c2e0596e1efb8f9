package desktoptest_test

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/testenv"
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

	testenv.WaitFor(t, "3 Notify calls", func() bool { return len(srv.Calls()) >= 3 })
	c := srv.Calls()[1]
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

func TestPanelRegistrationAndRestart(t *testing.T) {
	addr := desktoptest.StartBus(t)
	panel := desktoptest.NewPanel(t, addr)
	rules := desktoptest.WatchMatchRules(t, addr)
	item := desktoptest.Connect(t, addr)

	// An item that re-registers whenever the watcher name gets a new
	// owner, as fyne.io/systray does after a panel restart.
	if err := item.AddMatchSignal(dbus.WithMatchSender("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, "org.kde.StatusNotifierWatcher")); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "the item's match rule", func() bool {
		return slices.ContainsFunc(rules.Rules(), func(r string) bool {
			return strings.Contains(r, "member='NameOwnerChanged'") && strings.Contains(r, "arg0='org.kde.StatusNotifierWatcher'")
		})
	})
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

	regs := panel.Registrations()
	want := item.Names()[0] + "/StatusNotifierItem"
	if len(regs) != 1 || regs[0].Item != want || regs[0].Service != "/StatusNotifierItem" || regs[0].Sender != item.Names()[0] {
		t.Fatalf("registrations %+v, want one of item %s", regs, want)
	}
	if got := panel.Items(); !slices.Equal(got, []string{want}) {
		t.Errorf("Items() = %q", got)
	}
	// The item's connection is this test process's.
	if r, ok := panel.RegistrationOf(os.Getpid()); !ok || r != regs[0] {
		t.Errorf("RegistrationOf(this process) = %+v, %v", r, ok)
	}
	if r, ok := panel.RegistrationOf(1); ok {
		t.Errorf("RegistrationOf(1) = %+v, want none", r)
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

	panel.Restart(t)
	if err := <-registered; err != nil {
		t.Fatalf("register after restart: %v", err)
	}
	regs = panel.Registrations()
	if len(regs) != 2 || regs[1].Item != want || !regs[1].At.After(regs[0].At) {
		t.Errorf("after restart: %+v", regs)
	}

	item.Close()
	testenv.WaitFor(t, "the closed item to leave the panel", func() bool { return len(panel.Items()) == 0 })
}

func equal(a, b any) bool {
	if as, ok := a.([]string); ok {
		bs, ok := b.([]string)
		return ok && slices.Equal(as, bs)
	}
	return a == b
}

// layout is a dbusmenu layout node: (ia{sv}av).
type layout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

type pixmap struct {
	W, H int32
	Pix  []byte
}

// fakeMenu is an app's dbusmenu: a Connect entry whose label changes when
// the menu opens (as spotray's does once it has asked Spotify again), a
// hidden entry, a separator, a checkbox and a disabled entry.
type fakeMenu struct {
	mu     sync.Mutex
	opened bool
	events []string
}

func (m *fakeMenu) GetLayout(parent, depth int32, props []string) (uint32, layout, *dbus.Error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	label := "Connect"
	if m.opened {
		label = "Connected__now"
	}
	v := dbus.MakeVariant
	entries := []map[string]dbus.Variant{
		{"label": v(label)},
		{"label": v("Hidden"), "visible": v(false)},
		{"type": v("separator")},
		{"label": v("Notifications"), "toggle-type": v("checkmark"), "toggle-state": v(int32(1))},
		{"label": v("Launch"), "toggle-type": v("checkmark"), "toggle-state": v(int32(0))},
		{"label": v("Status"), "enabled": v(false)},
	}
	root := layout{Props: map[string]dbus.Variant{"children-display": v("submenu")}}
	for i, props := range entries {
		root.Children = append(root.Children, v(layout{ID: int32(i + 1), Props: props, Children: []dbus.Variant{}}))
	}
	return 7, root, nil
}

func (m *fakeMenu) Event(id int32, event string, data dbus.Variant, timestamp uint32) *dbus.Error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, fmt.Sprintf("%d %s", id, event))
	if id == 0 && event == "opened" {
		m.opened = true
	}
	return nil
}

func (m *fakeMenu) Events() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.events)
}

// TestItemMenuTooltipAndIcon drives an item exported in this process, whose
// menu changes only once it has been opened.
func TestItemMenuTooltipAndIcon(t *testing.T) {
	addr := desktoptest.StartBus(t)
	panel := desktoptest.NewPanel(t, addr)
	conn := desktoptest.Connect(t, addr)
	menu := &fakeMenu{}
	if err := conn.Export(menu, "/StatusNotifierItem/menu", "com.canonical.dbusmenu"); err != nil {
		t.Fatal(err)
	}
	icon := []byte{0xff, 1, 2, 3}
	_, err := prop.Export(conn, "/StatusNotifierItem", prop.Map{"org.kde.StatusNotifierItem": {
		"ToolTip": {Value: struct {
			Name       string
			Pixmaps    []pixmap
			Title, Sub string
		}{"", []pixmap{}, "Line one\nLine two", ""}, Emit: prop.EmitTrue},
		"IconPixmap": {Value: []pixmap{{W: 1, H: 1, Pix: icon}}, Emit: prop.EmitTrue},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// Registration by bus name rather than object path: the panel must
	// find the item either way.
	if err := conn.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher").
		Call("org.kde.StatusNotifierWatcher.RegisterStatusNotifierItem", 0, conn.Names()[0]).Err; err != nil {
		t.Fatal(err)
	}

	item := panel.ItemOf(t, os.Getpid())
	if item.Name != conn.Names()[0] {
		t.Errorf("item name %q, want %q", item.Name, conn.Names()[0])
	}
	if got, want := item.Shown(), []string{"Connect", "---", "[x] Notifications", "[ ] Launch", "Status (disabled)"}; !slices.Equal(got, want) {
		t.Errorf("Shown() = %q, want %q", got, want)
	}
	if m := item.Menu(); len(m) != 6 || m[1].Label != "Hidden" || m[1].Visible || m[0].ID != 1 || !m[0].Enabled {
		t.Errorf("Menu() = %+v", m)
	}
	if got := item.ToolTip(); got != "Line one\nLine two" {
		t.Errorf("ToolTip() = %q", got)
	}
	if got := item.Icon(); !bytes.Equal(got, icon) {
		t.Errorf("Icon() = %v, want %v", got, icon)
	}

	// Nothing opens the menu on its own: WaitMenu's opening is what
	// changes it.
	if got := menu.Events(); len(got) != 0 {
		t.Errorf("events before any wait: %q", got)
	}
	item.WaitMenu("Connected__now", "---", "[x] Notifications", "[ ] Launch", "Status (disabled)")
	item.Click("Launch")
	item.Close()
	events := menu.Events()
	if len(events) < 3 || events[0] != "0 opened" || !slices.Equal(events[len(events)-2:], []string{"5 clicked", "0 closed"}) {
		t.Errorf("events %q, want 0 opened, ..., 5 clicked, 0 closed", events)
	}
}
