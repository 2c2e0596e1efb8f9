package trayicon

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/dbusprops"
	"github.com/spotray/spotray/internal/menu"
)

// platform is what the tray needs on Linux: its own menu export.
type platform struct{ dm *dbusMenu }

func (t *Tray) startPlatform(first menu.Menu) { t.dm = newDBusMenu(first) }

// start takes over, from systray's item, the menu (see dbusMenu) and the
// item's primary click: Activate, which lxqt-panel and KDE send on a left
// click while panels such as xfce4-panel open the menu instead, because
// the item says ItemIsMenu. systray answers Activate itself only when given
// a tap handler, and then also declares ItemIsMenu false, which turns every
// panel's left click into Activate and hides the menu behind a right click.
// So spotray keeps systray's item and replaces method handlers only, once
// systray has exported its own, which it does after the ready callback
// that calls this has started.
func (t *Tray) start(clicked func(menu.ID, menu.Target), opened, activated func()) {
	go func() {
		if err := t.takeOver(clicked, opened, activated); err != nil {
			slog.Warn("the tray menu cannot be used", "err", err)
		}
	}()
}

func (t *Tray) takeOver(clicked func(menu.ID, menu.Target), opened, activated func()) error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	// systray requests its name after exporting its methods, and then
	// exports the menu's properties.
	name := fmt.Sprintf("%s-%d-1", itemIface, os.Getpid())
	self := conn.Object(conn.Names()[0], menuPath)
	// That takes a few milliseconds, which the menu waits for: look often.
	for wait, deadline := time.Millisecond, time.Now().Add(10*time.Second); ; wait = min(2*wait, 20*time.Millisecond) {
		if slices.Contains(conn.Names(), name) && self.Call(dbusprops.Interface+".Get", 0, menuIface, "Status").Err == nil {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the tray item never took its bus name")
		}
		time.Sleep(wait)
	}
	if err := t.dm.export(conn, clicked, opened, t.quit); err != nil {
		return err
	}
	err = conn.ExportSubtreeMethodTable(map[string]any{
		"Activate":          func(x, y int32) *dbus.Error { go activated(); return nil },
		"ContextMenu":       func(x, y int32) *dbus.Error { return &dbus.ErrMsgUnknownMethod },
		"SecondaryActivate": func(x, y int32) *dbus.Error { return &dbus.ErrMsgUnknownMethod },
		"Scroll":            func(delta int32, orientation string) *dbus.Error { return &dbus.ErrMsgUnknownMethod },
	}, itemPath, itemIface)
	if err != nil {
		return fmt.Errorf("a click on the icon does nothing: %w", err)
	}
	return nil
}

// showEntries shows m's entries.
func (t *Tray) showEntries(m menu.Menu) { t.dm.show(m, time.Now()) }
