package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/cluster"
)

func TestSplitBackend(t *testing.T) {
	type parts struct {
		NS, Svc string
		Port    networkingv1.ServiceBackendPort
		OK      bool
	}
	tests := []struct {
		name, in string
		want     parts
	}{
		{"number", "shop/users:80", parts{"shop", "users", networkingv1.ServiceBackendPort{Number: 80}, true}},
		{"name", "shop/users:http", parts{"shop", "users", networkingv1.ServiceBackendPort{Name: "http"}, true}},
		{"resource backend", "StorageBucket/static", parts{}},
		{"no port", "shop/users:", parts{}},
		{"no namespace", "users:80", parts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got parts
			got.NS, got.Svc, got.Port, got.OK = splitBackend(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitBackend(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestForwardProtocol: KUBECTL_PORT_FORWARD_WEBSOCKETS=false, in any case,
// forces SPDY as it does for kubectl; anything else keeps kubectl's default.
func TestForwardProtocol(t *testing.T) {
	for value, want := range map[string]cluster.Protocol{
		"":      cluster.ProtocolAuto,
		"true":  cluster.ProtocolAuto,
		"false": cluster.ProtocolSPDY,
		"FALSE": cluster.ProtocolSPDY,
		"0":     cluster.ProtocolAuto,
	} {
		got := forwardProtocol(func(k string) string {
			if k == portForwardWebsocketsEnv {
				return value
			}
			return ""
		})
		if got != want {
			t.Errorf("%s=%q: protocol %q, want %q", portForwardWebsocketsEnv, value, got, want)
		}
	}
}
