//go:build !linux

package trayicon

import (
	"fyne.io/systray"

	"github.com/spotray/spotray/internal/menu"
)

// platform is systray's own menu, created once in menu.Layout order and
// afterwards only retitled, shown, hidden, checked and enabled: systray's
// ResetMenu and Remove close the entries' click channels, which would make
// the click loops spin.
type platform struct {
	items [menu.NumItems]*systray.MenuItem
}

func (t *Tray) startPlatform(menu.Menu) {}

// start creates the entries. On Windows a left click on the icon opens
// the menu, which is what people expect there (activated is not needed),
// and macOS has only the menu.
func (t *Tray) start(clicked func(menu.ID, menu.Target), opened, _ func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range menu.Layout {
		if id == menu.Separator {
			systray.AddSeparator()
			continue
		}
		it := t.shown.Items[id]
		var mi *systray.MenuItem
		if menu.Checkbox(id) {
			mi = systray.AddMenuItemCheckbox(it.Label, "", it.Checked)
		} else {
			mi = systray.AddMenuItem(it.Label, "")
		}
		if !it.Enabled {
			mi.Disable()
		}
		if !it.Visible {
			mi.Hide()
		}
		t.items[id] = mi
		go t.forward(id, mi.ClickedCh, clicked)
	}
	go t.forwardOpened(opened)
}

// forward passes clicks on. systray drops a click when nobody is receiving,
// so this loop does nothing else; a slow consumer delays clicks rather than
// losing the first one.
func (t *Tray) forward(id menu.ID, from <-chan struct{}, to func(menu.ID, menu.Target)) {
	for {
		select {
		case <-from:
			t.mu.Lock()
			target := t.shown.Target
			t.mu.Unlock()
			to(id, target)
		case <-t.quit:
			return
		}
	}
}

// forwardOpened passes on menu openings (macOS reports them), which
// systray also drops when nobody is receiving.
func (t *Tray) forwardOpened(to func()) {
	for {
		select {
		case <-systray.TrayOpenedCh:
			to()
		case <-t.quit:
			return
		}
	}
}

// showEntries shows m's entries, touching only what changed since the last
// Show, so that the system redraws as little as possible.
func (t *Tray) showEntries(m menu.Menu) {
	for id := range menu.NumItems {
		was, now, mi := t.shown.Items[id], m.Items[id], t.items[id]
		if now.Label != was.Label {
			mi.SetTitle(now.Label)
		}
		if now.Enabled != was.Enabled {
			if now.Enabled {
				mi.Enable()
			} else {
				mi.Disable()
			}
		}
		if now.Checked != was.Checked {
			if now.Checked {
				mi.Check()
			} else {
				mi.Uncheck()
			}
		}
		if now.Visible != was.Visible {
			if now.Visible {
				mi.Show()
			} else {
				mi.Hide()
			}
		}
	}
}
