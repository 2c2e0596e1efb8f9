package desktoptest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/testenv"
)

// Item is a registered StatusNotifierItem as the panel that shows it sees
// it: its menu over com.canonical.dbusmenu, its tooltip and its icon. Get
// one from Panel.ItemOf. Every method fails the test it is bound to when the
// item does not answer.
type Item struct {
	t    testing.TB
	conn *dbus.Conn
	// Name is the unique bus name of the item's connection.
	Name string
}

// Entry is one top-level menu entry as dbusmenu's GetLayout describes it.
type Entry struct {
	ID        int32
	Label     string // as sent, with dbusmenu's "__" escapes for "_"
	Visible   bool
	Enabled   bool
	Checkbox  bool // toggle-type "checkmark"
	Checked   bool // toggle-state 1
	Separator bool
}

// String is how entries read in tests' expectations: "---" for a separator,
// "[x] " or "[ ] " before a checkbox, " (disabled)" after a disabled entry.
func (e Entry) String() string {
	if e.Separator {
		return "---"
	}
	s := e.Label
	if e.Checkbox {
		box := "[ ] "
		if e.Checked {
			box = "[x] "
		}
		s = box + s
	}
	if !e.Enabled {
		s += " (disabled)"
	}
	return s
}

// Menu reads the whole menu with GetLayout(0, -1, []), as a panel does on
// every LayoutUpdated.
func (i *Item) Menu() []Entry {
	i.t.Helper()
	var rev uint32
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := i.menu().Call(menuIface+".GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root); err != nil {
		i.t.Fatalf("GetLayout: %v", err)
	}
	var entries []Entry
	for _, c := range root.Children {
		fields, ok := c.Value().([]any)
		if !ok || len(fields) < 2 {
			i.t.Fatalf("GetLayout: child %v is not (ia{sv}av)", c)
		}
		id, _ := fields[0].(int32)
		props, _ := fields[1].(map[string]dbus.Variant)
		// dbusmenu's defaults for properties left out.
		e := Entry{ID: id, Visible: true, Enabled: true}
		for k, v := range props {
			switch k {
			case "label":
				e.Label, _ = v.Value().(string)
			case "visible":
				e.Visible, _ = v.Value().(bool)
			case "enabled":
				e.Enabled, _ = v.Value().(bool)
			case "type":
				e.Separator = v.Value() == "separator"
			case "toggle-type":
				e.Checkbox = v.Value() == "checkmark"
			case "toggle-state":
				n, _ := v.Value().(int32)
				e.Checked = n == 1
			}
		}
		entries = append(entries, e)
	}
	return entries
}

// Shown is the visible part of the menu, each entry as Entry.String.
func (i *Item) Shown() []string {
	i.t.Helper()
	var s []string
	for _, e := range i.Menu() {
		if e.Visible {
			s = append(s, e.String())
		}
	}
	return s
}

// reopenEvery is how often WaitMenu opens the menu again while it waits.
const reopenEvery = 500 * time.Millisecond

// WaitMenu waits until the visible menu is exactly want. Now and then it
// opens the menu, as a user looking for a change would: an app may refresh
// what it shows when its menu opens (spotray asks Spotify again) rather than
// at its next scheduled update. Use Shown with testenv.WaitFor to wait
// without opening the menu.
func (i *Item) WaitMenu(want ...string) {
	i.t.Helper()
	var last []string
	defer func() {
		if !slices.Equal(last, want) {
			i.t.Logf("menu last seen:\n  %q", last)
		}
	}()
	opened := time.Now()
	testenv.WaitFor(i.t, fmt.Sprintf("the menu to become\n  %q", want), func() bool {
		last = i.Shown()
		if slices.Equal(last, want) {
			return true
		}
		if time.Since(opened) > reopenEvery {
			i.Glance()
			opened = time.Now()
		}
		return false
	})
}

// Glance opens the menu and closes it again, as someone who looks at what
// plays: an app sees the opening, and can show what it learns from it.
func (i *Item) Glance() {
	i.t.Helper()
	i.Open()
	i.Close()
}

// Open sends the event "opened" for the root menu, as a panel does when it
// shows the menu. An app may hold the menu still until Close.
func (i *Item) Open() {
	i.t.Helper()
	i.event(0, "opened")
}

// Close sends the event "closed" for the root menu, as a panel does when
// the menu goes away.
func (i *Item) Close() {
	i.t.Helper()
	i.event(0, "closed")
}

// Click clicks the visible entry labelled label (as sent, with "__"
// escapes), failing the test if there is none.
func (i *Item) Click(label string) {
	i.t.Helper()
	menu := i.Menu()
	for _, e := range menu {
		if e.Visible && e.Label == label {
			i.event(e.ID, "clicked")
			return
		}
	}
	var shown []string
	for _, e := range menu {
		if e.Visible {
			shown = append(shown, e.String())
		}
	}
	i.t.Fatalf("click %q: no such visible entry in %q", label, shown)
}

func (i *Item) event(id int32, event string) {
	i.t.Helper()
	err := i.menu().Call(menuIface+".Event", 0, id, event, dbus.MakeVariant(""), uint32(0)).Err
	if err != nil {
		i.t.Fatalf("dbusmenu event %q for entry %d: %v", event, id, err)
	}
}

// Activate clicks the icon itself, as panels that open the menu with the
// other button (lxqt-panel, KDE) do on a left click.
func (i *Item) Activate() {
	i.t.Helper()
	if err := i.conn.Object(i.Name, itemPath).Call(itemIface+".Activate", 0, int32(0), int32(0)).Err; err != nil {
		i.t.Fatalf("Activate: %v", err)
	}
}

// ToolTip reads the title of the item's tooltip.
func (i *Item) ToolTip() string {
	i.t.Helper()
	v := i.property("ToolTip")
	// (icon name, icon pixmaps, title, description)
	fields, ok := v.Value().([]any)
	if !ok || len(fields) != 4 {
		i.t.Fatalf("ToolTip is %v, not (sa(iiay)ss)", v)
	}
	title, _ := fields[2].(string)
	return title
}

// Icon reads the pixels of the item's first icon (IconPixmap), as a panel
// that draws it gets them; tests compare them to see the icon change.
func (i *Item) Icon() []byte {
	i.t.Helper()
	v := i.property("IconPixmap")
	var pixmaps []struct {
		W, H int32
		Pix  []byte
	}
	if err := dbus.Store([]any{v.Value()}, &pixmaps); err != nil || len(pixmaps) == 0 {
		i.t.Fatalf("IconPixmap is %v: %v", v, err)
	}
	return pixmaps[0].Pix
}

func (i *Item) property(name string) dbus.Variant {
	i.t.Helper()
	v, err := i.conn.Object(i.Name, itemPath).GetProperty(itemIface + "." + name)
	if err != nil {
		i.t.Fatalf("read %s: %v", name, err)
	}
	return v
}

func (i *Item) menu() dbus.BusObject { return i.conn.Object(i.Name, menuPath) }
