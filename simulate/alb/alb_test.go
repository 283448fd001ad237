package alb

import "testing"

// TestALBGlob checks ALB wildcard matching: "*" any run of characters,
// "?" exactly one (Elastic Load Balancing, "Path conditions" and "Host
// conditions"); paths compare case-sensitively, hosts not.
func TestALBGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold       bool
		want       bool
	}{
		{"/img/*", "/img/a.png", false, true},
		{"/img/*", "/img/", false, true},
		{"/img/*", "/img", false, false},
		{"/v?/status", "/v1/status", false, true},
		{"/v?/status", "/v10/status", false, false},
		{"/static/*.css", "/static/a/b.css", false, true},
		{"/static/*.css", "/static/a.css.map", false, false},
		{"/API", "/api", false, false},
		{"*.example.com", "a.b.example.com", true, true},
		{"*.example.com", "example.com", true, false},
		{"*.EXAMPLE.com", "www.example.COM", true, true},
		{"a*b*c", "axxbyyc", false, true},
		{"a*b*c", "axxbyy", false, false},
		{"*", "", false, true},
	}
	for _, tt := range tests {
		if got := albGlob(tt.pattern, tt.s, tt.fold); got != tt.want {
			t.Errorf("albGlob(%q, %q, %v) = %v, want %v", tt.pattern, tt.s, tt.fold, got, tt.want)
		}
	}
}
