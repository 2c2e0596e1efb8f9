package notify

import (
	"context"
	"log/slog"
	"time"
)

// artTimeout bounds the album-art download for a notification: a late
// notification is worse than one with the app icon.
const artTimeout = 5 * time.Second

// queueSize is how many notifications may wait for a slow notification
// service before new ones are dropped.
const queueSize = 16

// Art turns an image URL into a local file, as artcache.Cache does.
type Art interface {
	Get(ctx context.Context, url string) (path string, err error)
}

// Queue sends notifications in order on a goroutine of its own, so that
// neither a hanging notification service nor an album-art download ever
// holds up the caller. Make one with NewQueue and call Run.
type Queue struct {
	notifier Notifier
	art      Art // nil: never fetch art
	log      *slog.Logger
	pending  chan Notification
}

// NewQueue returns a queue that delivers to n, fetching ImageURLs with art
// (nil for none). Failures of n are logged by n itself (see Logged).
func NewQueue(n Notifier, art Art, log *slog.Logger) *Queue {
	return &Queue{notifier: n, art: art, log: log, pending: make(chan Notification, queueSize)}
}

// Send queues n. It never blocks: with the notification service hanging
// and the queue full, n is dropped and the drop logged.
func (q *Queue) Send(n Notification) {
	select {
	case q.pending <- n:
	default:
		q.log.Warn("notification dropped: the notification service is not keeping up", "summary", n.Summary)
	}
}

// Run delivers queued notifications until ctx is done.
func (q *Queue) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-q.pending:
			if n.ImageURL != "" && q.art != nil {
				actx, cancel := context.WithTimeout(ctx, artTimeout)
				path, err := q.art.Get(actx, n.ImageURL)
				cancel()
				if err != nil {
					q.log.Debug("no album art for the notification", "err", err)
				} else {
					n.Icon = path
				}
			}
			q.notifier.Notify(n)
		}
	}
}
