package desktoptest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
	"github.com/godbus/dbus/v5/prop"
)

const (
	watcherName  = "org.kde.StatusNotifierWatcher"
	watcherPath  = dbus.ObjectPath("/StatusNotifierWatcher")
	watcherIface = "org.kde.StatusNotifierWatcher"
)

// Registration is one RegisterStatusNotifierItem call as received.
type Registration struct {
	Sender  string // unique bus name of the caller
	Service string // the argument: an object path or a bus name
	Item    string // what the watcher lists: "busname/objectpath"
	At      time.Time
}

// Watcher plays org.kde.StatusNotifierWatcher, the panel's side of the tray
// protocol, on a test bus and records registrations. Stop and Start simulate
// a panel restart.
type Watcher struct {
	addr string

	mu    sync.Mutex
	conn  *dbus.Conn // nil while stopped
	props *prop.Properties
	regs  []Registration
	items []string
}

// NewWatcher owns org.kde.StatusNotifierWatcher on the bus at addr until
// cleanup.
func NewWatcher(t testing.TB, addr string) *Watcher {
	t.Helper()
	w := &Watcher{addr: addr}
	w.Start(t)
	t.Cleanup(func() { w.Stop(t) })
	return w
}

// Registrations returns every registration received so far, across restarts,
// oldest first.
func (w *Watcher) Registrations() []Registration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.regs)
}

// WaitForRegistrations waits until at least n registrations (counted across
// restarts) have arrived and returns them all; it fails the test if they do
// not arrive within a generous time.
func (w *Watcher) WaitForRegistrations(t testing.TB, n int) []Registration {
	t.Helper()
	waitFor(t, func() string {
		return fmt.Sprintf("%d StatusNotifierItem registrations (have %d)", n, len(w.Registrations()))
	}, func() bool { return len(w.Registrations()) >= n })
	return w.Registrations()
}

// Items returns the currently registered items ("busname/objectpath"), as the
// RegisteredStatusNotifierItems property does: items whose owner left the
// bus are dropped, and a restart forgets them all.
func (w *Watcher) Items() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.items)
}

// WaitForItems waits until exactly n items are registered and returns them;
// it fails the test if that does not happen within a generous time.
func (w *Watcher) WaitForItems(t testing.TB, n int) []string {
	t.Helper()
	waitFor(t, func() string { return fmt.Sprintf("%d registered items (have %q)", n, w.Items()) },
		func() bool { return len(w.Items()) == n })
	return w.Items()
}

// Stop releases the watcher name and closes its connection, as a panel
// that exits does. Stopping a stopped watcher does nothing.
func (w *Watcher) Stop(t testing.TB) {
	t.Helper()
	w.mu.Lock()
	conn := w.conn
	w.conn, w.props, w.items = nil, nil, nil
	w.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// Start owns the watcher name again on a new connection, as a panel that
// starts does. Items registered before are forgotten.
func (w *Watcher) Start(t testing.TB) {
	t.Helper()
	w.mu.Lock()
	running := w.conn != nil
	w.mu.Unlock()
	if running {
		t.Fatal("start watcher: already running")
	}
	conn, err := dbus.Connect(w.addr)
	if err != nil {
		t.Fatalf("start watcher: connect to %s: %v", w.addr, err)
	}
	obj := watcherObject{w: w, conn: conn}
	props, err := prop.Export(conn, watcherPath, prop.Map{watcherIface: {
		"RegisteredStatusNotifierItems":  {Value: []string{}, Emit: prop.EmitTrue},
		"IsStatusNotifierHostRegistered": {Value: true, Emit: prop.EmitTrue},
		"ProtocolVersion":                {Value: int32(0), Emit: prop.EmitConst},
	}})
	if err == nil {
		err = conn.Export(obj, watcherPath, watcherIface)
	}
	if err == nil {
		node := &introspect.Node{Name: string(watcherPath), Interfaces: []introspect.Interface{
			introspect.IntrospectData, prop.IntrospectData,
			{Name: watcherIface, Methods: introspect.Methods(obj), Properties: props.Introspection(watcherIface)},
		}}
		err = conn.Export(introspect.NewIntrospectable(node), watcherPath, "org.freedesktop.DBus.Introspectable")
	}
	if err == nil {
		// Items vanish with their owners, as a real watcher drops them.
		err = conn.AddMatchSignal(dbus.WithMatchSender("org.freedesktop.DBus"),
			dbus.WithMatchInterface("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged"))
	}
	if err != nil {
		conn.Close()
		t.Fatalf("start watcher: %v", err)
	}
	signals := make(chan *dbus.Signal, 16)
	conn.Signal(signals)
	go obj.dropVanished(signals)

	w.mu.Lock()
	w.conn, w.props, w.items = conn, props, nil
	w.mu.Unlock()
	ownName(t, conn, watcherName)
}

// Restart is Stop followed by Start.
func (w *Watcher) Restart(t testing.TB) {
	t.Helper()
	w.Stop(t)
	w.Start(t)
}

// watcherObject holds the exported D-Bus methods of one run of the watcher
// (between Start and Stop), kept apart from Watcher so that its Go methods
// are not exported on the bus.
type watcherObject struct {
	w    *Watcher
	conn *dbus.Conn
}

func (o watcherObject) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	// The argument is either an object path on the caller's connection
	// (what fyne.io/systray sends) or a bus name with the default path.
	item := string(sender) + service
	if !strings.HasPrefix(service, "/") {
		item = service + "/StatusNotifierItem"
	}
	w := o.w
	w.mu.Lock()
	w.regs = append(w.regs, Registration{Sender: string(sender), Service: service, Item: item, At: time.Now()})
	current := w.conn == o.conn
	added := current && !slices.Contains(w.items, item)
	if added {
		w.items = append(w.items, item)
		w.props.SetMust(watcherIface, "RegisteredStatusNotifierItems", slices.Clone(w.items))
	}
	w.mu.Unlock()
	if added {
		o.conn.Emit(watcherPath, watcherIface+".StatusNotifierItemRegistered", item)
	}
	return nil
}

func (o watcherObject) RegisterStatusNotifierHost(service string) *dbus.Error {
	o.conn.Emit(watcherPath, watcherIface+".StatusNotifierHostRegistered")
	return nil
}

// dropVanished removes the items of connections that leave the bus, until
// the connection closes.
func (o watcherObject) dropVanished(signals chan *dbus.Signal) {
	for sig := range signals {
		if sig == nil {
			return
		}
		if sig.Name != "org.freedesktop.DBus.NameOwnerChanged" || len(sig.Body) != 3 {
			continue
		}
		name, _ := sig.Body[0].(string)
		newOwner, _ := sig.Body[2].(string)
		if newOwner != "" {
			continue
		}
		o.drop(name)
	}
}

func (o watcherObject) drop(owner string) {
	w := o.w
	w.mu.Lock()
	if w.conn != o.conn {
		w.mu.Unlock()
		return
	}
	var gone []string
	w.items = slices.DeleteFunc(w.items, func(item string) bool {
		if strings.HasPrefix(item, owner+"/") {
			gone = append(gone, item)
			return true
		}
		return false
	})
	if len(gone) > 0 {
		w.props.SetMust(watcherIface, "RegisteredStatusNotifierItems", slices.Clone(w.items))
	}
	w.mu.Unlock()
	for _, item := range gone {
		o.conn.Emit(watcherPath, watcherIface+".StatusNotifierItemUnregistered", item)
	}
}
