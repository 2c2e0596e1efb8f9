package trayicon

import (
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/menu"
)

// entryOf is the entry of dbusmenu id id (menu.Separator for a separator);
// false for none.
func entryOf(id int32) (menu.ID, bool) {
	if id < 1 || int(id) > len(menu.Layout) {
		return 0, false
	}
	return menu.Layout[id-1], true
}

// props are the dbusmenu properties of entry id in m. Every entry always
// has all of its kind's, so that a change never has to remove one.
func props(m menu.Menu, id int32) map[string]dbus.Variant {
	entry, ok := entryOf(id)
	if !ok {
		return map[string]dbus.Variant{}
	}
	if entry == menu.Separator {
		return map[string]dbus.Variant{"type": dbus.MakeVariant("separator")}
	}
	it := m.Items[entry]
	p := map[string]dbus.Variant{
		"label":   dbus.MakeVariant(it.Label),
		"enabled": dbus.MakeVariant(it.Enabled),
		"visible": dbus.MakeVariant(it.Visible),
	}
	if menu.Checkbox(entry) {
		state := int32(0)
		if it.Checked {
			state = 1
		}
		p["toggle-type"] = dbus.MakeVariant("checkmark")
		p["toggle-state"] = dbus.MakeVariant(state)
	}
	return p
}

// only keeps the properties in names; none means all of them.
func only(p map[string]dbus.Variant, names []string) map[string]dbus.Variant {
	if len(names) == 0 {
		return p
	}
	out := make(map[string]dbus.Variant, len(names))
	for _, n := range names {
		if v, ok := p[n]; ok {
			out[n] = v
		}
	}
	return out
}

// changes are the properties that differ between menus was and now, by
// entry: the body of one ItemsPropertiesUpdated, empty when nothing shows
// differently.
func changes(was, now menu.Menu) []idProps {
	var out []idProps
	for i := range menu.Layout {
		id := int32(i + 1)
		before, after := props(was, id), props(now, id)
		diff := map[string]dbus.Variant{}
		for k, v := range after {
			if old, ok := before[k]; !ok || old.String() != v.String() {
				diff[k] = v
			}
		}
		if len(diff) > 0 {
			out = append(out, idProps{id, diff})
		}
	}
	return out
}

// How long a menu holds still after a host opens it. A host that says
// "opened" also says "closed" (Qt's dbusmenu: lxqt-panel, KDE), and
// maxHold only guards against one that crashed with the menu open. A host
// that only asks AboutToShow (libdbusmenu-gtk: xfce4-panel) never says
// when the menu closes; it redraws an open menu in place, so labels can
// change at once, but a row that appears or disappears moves the one under
// the pointer: those wait rowsHold, about as long as people take to aim.
const (
	maxHold  = 30 * time.Second
	rowsHold = 10 * time.Second
)

// hold is how a host has the menu open; the zero value is a closed menu.
type hold struct {
	since time.Time
	// closes: the host said "opened", so it says "closed" too.
	closes bool
}

// holding is what must wait.
type holding int

const (
	holdNone holding = iota // nothing: show every change
	holdRows                // rows that appear or disappear
	holdAll                 // every change
)

// open is the hold after a host opens the menu at now, saying "opened"
// (closes) or only asking AboutToShow. Qt's hosts do both, in that order.
func (h hold) open(now time.Time, closes bool) hold {
	switch {
	case h.state(now) == holdNone:
		return hold{since: now, closes: closes}
	case closes && !h.closes:
		return hold{since: h.since, closes: true}
	}
	return h
}

// state is what must wait at now.
func (h hold) state(now time.Time) holding {
	switch {
	case h.since.IsZero() || !now.Before(h.until()):
		return holdNone
	case h.closes:
		return holdAll
	}
	return holdRows
}

// until is when the hold ends if no host says the menu closed.
func (h hold) until() time.Time {
	if h.closes {
		return h.since.Add(maxHold)
	}
	return h.since.Add(rowsHold)
}

// keepRows is m with the rows that shown shows, and no others.
func keepRows(shown, m menu.Menu) menu.Menu {
	for id := range m.Items {
		m.Items[id].Visible = shown.Items[id].Visible
	}
	return m
}
