package trayicon

import (
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/dbusprops"
	"github.com/spotray/spotray/internal/menu"
)

// The menu's side of the tray protocol (com.canonical.dbusmenu), at the
// path systray gives as the item's Menu.
const (
	menuPath  = "/StatusNotifierItem/menu"
	menuIface = "com.canonical.dbusmenu"
	// menuRevision is the only layout there is: the entries never change
	// (package menu keeps them all and hides some), only their
	// properties do.
	menuRevision uint32 = 1
	// rootID is the menu itself in dbusmenu's numbering; entry i of
	// menu.Layout is i+1.
	rootID int32 = 0
)

// dbusMenu serves the menu over dbusmenu on systray's connection, in place
// of systray's own menu. systray announces every change with LayoutUpdated,
// after which Qt hosts (lxqt-panel, KDE) rebuild an open menu and close it,
// and it never says when a host closes the menu. Here a change is one
// ItemsPropertiesUpdated with only what changed, and while a host shows the
// menu nothing in it moves (see hold).
type dbusMenu struct {
	clicks chan click // to the goroutine that reports them, in order

	mu     sync.Mutex
	conn   *dbus.Conn // nil until the export, which takeOver makes
	shown  menu.Menu  // what hosts were told
	want   menu.Menu  // the last Show
	hold   hold
	expiry *time.Timer // ends a hold that no "closed" ends
}

type click struct {
	id    menu.ID
	shown menu.Target
}

func newDBusMenu(first menu.Menu) *dbusMenu {
	return &dbusMenu{clicks: make(chan click, 16), shown: first, want: first}
}

// export serves the menu on conn and reports clicks to clicked (in order,
// on one goroutine, until quit is closed) and openings to opened.
func (d *dbusMenu) export(conn *dbus.Conn, clicked func(menu.ID, menu.Target), opened func(), quit <-chan struct{}) error {
	// dbusmenu's Version is the protocol's version (systray counts
	// its revisions in it).
	_, err := dbusprops.Export(conn, menuPath, map[string]map[string]any{menuIface: {
		"Version": uint32(3), "TextDirection": "ltr", "Status": "normal", "IconThemePath": []string{},
	}})
	if err != nil {
		return err
	}
	go func() {
		for {
			select {
			case c := <-d.clicks:
				clicked(c.id, c.shown)
			case <-quit:
				return
			}
		}
	}()
	err = conn.ExportSubtreeMethodTable(map[string]any{
		"GetLayout":          d.getLayout,
		"GetGroupProperties": d.getGroupProperties,
		"GetProperty":        d.getProperty,
		"Event": func(id int32, event string, _ dbus.Variant, _ uint32) *dbus.Error {
			if !d.event(id, event, opened) {
				return unknownEntry(id)
			}
			return nil
		},
		"EventGroup": func(events []struct {
			ID    int32
			Event string
			Data  dbus.Variant
			Time  uint32
		}) ([]int32, *dbus.Error) {
			var unknown []int32
			for _, e := range events {
				if !d.event(e.ID, e.Event, opened) {
					unknown = append(unknown, e.ID)
				}
			}
			if len(unknown) == len(events) && len(events) > 0 {
				return unknown, unknownEntry(unknown[0])
			}
			return unknown, nil
		},
		"AboutToShow": func(id int32) (bool, *dbus.Error) {
			if id == rootID {
				d.opening(time.Now(), false, opened)
			}
			// What a host has is always what it should show.
			return false, nil
		},
		"AboutToShowGroup": func(ids []int32) ([]int32, []int32, *dbus.Error) {
			if slices.Contains(ids, rootID) {
				d.opening(time.Now(), false, opened)
			}
			return nil, nil, nil
		},
	}, menuPath, menuIface)
	if err != nil {
		return fmt.Errorf("export the menu: %w", err)
	}
	d.mu.Lock()
	d.conn = conn
	d.shown = d.want
	d.mu.Unlock()
	// A host may have read systray's empty menu before this: one
	// LayoutUpdated makes it read this one.
	if err := conn.Emit(menuPath, menuIface+".LayoutUpdated", menuRevision, rootID); err != nil {
		return fmt.Errorf("announce the menu: %w", err)
	}
	return nil
}

func unknownEntry(id int32) *dbus.Error {
	return dbus.NewError("org.freedesktop.DBus.Error.InvalidArgs", []any{fmt.Sprintf("no menu entry %d", id)})
}

// event takes a host's event about entry id; false if there is no such
// entry.
func (d *dbusMenu) event(id int32, event string, opened func()) bool {
	if id == rootID {
		switch event {
		case "opened":
			d.opening(time.Now(), true, opened)
		case "closed":
			d.closing()
		}
		return true
	}
	entry, ok := entryOf(id)
	if !ok {
		return false
	}
	if event == "clicked" && entry != menu.Separator {
		d.mu.Lock()
		target := d.shown.Target
		d.mu.Unlock()
		d.clicks <- click{entry, target}
	}
	return true
}

// opening holds the menu still (see hold.open). The first sign of an
// opening is passed to opened: hosts give two.
func (d *dbusMenu) opening(now time.Time, closes bool, opened func()) {
	d.mu.Lock()
	first := d.hold.state(now) == holdNone
	d.hold = d.hold.open(now, closes)
	d.mu.Unlock()
	if first {
		opened()
	}
}

// closing ends the hold and shows what waited.
func (d *dbusMenu) closing() {
	d.mu.Lock()
	d.hold = hold{}
	want := d.want
	d.mu.Unlock()
	d.show(want, time.Now())
}

// show makes m the menu, at once unless a host has it open.
func (d *dbusMenu) show(m menu.Menu, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.want = m
	if d.conn == nil {
		return // the export starts with it
	}
	switch d.hold.state(now) {
	case holdAll:
		d.expire(now)
		return
	case holdRows:
		d.expire(now)
		m = keepRows(d.shown, m)
	default:
		if d.expiry != nil {
			d.expiry.Stop()
			d.expiry = nil
		}
	}
	updated := changes(d.shown, m)
	d.shown = m
	if len(updated) == 0 {
		return
	}
	if err := d.conn.Emit(menuPath, menuIface+".ItemsPropertiesUpdated", updated, []removedProps{}); err != nil {
		slog.Warn("the panel may show an old menu", "err", err)
	}
}

// expire shows what waits once the hold ends, if no host ends it first.
// Called with d.mu held.
func (d *dbusMenu) expire(now time.Time) {
	if d.expiry != nil {
		return
	}
	d.expiry = time.AfterFunc(d.hold.until().Sub(now), func() {
		d.mu.Lock()
		d.expiry = nil
		want := d.want
		d.mu.Unlock()
		d.show(want, time.Now())
	})
}

// layout is dbusmenu's (ia{sv}av): an entry, its properties, its children.
type layout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

// idProps is dbusmenu's (ia{sv}): an entry's properties.
type idProps struct {
	ID    int32
	Props map[string]dbus.Variant
}

// removedProps is dbusmenu's (ias): properties back to their defaults,
// which never happens here (every entry always has all of its own).
type removedProps struct {
	ID    int32
	Names []string
}

func (d *dbusMenu) getLayout(parent, depth int32, names []string) (uint32, layout, *dbus.Error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if parent != rootID {
		if _, ok := entryOf(parent); !ok {
			return 0, layout{}, unknownEntry(parent)
		}
		return menuRevision, layout{ID: parent, Props: only(props(d.shown, parent), names), Children: []dbus.Variant{}}, nil
	}
	root := layout{ID: rootID, Props: only(map[string]dbus.Variant{"children-display": dbus.MakeVariant("submenu")}, names),
		Children: []dbus.Variant{}}
	if depth != 0 {
		for i := range menu.Layout {
			id := int32(i + 1)
			root.Children = append(root.Children, dbus.MakeVariant(layout{ID: id, Props: only(props(d.shown, id), names),
				Children: []dbus.Variant{}}))
		}
	}
	return menuRevision, root, nil
}

func (d *dbusMenu) getGroupProperties(ids []int32, names []string) ([]idProps, *dbus.Error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(ids) == 0 { // all of them
		for i := range menu.Layout {
			ids = append(ids, int32(i+1))
		}
	}
	var out []idProps
	for _, id := range ids {
		if _, ok := entryOf(id); ok {
			out = append(out, idProps{id, only(props(d.shown, id), names)})
		}
	}
	return out, nil
}

func (d *dbusMenu) getProperty(id int32, name string) (dbus.Variant, *dbus.Error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := entryOf(id); !ok {
		return dbus.Variant{}, unknownEntry(id)
	}
	v, ok := props(d.shown, id)[name]
	if !ok {
		return dbus.Variant{}, dbus.NewError("org.freedesktop.DBus.Error.InvalidArgs", []any{"no property " + name})
	}
	return v, nil
}
