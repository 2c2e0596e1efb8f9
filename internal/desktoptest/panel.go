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

	"github.com/spotray/spotray/internal/testenv"
)

const (
	watcherName  = "org.kde.StatusNotifierWatcher"
	watcherPath  = dbus.ObjectPath("/StatusNotifierWatcher")
	watcherIface = "org.kde.StatusNotifierWatcher"

	itemPath  = dbus.ObjectPath("/StatusNotifierItem")
	itemIface = "org.kde.StatusNotifierItem"
	menuPath  = dbus.ObjectPath("/StatusNotifierItem/menu")
	menuIface = "com.canonical.dbusmenu"
)

// Registration is one RegisterStatusNotifierItem call as received.
type Registration struct {
	Sender  string // unique bus name of the caller
	Service string // the argument: an object path or a bus name
	Item    string // what the watcher lists: "busname/objectpath"
	At      time.Time
}

// Panel plays a desktop's tray panel on a test bus, as a user's panel sees
// an app: it owns org.kde.StatusNotifierWatcher and records every item that
// registers, and it reads and clicks a registered item's menu over
// com.canonical.dbusmenu and reads its tooltip and icon (see Item).
//
// Stop and Start simulate a panel that exits and starts again; a Panel
// stopped before the app starts is a desktop without a tray.
type Panel struct {
	addr string
	// host is the panel's own connection for reading items. It outlives
	// restarts of the watcher, whose connection Stop closes.
	host *dbus.Conn

	mu    sync.Mutex
	conn  *dbus.Conn // the watcher's connection, nil while stopped
	props *prop.Properties
	regs  []Registration
	items []string
}

// NewPanel starts a panel on the bus at addr: it owns the watcher name until
// cleanup (or Stop).
func NewPanel(t testing.TB, addr string) *Panel {
	t.Helper()
	p := &Panel{addr: addr, host: Connect(t, addr)}
	p.Start(t)
	t.Cleanup(func() { p.Stop(t) })
	return p
}

// Registrations returns every registration received so far, across restarts,
// oldest first.
func (p *Panel) Registrations() []Registration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.regs)
}

// Items returns the currently registered items ("busname/objectpath"), as the
// RegisteredStatusNotifierItems property does: items whose owner left the
// bus are dropped, and a restart forgets them all.
func (p *Panel) Items() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.items)
}

// RegistrationOf returns the latest registration made by a connection of
// process pid, if there is one. Several apps, or several runs of one, may
// share a test's bus: the process is what tells them apart.
func (p *Panel) RegistrationOf(pid int) (Registration, bool) {
	regs := p.Registrations()
	for i := len(regs) - 1; i >= 0; i-- {
		var owner uint32
		err := p.host.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, regs[i].Sender).Store(&owner)
		if err == nil && int(owner) == pid {
			return regs[i], true
		}
	}
	return Registration{}, false
}

// ItemOf waits until process pid has registered an item and returns it,
// bound to t: its methods fail t when the item does not answer as a
// StatusNotifierItem with a dbusmenu must.
func (p *Panel) ItemOf(t testing.TB, pid int) *Item {
	t.Helper()
	var reg Registration
	testenv.WaitFor(t, fmt.Sprintf("process %d to register a StatusNotifierItem", pid), func() bool {
		var ok bool
		reg, ok = p.RegistrationOf(pid)
		return ok
	})
	name, _, _ := strings.Cut(reg.Item, "/")
	return &Item{t: t, conn: p.host, Name: name}
}

// Stop releases the watcher name and closes its connection, as a panel
// that exits does. Stopping a stopped panel does nothing.
func (p *Panel) Stop(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	conn := p.conn
	p.conn, p.props, p.items = nil, nil, nil
	p.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// Start owns the watcher name again on a new connection, as a panel that
// starts does. Items registered before are forgotten.
func (p *Panel) Start(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	running := p.conn != nil
	p.mu.Unlock()
	if running {
		t.Fatal("start panel: already running")
	}
	conn, err := dbus.Connect(p.addr)
	if err != nil {
		t.Fatalf("start panel: connect to %s: %v", p.addr, err)
	}
	obj := watcherObject{p: p, conn: conn}
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
		t.Fatalf("start panel: %v", err)
	}
	signals := make(chan *dbus.Signal, 16)
	conn.Signal(signals)
	go obj.dropVanished(signals)

	p.mu.Lock()
	p.conn, p.props, p.items = conn, props, nil
	p.mu.Unlock()
	ownName(t, conn, watcherName)
}

// Restart is Stop followed by Start.
func (p *Panel) Restart(t testing.TB) {
	t.Helper()
	p.Stop(t)
	p.Start(t)
}

// watcherObject holds the exported D-Bus methods of one run of the watcher
// (between Start and Stop), kept apart from Panel so that its Go methods
// are not exported on the bus.
type watcherObject struct {
	p    *Panel
	conn *dbus.Conn
}

func (o watcherObject) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	// The argument is either an object path on the caller's connection
	// (what fyne.io/systray sends) or a bus name with the default path.
	item := string(sender) + service
	if !strings.HasPrefix(service, "/") {
		item = service + string(itemPath)
	}
	p := o.p
	p.mu.Lock()
	p.regs = append(p.regs, Registration{Sender: string(sender), Service: service, Item: item, At: time.Now()})
	current := p.conn == o.conn
	added := current && !slices.Contains(p.items, item)
	if added {
		p.items = append(p.items, item)
		p.props.SetMust(watcherIface, "RegisteredStatusNotifierItems", slices.Clone(p.items))
	}
	p.mu.Unlock()
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
	p := o.p
	p.mu.Lock()
	if p.conn != o.conn {
		p.mu.Unlock()
		return
	}
	var gone []string
	p.items = slices.DeleteFunc(p.items, func(item string) bool {
		if strings.HasPrefix(item, owner+"/") {
			gone = append(gone, item)
			return true
		}
		return false
	})
	if len(gone) > 0 {
		p.props.SetMust(watcherIface, "RegisteredStatusNotifierItems", slices.Clone(p.items))
	}
	p.mu.Unlock()
	for _, item := range gone {
		o.conn.Emit(watcherPath, watcherIface+".StatusNotifierItemUnregistered", item)
	}
}
