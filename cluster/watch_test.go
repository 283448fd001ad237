package cluster

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func TestWatchIngressesChanges(t *testing.T) {
	cs := fake.NewClientset()
	var watching atomic.Bool
	cs.PrependWatchReactor("ingresses", func(a k8stesting.Action) (bool, watch.Interface, error) {
		w, err := cs.Tracker().Watch(IngressesResource, a.GetNamespace())
		watching.Store(true)
		return true, w, err
	})
	var changes atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- WatchIngresses(ctx, &Clients{Kube: cs}, "shop", func() { changes.Add(1) })
	}()
	// The watch is in place once the tracker made its watcher; the first
	// list counts as a change, for what the caller may have missed.
	waitFor(t, "the watch", func() bool { return watching.Load() })
	if n := changes.Load(); n != 1 {
		t.Fatalf("%d changes after the first list, want 1", n)
	}
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"}}
	if _, err := cs.NetworkingV1().Ingresses("shop").Create(ctx, ing, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a change for the create", func() bool { return changes.Load() == 2 })
	// Another namespace is not watched.
	other := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "other"}}
	if _, err := cs.NetworkingV1().Ingresses("other").Create(ctx, other, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cs.NetworkingV1().Ingresses("shop").Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a change for the delete", func() bool { return changes.Load() == 3 })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("WatchIngresses = %v after cancel, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WatchIngresses did not return after cancel")
	}
	if n := changes.Load(); n != 3 {
		t.Errorf("%d changes, want 3 (the other namespace's Ingress is not one)", n)
	}
}

// A watch that expires (an error event, as the server sends 410 Gone)
// starts over with a list and counts as a change, since changes may have
// been missed.
func TestWatchIngressesExpired(t *testing.T) {
	cs := fake.NewClientset()
	var lists, watches atomic.Int32
	cs.PrependReactor("list", "ingresses", func(k8stesting.Action) (bool, runtime.Object, error) {
		lists.Add(1)
		return false, nil, nil
	})
	first := watch.NewFake()
	cs.PrependWatchReactor("ingresses", func(k8stesting.Action) (bool, watch.Interface, error) {
		if watches.Add(1) == 1 {
			return true, first, nil
		}
		return false, nil, nil
	})
	var changes atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = WatchIngresses(ctx, &Clients{Kube: cs}, "", func() { changes.Add(1) }) }()
	waitFor(t, "the first watch", func() bool { return watches.Load() == 1 })
	first.Error(&apierrors.NewResourceExpired("too old resource version").ErrStatus)
	waitFor(t, "a second list and watch", func() bool { return lists.Load() == 2 && watches.Load() == 2 })
	if n := changes.Load(); n != 2 {
		t.Errorf("%d changes after the expiry, want 2 (one per list)", n)
	}
}

// Watches that end at once, and error events other than an expiry, are
// retried after a pause and resumed from where they were, not relisted.
func TestWatchIngressesBackoff(t *testing.T) {
	for _, tt := range []struct {
		name string
		end  func(w *watch.FakeWatcher)
	}{
		{"closed at once", func(w *watch.FakeWatcher) { w.Stop() }},
		{"internal error", func(w *watch.FakeWatcher) {
			w.Error(&apierrors.NewInternalError(errors.New("etcd is away")).ErrStatus)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cs := fake.NewClientset()
			var lists, watches atomic.Int32
			cs.PrependReactor("list", "ingresses", func(k8stesting.Action) (bool, runtime.Object, error) {
				lists.Add(1)
				return false, nil, nil
			})
			cs.PrependWatchReactor("ingresses", func(k8stesting.Action) (bool, watch.Interface, error) {
				watches.Add(1)
				w := watch.NewFakeWithChanSize(1, false)
				tt.end(w)
				return true, w, nil
			})
			var changes atomic.Int32
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() { _ = WatchIngresses(ctx, &Clients{Kube: cs}, "", func() { changes.Add(1) }) }()
			time.Sleep(500 * time.Millisecond)
			if n := watches.Load(); n != 1 {
				t.Errorf("%d watches within half a second, want 1 (then a pause of a second)", n)
			}
			if n := lists.Load(); n != 1 {
				t.Errorf("%d lists, want 1", n)
			}
			if n := changes.Load(); n != 1 {
				t.Errorf("%d changes, want 1 (the first list)", n)
			}
		})
	}
}

func TestWatchIngressesRefused(t *testing.T) {
	cs := fake.NewClientset()
	cs.PrependReactor("list", "ingresses", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(IngressesResource.GroupResource(), "", errors.New("no list for you"))
	})
	errc := make(chan error, 1)
	go func() {
		errc <- WatchIngresses(context.Background(), &Clients{Kube: cs, Server: "https://k8s.example"}, "shop", func() {})
	}()
	select {
	case err := <-errc:
		var ce *Error
		if !errors.As(err, &ce) || !apierrors.IsForbidden(err) {
			t.Fatalf("WatchIngresses = %v, want a forbidden *Error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a refusal was retried instead of returned")
	}
}
