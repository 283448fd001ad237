package gce

import "testing"

func TestBackendTimeout(t *testing.T) {
	tests := []struct {
		name string
		sec  int64
		want string
		ok   bool
	}{
		{"seconds", 40, "40s", true},
		{"an hour exactly", 3600, "1h", true},
		{"every part", 3700, "1h1m40s", true},
		{"the largest duration", 99999*3600 + 3599, "99999h59m59s", true},
		{"above the largest duration", 100000 * 3600, "", false},
		{"the compute api maximum", 2147483647, "", false},
		{"zero", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := backendTimeout(tt.sec)
			if string(got) != tt.want || ok != tt.ok {
				t.Errorf("backendTimeout(%d) = %q, %v; want %q, %v", tt.sec, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFixedHeader(t *testing.T) {
	tests := []struct {
		name, header string
		ok           bool
	}{
		{"name and value", "X-Team: payments", true},
		{"no space", "X-Team:payments", true},
		{"a load balancer variable", "X-Region:{client_region}", false},
		{"no colon", "X-Team", false},
		{"a space in the name", "X Team: a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := fixedHeader(tt.header); ok != tt.ok {
				t.Errorf("fixedHeader(%q) ok = %v, want %v", tt.header, ok, tt.ok)
			}
		})
	}
}
