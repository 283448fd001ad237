package gce

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
)

// TestGCEPaths checks the URL-map paths ingress-gce writes for each
// pathType (pkg/controller/translator/translator.go validateAndGetPaths).
func TestGCEPaths(t *testing.T) {
	tests := []struct {
		pt      networkingv1.PathType
		path    string
		want    []string
		refused string
	}{
		{networkingv1.PathTypeImplementationSpecific, "/users/*", []string{"/users/*"}, ""},
		{networkingv1.PathTypeImplementationSpecific, "", []string{"/*"}, ""},
		{networkingv1.PathTypeImplementationSpecific, "/users", []string{"/users"}, ""},
		{networkingv1.PathTypeImplementationSpecific, "/img/*.png", nil, "final"},
		{networkingv1.PathTypeImplementationSpecific, "/a*", nil, "final"},
		{networkingv1.PathTypePrefix, "/", []string{"/*"}, ""},
		{networkingv1.PathTypePrefix, "/api", []string{"/api", "/api/*"}, ""},
		{networkingv1.PathTypePrefix, "/api/", []string{"/api", "/api/*"}, ""},
		{networkingv1.PathTypePrefix, "/api/*", nil, "wildcard"},
		{networkingv1.PathTypeExact, "/health", []string{"/health"}, ""},
		{networkingv1.PathTypeExact, "/h*", nil, "wildcard"},
	}
	for _, tt := range tests {
		pt := tt.pt
		got, why := gcePaths(networkingv1.HTTPIngressPath{Path: tt.path, PathType: &pt})
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s %q (-want +got):\n%s", tt.pt, tt.path, diff)
		}
		if (tt.refused == "") != (why == "") || !strings.Contains(why, tt.refused) {
			t.Errorf("%s %q: refusal %q, want one mentioning %q", tt.pt, tt.path, why, tt.refused)
		}
	}
}
