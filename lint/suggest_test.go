package lint

import "testing"

func TestSuggest(t *testing.T) {
	tests := []struct {
		name       string
		s          string
		candidates []string
		want       string
	}{
		{"transposition", "rewrite-traget", []string{"rewrite-target", "use-regex"}, "rewrite-target"},
		{"missing letter", "missing-servce", []string{"missing-service", "missing-backend"}, "missing-service"},
		{"short swap", "wbe", []string{"web", "api"}, "web"},
		{"different word", "service-a", []string{"service-bar", "service-foo"}, ""},
		{"exact match is no suggestion", "web", []string{"web"}, ""},
		{"nothing near", "frobnicate", []string{"scheme", "subnets"}, ""},
		{"no candidates", "web", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Suggest(tt.s, tt.candidates); got != tt.want {
				t.Errorf("Suggest(%q) = %q, want %q", tt.s, got, tt.want)
			}
		})
	}
}
