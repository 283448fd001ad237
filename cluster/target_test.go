package cluster

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func pod(name string, phase corev1.PodPhase, ready bool) *corev1.Pod {
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: name},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "app", Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 9090}},
		}}},
		Status: corev1.PodStatus{Phase: phase, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: status}}},
	}
}

// slice is an EndpointSlice of Service web/shop with one endpoint per pod;
// port 0 leaves the port out.
func slice(name string, port int32, ready *bool, pods ...string) *discoveryv1.EndpointSlice {
	s := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: "web", Name: name, Labels: map[string]string{discoveryv1.LabelServiceName: "shop"}},
		AddressType: discoveryv1.AddressTypeIPv4,
	}
	if port != 0 {
		n := "http"
		s.Ports = []discoveryv1.EndpointPort{{Name: &n, Port: &port}}
	}
	for _, p := range pods {
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{
			Addresses:  []string{"10.1.0.1"},
			Conditions: discoveryv1.EndpointConditions{Ready: ready},
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: "web", Name: p},
		})
	}
	return s
}

func TestResolveTarget(t *testing.T) {
	yes, no := true, false
	http := networkingv1.ServiceBackendPort{Name: "http"}
	tests := []struct {
		name    string
		objs    []runtime.Object
		service string
		port    networkingv1.ServiceBackendPort
		want    string
		wantErr string
	}{
		{
			name:    "port from the endpointslice",
			objs:    []runtime.Object{slice("shop-1", 8081, &yes, "b", "a"), pod("a", corev1.PodRunning, true), pod("b", corev1.PodRunning, true)},
			service: "shop", port: http, want: "web/a:8081",
		},
		{
			name:    "named target port from the pod",
			objs:    []runtime.Object{slice("shop-1", 0, nil, "a"), pod("a", corev1.PodRunning, true)},
			service: "shop", port: http, want: "web/a:9090",
		},
		{
			name: "skips not ready endpoints and pods",
			objs: []runtime.Object{
				slice("shop-1", 8081, &no, "a"), slice("shop-2", 8081, &yes, "b", "c", "d", "gone"),
				pod("a", corev1.PodRunning, true), pod("b", corev1.PodPending, false), pod("c", corev1.PodRunning, false), pod("d", corev1.PodRunning, true),
			},
			service: "shop", port: http, want: "web/d:8081",
		},
		{
			name:    "no ready pod",
			objs:    []runtime.Object{slice("shop-1", 8081, &yes, "b"), pod("b", corev1.PodPending, false)},
			service: "shop", port: http, wantErr: "service web/shop has no Running and Ready Pod",
		},
		{
			name:    "unknown service port",
			service: "shop", port: networkingv1.ServiceBackendPort{Number: 81}, wantErr: "service web/shop has no port 81",
		},
		{
			name:    "missing service",
			service: "checkout", port: http, wantErr: "service web/checkout does not exist",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeCluster(t, load(t, "testdata/cluster.yaml"))
			for _, o := range tt.objs {
				if err := fc.kube.Tracker().Add(o); err != nil {
					t.Fatal(err)
				}
			}
			got, err := ResolveTarget(context.Background(), fc.clients(), "web", tt.service, tt.port)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.String()); diff != "" {
				t.Errorf("target (-want +got):\n%s", diff)
			}
		})
	}
}
