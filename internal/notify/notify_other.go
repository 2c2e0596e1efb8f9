//go:build !linux

package notify

import (
	"fmt"

	"github.com/gen2brain/beeep"
)

// New returns a Notifier that sends notifications as appName with appIcon
// (the path of the app's PNG icon) whenever a notification has no icon of
// its own. On this system notifications cannot replace each other and carry
// no actions: Replace, Tag, Actions and Default are ignored, and SetInvoked's
// function is never called.
func New(appName, appIcon string) (Notifier, error) {
	abs, err := checkArgs(appName, appIcon)
	if err != nil {
		return nil, err
	}
	beeep.AppName = appName
	return &beeepNotifier{appIcon: abs}, nil
}

type beeepNotifier struct{ appIcon string }

func (b *beeepNotifier) Notify(n Notification) error {
	icon := n.Icon
	if icon == "" {
		icon = b.appIcon
	}
	if err := beeep.Notify(n.Summary, n.Body, icon); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

func (b *beeepNotifier) SetInvoked(func(Invoked)) {}

func (b *beeepNotifier) Close() error { return nil }
