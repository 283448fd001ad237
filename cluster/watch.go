package cluster

import (
	"context"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

// WatchIngresses calls changed after every change to the Ingresses of
// namespace (all namespaces when empty) until ctx is done, then returns
// nil. It lists once for a resourceVersion and watches from there, as
// client-go's reflector does (tools/cache/reflector.go ListAndWatch), and
// calls changed once after that first list, since the caller read the
// Ingresses earlier and may have missed changes meanwhile. A watch the
// server ends is resumed from the last resourceVersion seen; one that
// expired (410 Gone) starts over with a list, followed by a call to
// changed. Watches that end at once without an event, and failures, are
// retried with a backoff of up to 30 seconds, so that a server or proxy
// that closes every watch is not asked again in a tight loop (the
// reflector's "very short watch" check does the same).
//
// A refusal (401, 403, or a server without the watch verb for Ingresses)
// is returned at once, as an *Error, so that the caller can say that it
// does not follow the cluster.
func WatchIngresses(ctx context.Context, c *Clients, namespace string, changed func()) error {
	api := c.Kube.NetworkingV1().Ingresses(namespace)
	backoff := time.Second
	rv := ""
	for ctx.Err() == nil {
		if rv == "" {
			list, err := api.List(ctx, metav1.ListOptions{Limit: 1})
			if err != nil {
				if refused(err) {
					return &Error{Server: c.Server, Err: err}
				}
				sleep(ctx, &backoff)
				continue
			}
			rv = list.ResourceVersion
			changed()
		}
		w, err := api.Watch(ctx, metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true})
		if err != nil {
			switch {
			case refused(err):
				return &Error{Server: c.Server, Err: err}
			case expired(err):
				rv = ""
			default:
				sleep(ctx, &backoff)
			}
			continue
		}
		started := time.Now()
		next, events, err := follow(ctx, w, rv, changed)
		rv = next
		switch {
		case ctx.Err() != nil:
		case err != nil && expired(err):
			rv = ""
		case err != nil || events == 0 && time.Since(started) < time.Second:
			sleep(ctx, &backoff)
		default:
			backoff = time.Second
		}
	}
	return nil
}

// follow reads w until it ends, calling changed for every change. It
// returns the resourceVersion to resume from, how many events came, and
// the error an error event carried.
func follow(ctx context.Context, w watch.Interface, rv string, changed func()) (string, int, error) {
	defer w.Stop()
	events := 0
	for {
		select {
		case <-ctx.Done():
			return rv, events, nil
		case ev, ok := <-w.ResultChan():
			if !ok {
				return rv, events, nil
			}
			events++
			switch ev.Type {
			case watch.Error:
				// The server sends 410 Gone as an error event when rv is
				// too old to resume from.
				return rv, events, apierrors.FromObject(ev.Object)
			case watch.Bookmark:
			default:
				changed()
			}
			if m, err := meta.Accessor(ev.Object); err == nil && m.GetResourceVersion() != "" {
				rv = m.GetResourceVersion()
			}
		}
	}
}

// expired reports whether err says that a resourceVersion is too old to
// watch from.
func expired(err error) bool {
	return apierrors.IsResourceExpired(err) || apierrors.IsGone(err)
}

// refused reports whether err is the server refusing the request rather
// than failing it.
func refused(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) || apierrors.IsMethodNotSupported(err) || apierrors.IsNotFound(err)
}

// sleep waits *backoff or until ctx is done, and doubles *backoff up to
// 30 seconds.
func sleep(ctx context.Context, backoff *time.Duration) {
	t := time.NewTimer(*backoff)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	*backoff = min(2**backoff, 30*time.Second)
}
